// ClientImpl: the app's life on a phone (client-sdk/README.md, "On a phone").
//  - EnterBackground: typing off, then after options_.background_grace a clean DISCONNECT, so
//    the server sees the device offline and push takes over.
//  - EnterForeground: connect now (no backoff wait) and sync, or sync at once if still up.
//  - NetworkChanged: drop the link of the old network and dial again now.
//  - HandlePushPayload: a bounded fetch of the messages a notification announced, into the
//    cache, within the caller's deadline; in the background over a connection made for it and
//    closed after it, without the foreground work (full sync, privacy, channels).
// State: life_ (lifecycle.h), engine thread.
#include <algorithm>
#include <climits>

#include "client_impl.h"

namespace mqchat::sdk {

void ClientImpl::OnUp() {
  life_.full_up = !life_.background;
  if (life_.full_up) RunForegroundWork();
  // A copy: a fetch may finish (and leave the list) at once.
  for (const auto& job : std::vector<std::shared_ptr<PushFetchJob>>(life_.fetches)) {
    if (!job->in_flight) SendPushFetch(job);
  }
}

void ClientImpl::RunForegroundWork() {
  life_.full_up = true;
  sync_.Start();
  FetchPrivacy();
  RestoreChannels();
}

void ClientImpl::NoteTyping(int64_t id, bool typing) {
  loop_.Post([this, id, typing] {
    if (typing) {
      life_.typing.insert(id);
    } else {
      life_.typing.erase(id);
    }
  });
}

void ClientImpl::EnterBackground() {
  loop_.Post([this] {
    life_.background = true;
    // The others stop seeing "typing" now, not when the server's indicator runs out.
    for (int64_t id : life_.typing) {
      protocol::Request r;
      r.op = protocol::Op::kTyping;
      r.conversation_id = id;
      r.body = protocol::TypingRequest{false};
      (void)tracker_.Start(std::move(r), [](Result<protocol::Response>) {});
    }
    life_.typing.clear();
    loop_.Cancel(life_.grace_timer);
    life_.grace_timer = 0;
    if (options_.background_grace.count() == 0) return LeaveForBackground();
    life_.grace_timer = loop_.PostAfter(options_.background_grace, [this] {
      life_.grace_timer = 0;
      LeaveForBackground();
    });
  });
}

void ClientImpl::LeaveForBackground() {
  if (!life_.background || !life_.fetches.empty()) return;  // the last fetch disconnects
  if (!connection_.WantsConnection() && connection_.state() == ConnectionState::kDisconnected) {
    return;
  }
  const Status reason = Status::Unavailable("the app went to the background");
  connection_.Close(reason);
  connection_.FinishClose(reason);
}

void ClientImpl::DisconnectIfBackground() {
  if (life_.background && life_.grace_timer == 0) LeaveForBackground();
}

void ClientImpl::EnterForeground(std::shared_ptr<std::promise<Status>> waiter) {
  const bool posted = loop_.Post([this, waiter] {
    life_.background = false;
    loop_.Cancel(life_.grace_timer);
    life_.grace_timer = 0;
    if (connection_.IsUp()) {
      // Still connected (within the grace, or a push fetch's connection): catch up now.
      if (life_.full_up) {
        sync_.Start();
      } else {
        RunForegroundWork();
      }
      waiter->set_value(Status::Ok());
      return;
    }
    connection_.BeginConnect(waiter);  // tries now, also in the middle of a backoff wait
  });
  if (!posted) waiter->set_value(Status::Unavailable("the client is shutting down"));
}

void ClientImpl::NetworkChanged() {
  loop_.Post([this] { connection_.Redial(Status::Unavailable("the network changed")); });
}

// --- HandlePushPayload ---

void ClientImpl::HandlePushPayload(PushNotice notice, std::chrono::milliseconds deadline,
                                   Done<Result<PushFetch>> done) {
  auto job = std::make_shared<PushFetchJob>();
  job->notice = notice;
  job->done = std::move(done);
  const bool posted = loop_.Post([this, job, deadline] {
    job->deadline_timer = loop_.PostAfter(deadline, [this, job] {
      job->deadline_timer = 0;
      FinishPushFetch(job, Status::Ok());
    });
    life_.fetches.push_back(job);
    auto cursor = cache_->Cursor(job->notice.conversation_id);
    if (cursor.ok() && *cursor >= job->notice.last_seq) {
      return FinishPushFetch(job, Status::Ok());  // all here already: no network
    }
    if (connection_.IsUp()) return SendPushFetch(job);
    // Connects (now, without backoff); OnUp sends the fetch. In the background that connection
    // does nothing else and is closed after the last fetch.
    connection_.BeginConnect(std::make_shared<std::promise<Status>>());
  });
  if (!posted) job->done(Status::Unavailable("the client is shutting down"));
}

void ClientImpl::SendPushFetch(const std::shared_ptr<PushFetchJob>& job) {
  if (job->finished || job->in_flight) return;
  const int64_t conversation = job->notice.conversation_id;
  auto cursor = cache_->Cursor(conversation);
  if (!cursor.ok()) return FinishPushFetch(job, cursor.status());
  if (*cursor >= job->notice.last_seq || job->pages >= kMaxPushFetchPages) {
    return FinishPushFetch(job, Status::Ok());
  }
  // A sync request (it brings events too, so the cursor can pass them) that names every cached
  // conversation: the announced one with its cursor, the others above any seq, so the server
  // answers for the announced one only (and for conversations this device has never seen).
  protocol::SyncRequest body;
  body.limit = static_cast<int>(
      std::clamp<int64_t>(job->notice.last_seq - *cursor, 1, protocol::kMaxPageLimit));
  body.cursors.emplace_back(conversation, *cursor);
  auto summaries = cache_->Summaries();
  if (summaries.ok()) {
    for (const auto& s : *summaries) {
      if (body.cursors.size() >= protocol::kMaxSyncCursors) break;
      if (s.id != conversation) body.cursors.emplace_back(s.id, INT64_MAX);
    }
  }
  protocol::Request request;
  request.op = protocol::Op::kSync;
  request.body = std::move(body);
  auto started = tracker_.Start(std::move(request), [this, job](Result<protocol::Response> r) {
    OnPushFetchPage(job, std::move(r));
  });
  // Not sent: the link went meanwhile; OnUp sends it again on the next connection.
  job->in_flight = started.ok();
}

void ClientImpl::OnPushFetchPage(const std::shared_ptr<PushFetchJob>& job,
                                 Result<protocol::Response> r) {
  job->in_flight = false;
  if (!r.ok()) {
    if (job->finished) return;
    if (!r.status().IsRetryable()) return FinishPushFetch(job, r.status());
    // The link went (OnUp sends it again) or the server is busy: again after a pause.
    if (connection_.IsUp()) {
      loop_.PostAfter(retry_backoff_.Next(), [this, job] {
        if (connection_.IsUp()) SendPushFetch(job);
      });
    }
    return;
  }
  ++job->pages;
  // Stored even if the deadline passed meanwhile: the messages are good.
  ingest_.RunBatch([&] {
    (void)sync_.StorePage(*r);
    ingest_.AfterCommit([this, job] {
      if (!job->finished) SendPushFetch(job);  // finishes once the cursor passed last_seq
    });
  });
}

void ClientImpl::FinishPushFetch(const std::shared_ptr<PushFetchJob>& job_ref, Status error) {
  const std::shared_ptr<PushFetchJob> job = job_ref;  // job_ref may be an element of fetches
  if (job->finished) return;
  job->finished = true;
  loop_.Cancel(job->deadline_timer);
  job->deadline_timer = 0;
  life_.fetches.erase(std::remove(life_.fetches.begin(), life_.fetches.end(), job),
                      life_.fetches.end());
  if (!error.ok()) {
    job->done(error);
    return DisconnectIfBackground();
  }
  const PushNotice& n = job->notice;
  PushFetch fetch;
  fetch.notice = n;
  auto cursor = cache_->Cursor(n.conversation_id);
  fetch.complete = cursor.ok() && *cursor >= n.last_seq;
  const int64_t span = std::min<int64_t>(n.last_seq - n.first_seq + 1, 10000);
  auto messages =
      cache_->Messages(n.conversation_id, n.first_seq - 1, n.last_seq, static_cast<int>(span));
  if (messages.ok()) fetch.messages = std::move(*messages);
  Result<PushFetch> out = std::move(fetch);
  if (!out->complete && out->messages.empty()) {
    out = Status::Unavailable("the announced messages did not come before the deadline");
  }
  job->done(std::move(out));
  DisconnectIfBackground();
}

}  // namespace mqchat::sdk
