// Driver run phase: the loop threads that send (window or rate pacing) and drain.
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "driver.h"

namespace mqchat::bench {
namespace {

constexpr int kIdleWaitMs = 5;                 // also bounds how late a cross-thread refill can be
constexpr int64_t kRetryBackoffNs = 10000000;  // resend OVERLOADED/UNAVAILABLE after 10 ms

double Seconds(const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; }

void AtomicMax(std::atomic<int64_t>& a, int64_t v) {
  int64_t cur = a.load();
  while (cur < v && !a.compare_exchange_weak(cur, v)) {
  }
}

}  // namespace

RunResult Driver::Run() {
  RunResult result;
  Status status = BuildConnections();
  if (status.ok()) status = ConnectAll();
  if (status.ok()) status = SubscribeAll();
  if (status.ok()) status = OpenConversations();
  if (status.ok()) status = RunPhase(&result);
  result.connections = static_cast<int>(connections_.size());
  for (const auto& c : connections_) {
    result.connected += c->connack_rc == 0;
    result.disconnected += c->connack_rc == 0 && !c->alive();
  }
  if (!status.ok()) result.setup_error = status.ToString();
  if (tracker_) {
    result.totals = tracker_->Totals();
    result.error_samples = tracker_->ErrorSamples();
  }
  for (const auto& c : connections_) {
    if (!c->error().empty() && result.error_samples.size() < 20) {
      result.error_samples.push_back(c->error());
    }
  }
  if (setup_loop_) DisconnectAll();
  return result;
}

Status Driver::RunPhase(RunResult* result) {
  const int n_threads = options_.threads;
  threads_.resize(n_threads);
  for (ThreadState& ts : threads_) {
    MQCHAT_ASSIGN_OR_RETURN(ts.loop, EventLoop::Create());
  }
  for (const auto& c : connections_) {
    MQCHAT_RETURN_IF_ERROR(threads_[thread_of_[c->index()]].loop->Add(c.get()));
  }
  for (size_t i = 0; i < senders_.size(); ++i) threads_[senders_[i].thread].senders.push_back(i);
  for (ThreadState& ts : threads_) {
    ts.rate = options_.rate * ts.senders.size() / std::max<size_t>(senders_.size(), 1);
  }

  rusage before{}, after{};
  getrusage(RUSAGE_SELF, &before);
  t0_ns_ = NowNs();
  send_deadline_ns_ =
      options_.duration_s > 0 ? t0_ns_ + static_cast<int64_t>(options_.duration_s * 1e9) : 0;
  threads_sending_.store(n_threads);
  last_send_stop_ns_.store(t0_ns_);
  std::vector<std::thread> workers;
  for (int t = 0; t < n_threads; ++t) workers.emplace_back([this, t] { RunThread(t); });
  for (auto& w : workers) w.join();
  const int64_t end = NowNs();
  getrusage(RUSAGE_SELF, &after);

  result->run_s = (end - t0_ns_) / 1e9;
  result->cpu_user_s = Seconds(after.ru_utime) - Seconds(before.ru_utime);
  result->cpu_sys_s = Seconds(after.ru_stime) - Seconds(before.ru_stime);
  const TrackerTotals t = tracker_->Totals();
  result->send_phase_s = (t.last_send_ns - t.first_send_ns) / 1e9;
  return Status::Ok();
}

void Driver::SendWindow(ThreadState& ts) {
  for (int si : ts.senders) {
    Sender& s = senders_[si];
    while (s.quota != 0 && tracker_->Outstanding(s.slot) < options_.window) {
      if (!SendOne(s)) break;
    }
  }
}

void Driver::SendRate(ThreadState& ts, int64_t now) {
  if (ts.senders.empty() || ts.rate <= 0) return;
  int64_t due = static_cast<int64_t>(ts.rate * (now - t0_ns_) / 1e9) + 1 - ts.sent;
  size_t idle = 0;  // senders in a row that could not send
  while (due > 0 && idle < ts.senders.size()) {
    Sender& s = senders_[ts.senders[ts.next_rr]];
    ts.next_rr = (ts.next_rr + 1) % ts.senders.size();
    if (!SendOne(s)) {
      ++idle;
      continue;
    }
    idle = 0;
    ++ts.sent;
    --due;
  }
  // Message k of this thread is due at t0 + k / rate.
  ts.loop->ArmTimer(t0_ns_ + static_cast<int64_t>(ts.sent * 1e9 / ts.rate));
}

void Driver::RunThread(int t) {
  current_thread_ = t;
  ThreadState& ts = threads_[t];
  bool sending = true;
  int64_t next_retry_ns = 0;
  while (true) {
    const int64_t now = NowNs();
    if (sending) {
      const bool past_deadline = send_deadline_ns_ != 0 && now >= send_deadline_ns_;
      const bool exhausted = std::none_of(ts.senders.begin(), ts.senders.end(), [&](int si) {
        return senders_[si].quota != 0 && senders_[si].conn->alive();
      });
      if (past_deadline || exhausted) {
        sending = false;
        ts.loop->ArmTimer(0);
        AtomicMax(last_send_stop_ns_, now);
        threads_sending_.fetch_sub(1);
        for (ThreadState& other : threads_) other.loop->Wake();
      } else if (options_.rate > 0) {
        SendRate(ts, now);
      } else {
        SendWindow(ts);
      }
    }
    if (now >= next_retry_ns) {
      next_retry_ns = now + kRetryBackoffNs;
      for (int si : ts.senders) {
        Sender& s = senders_[si];
        std::vector<uint64_t> ids;
        ids.swap(s.retries);
        for (uint64_t id : ids) Resend(s, id);
      }
    }
    ts.loop->Flush();
    if (!sending && threads_sending_.load() == 0) {
      if (tracker_->AllComplete()) break;
      if (now > last_send_stop_ns_.load() + static_cast<int64_t>(options_.drain_s * 1e9)) break;
      bool any_alive = false;
      for (Connection* c : ts.loop->connections()) any_alive = any_alive || c->alive();
      if (!any_alive) break;
    }
    ts.loop->RunOnce(kIdleWaitMs);
  }
}

}  // namespace mqchat::bench
