// reconnect-storm / baseline-reconnect-storm: every offline device reconnects at once and
// catches up (see storm.h); reports the storm's duration and rates, and any message missing or
// duplicated.
#include <sys/resource.h>

#include <algorithm>

#include "broker_probe.h"
#include "fd_budget.h"
#include "protocol/fields.h"
#include "protocol/json_util.h"
#include "protocol/requests.h"
#include "protocol/topics.h"
#include "protocol/wire.h"
#include "scenarios.h"
#include "storm.h"

namespace mqchat::bench {
namespace {

constexpr uint8_t kViaSession = 1;
constexpr uint8_t kViaSync = 2;
constexpr int64_t kSyncRetryNs = 50000000;  // after a retryable sync error: 50 ms
constexpr int64_t kStallNs = 5000000000;    // after an error: stop when stuck this long

std::string_view PayloadOf(const mosquitto_message& m) {
  return std::string_view(static_cast<const char*>(m.payload), static_cast<size_t>(m.payloadlen));
}

double Seconds(int64_t from_ns, int64_t to_ns) { return (to_ns - from_ns) / 1e9; }

}  // namespace

Status Storm::Run(double timeout_s) {
  phase_ = Phase::kStorm;
  connack_latency_ns_.reserve(devices_.size());
  catch_up_latency_ns_.reserve(devices_.size());
  first_connect_ns_ = NowNs();
  for (Device& d : devices_) fleet_.QueueConnect(d.conn);
  // Failures are counted, not fatal; but after one, give up once nothing moves for a while.
  const int errors_before = fleet_.errors();
  int64_t progress = -1, progress_ns = 0;
  return fleet_.Pump(
      "storm", timeout_s,
      [&] {
        const int64_t now = NowNs();
        for (Device& d : devices_) {
          if (d.retry_at_ns != 0 && d.retry_at_ns <= now) SendSync(d);
        }
        const int64_t p = counts_.via_session + counts_.via_sync + counts_.sync_requests +
                          static_cast<int64_t>(connack_latency_ns_.size());
        if (p != progress) {
          progress = p;
          progress_ns = now;
        }
        return finished_ == static_cast<int>(devices_.size()) ||
               (fleet_.errors() > errors_before && now - progress_ns > kStallNs);
      },
      /*tolerate_errors=*/true);
}

int64_t Storm::Missing() const {
  int64_t missing = 0;
  for (const Device& d : devices_) missing += options_.missed - d.held_count;
  return missing;
}

void Storm::OnDeviceConnect(Connection& c, int rc) {
  Device& d = devices_[c.index()];
  if (phase_ == Phase::kSetup && d.relogin) {
    d.relogin = false;
    c.Disconnect();
    return;
  }
  if (phase_ != Phase::kStorm || rc != 0) return;
  const int64_t now = NowNs();
  last_connack_ns_ = std::max(last_connack_ns_, now);
  connack_latency_ns_.push_back(now - c.connect_start_ns);
  counts_.sessions_found += c.session_present;
  // The SDK subscribes again on every connect (the session may be gone); a plain MQTT client
  // with a persistent session relies on it.
  if (chat_ && c.Subscribe(protocol::UserPrefix(c.user()) + "#", 1) < 0) {
    fleet_.RecordError(c.client_id() + ": subscribe failed");
  }
  MaybeFinish(d);
}

void Storm::OnDeviceSubscribed(Connection& c) {
  if (phase_ != Phase::kStorm) return;
  SendSync(devices_[c.index()]);
}

void Storm::SendSync(Device& d) {
  d.retry_at_ns = 0;
  protocol::SyncRequest body;
  body.limit = protocol::kMaxPageLimit;
  if (d.conversation_id != 0 && d.cursor > 0) body.cursors.push_back({d.conversation_id, d.cursor});
  protocol::Request r;
  r.op = protocol::Op::kSync;
  r.req_id = "sync";
  r.body = std::move(body);
  ++counts_.sync_requests;
  if (SendRequest(*d.conn, r) < 0)
    fleet_.RecordError(d.conn->client_id() + ": sync: publish failed");
}

void Storm::OnDeviceMessage(Connection& c, const mosquitto_message& m) {
  if (phase_ != Phase::kStorm) return;  // set-up: nothing is expected
  Device& d = devices_[c.index()];
  const std::string_view topic(m.topic);
  if (chat_ && topic == protocol::ReplyTopic(c.user(), c.config().device)) {
    OnSyncResponse(d, PayloadOf(m));
    return;
  }
  if (topic != protocol::InboxTopic(c.user())) return;  // nothing else is counted
  auto event = protocol::DecodeInboxEvent(PayloadOf(m));
  if (!event.ok()) {
    fleet_.RecordError(c.client_id() + ": bad inbox event: " + event.status().ToString());
    return;
  }
  if (event->type != protocol::values::kEventTypeMessage) return;  // "conversation created"
  auto message = protocol::DecodeMessage(event->body);
  if (!message.ok()) {
    fleet_.RecordError(c.client_id() + ": bad message: " + message.status().ToString());
    return;
  }
  Hold(d, message->conversation_id, message->seq, kViaSession);
  MaybeFinish(d);
}

void Storm::OnSyncResponse(Device& d, std::string_view payload) {
  auto response = protocol::DecodeResponse(payload);
  if (!response.ok() || response->op != protocol::OpName(protocol::Op::kSync)) {
    fleet_.RecordError(d.conn->client_id() + ": unexpected response");
    return;
  }
  if (!response->ok) {
    if (protocol::IsRetryable(response->error->code)) {
      ++counts_.sync_retries;
      d.retry_at_ns = NowNs() + kSyncRetryNs;
    } else {
      fleet_.RecordError(d.conn->client_id() + ": sync: " + response->error->message);
    }
    return;
  }
  const protocol::WireSyncPage page = protocol::DecodeSyncPage(response->body);
  for (const Status& bad : page.bad_entries) {
    fleet_.RecordError(d.conn->client_id() + ": bad sync entry: " + bad.ToString());
  }
  for (const auto& sc : page.conversations) {
    for (const auto& m : sc.messages) Hold(d, m.conversation_id, m.seq, kViaSync);
  }
  if (page.more) {
    SendSync(d);
  } else {
    d.sync_done = true;
    MaybeFinish(d);
  }
}

void Storm::Hold(Device& d, int64_t conversation_id, int64_t seq, uint8_t way) {
  // A chat device learns its conversation from the first message (it was created offline).
  if (d.conversation_id == 0) d.conversation_id = conversation_id;
  if (conversation_id != d.conversation_id || seq < 1 || seq > options_.missed) {
    ++counts_.unexpected;
    return;
  }
  uint8_t& held = d.held[seq - 1];
  if ((held & way) != 0) {
    ++counts_.duplicated;
    return;
  }
  if (held != 0) {
    ++counts_.both_ways;
  } else {
    ++d.held_count;
    ++(way == kViaSync ? counts_.via_sync : counts_.via_session);
  }
  held |= way;
  while (d.cursor < options_.missed && d.held[d.cursor] != 0) ++d.cursor;
}

void Storm::MaybeFinish(Device& d) {
  if (d.finished || d.conn->connack_rc != 0) return;
  // Chat: caught up once its sync is through (has_more false) and it holds every message.
  if (d.held_count < options_.missed || (chat_ && !d.sync_done)) return;
  d.finished = true;
  ++finished_;
  const int64_t now = NowNs();
  last_finished_ns_ = std::max(last_finished_ns_, now);
  catch_up_latency_ns_.push_back(now - d.conn->connect_start_ns);
}

// Long (about 95 lines) on purpose: the storm's phases (setup, the missed messages, the
// reconnect wave, waiting for every device to catch up, figures) in the order they run.
Figures RunStorm(const Options& o) {
  const bool chat = o.scenario == Scenario::kStorm;
  Figures f(o);
  f.Param("devices", o.devices);
  f.Param("missed", o.missed);
  f.Param("session", chat && o.clean_session ? "clean (sync only)" : "persistent");
  f.Param("connect_window", o.connect_window);
  f.Param("text_bytes", o.payload_bytes);
  const BrokerProbe probe(o.broker_pid);
  auto fail = [&](const Status& s) {
    f.SetSetupError(s.ToString());
    return f;
  };
  Status s = probe.Check();
  if (s.ok()) s = EnsureDescriptors(o.devices + 16);
  if (!s.ok()) return fail(s);
  auto fleet_or = Fleet::Create(o);
  if (!fleet_or.ok()) return fail(fleet_or.status());
  Fleet& fleet = **fleet_or;
  Storm storm(o, fleet);

  const int64_t t_setup = NowNs();
  s = storm.Setup();
  const int64_t t_setup_end = NowNs();
  f.Add("setup_s", "set-up s", Seconds(t_setup, t_setup_end));
  f.Add(
      "messages_missed", "messages missed", storm.messages_stored(),
      std::to_string(storm.messages_stored()) + (chat ? " stored" : " queued") + " while offline");
  if (chat) f.Add("setup_relogins", "set-up logins repeated", storm.relogins());
  if (!s.ok()) {
    for (const auto& e : fleet.error_samples()) f.AddErrorSample(e);
    return fail(s);
  }

  const auto rss0 = probe.RssKb();
  const auto cpu0 = probe.CpuSeconds();
  rusage r0{}, r1{};
  getrusage(RUSAGE_SELF, &r0);
  const int errors_before = fleet.errors();
  s = storm.Run(120 + o.devices / 50.0);
  getrusage(RUSAGE_SELF, &r1);
  const auto cpu1 = probe.CpuSeconds();
  const auto rss1 = probe.RssKb();
  const int64_t t_end = NowNs();
  if (!s.ok()) f.SetSetupError(s.ToString());

  const Storm::Counts& c = storm.counts();
  const int64_t t0 = storm.first_connect_ns();
  const int64_t end = storm.last_finished_ns() > 0 ? storm.last_finished_ns() : t_end;
  const double storm_s = Seconds(t0, end);
  const int64_t held = c.via_session + c.via_sync;
  const int64_t missing = storm.Missing();
  const int errors = fleet.errors() - errors_before;
  int connected = 0;
  for (Connection* conn : storm.DeviceConnections()) connected += conn->connack_rc == 0;
  f.Add("devices_caught_up", "devices caught up", storm.finished(),
        std::to_string(storm.finished()) + "/" + std::to_string(o.devices) + " (" +
            std::to_string(connected) + " connected, " + std::to_string(c.sessions_found) +
            " with their session)");
  f.Add("storm_s", "storm s", storm_s,
        FormatFixed(storm_s, 2) + " (first CONNECT to last caught up)");
  f.Add("connects_per_s", "connects/s",
        connected / std::max(Seconds(t0, storm.last_connack_ns()), 1e-9));
  f.Add("synced_messages_per_s", "caught-up messages/s", held / std::max(storm_s, 1e-9));
  f.Add("messages_held", "messages held", held,
        std::to_string(held) + " (from the session " + std::to_string(c.via_session) +
            ", from sync " + std::to_string(c.via_sync) + "; both ways " +
            std::to_string(c.both_ways) + ")");
  f.Add("via_session", "via session", c.via_session);
  f.Add("via_sync", "via sync", c.via_sync);
  f.Add("both_ways", "both ways", c.both_ways);
  f.Add("sync_requests", "sync requests", c.sync_requests,
        std::to_string(c.sync_requests) + " (retried " + std::to_string(c.sync_retries) + ")");
  f.AddLatency("connack_latency_ms", "CONNECT->CONNACK ms", storm.connack_latency_ns());
  f.AddLatency("catch_up_latency_ms", "CONNECT->caught up ms", storm.catch_up_latency_ns());
  f.Add("missing", "missing", missing);
  f.Add("duplicated", "duplicated", c.duplicated);
  f.Add("unexpected", "unexpected", c.unexpected);
  f.Add("errors", "errors", errors);
  if (probe.enabled() && cpu0 && cpu1) {
    const double cpu = *cpu1 - *cpu0;
    f.Add("broker_cpu_s", "broker CPU s", cpu,
          FormatFixed(cpu, 2) + " (" + FormatFixed(cpu * 1e6 / o.devices, 0) + " us per device)");
    f.Add("broker_cpu_us_per_device", "broker CPU us/device", cpu * 1e6 / o.devices);
    f.Add("broker_rss_before_kb", "broker VmRSS before kB", rss0.value_or(0));
    f.Add("broker_rss_after_kb", "broker VmRSS after kB", rss1.value_or(0));
  }
  f.AddGeneratorCpu(r0, r1, Seconds(t0, t_end));
  for (const auto& e : fleet.error_samples()) f.AddErrorSample(e);
  f.SetOk(storm.finished() == o.devices && missing == 0 && c.duplicated == 0 && c.unexpected == 0 &&
          errors == 0);
  fleet.DisconnectAll(storm.DeviceConnections());
  return f;
}

}  // namespace mqchat::bench
