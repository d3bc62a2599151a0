// mqchat::Client's push requests and app lifecycle calls (mqchat/push.h; the engine side is
// push_ops.cpp and client_lifecycle.cpp).
#include "client_completion.h"
#include "client_impl.h"
#include "mqchat/client.h"
#include "protocol/requests.h"

namespace mqchat {

using sdk::FutureOf;
using sdk::OnCallbackThread;

std::future<Status> Client::PushRegister(PushPlatform platform, std::string token) {
  return FutureOf<Status>(
      [&](auto done) { impl_->PushRegister(platform, std::move(token), std::move(done)); });
}
RequestId Client::PushRegister(PushPlatform platform, std::string token, Callback<Status> done) {
  return impl_->PushRegister(platform, std::move(token), OnCallbackThread(*impl_, std::move(done)));
}

std::future<Result<bool>> Client::PushUnregister() {
  return FutureOf<Result<bool>>([&](auto done) { impl_->PushUnregister(std::move(done)); });
}
RequestId Client::PushUnregister(Callback<Result<bool>> done) {
  return impl_->PushUnregister(OnCallbackThread(*impl_, std::move(done)));
}

std::future<Status> Client::SetPushSettings(PushSettings settings) {
  return FutureOf<Status>(
      [&](auto done) { impl_->SetPushSettings(settings, std::move(done)); });
}
RequestId Client::SetPushSettings(PushSettings settings, Callback<Status> done) {
  return impl_->SetPushSettings(settings, OnCallbackThread(*impl_, std::move(done)));
}

std::future<Status> Client::Unmute(int64_t conversation_id) {
  return Mute(conversation_id, protocol::kUnmute);
}
RequestId Client::Unmute(int64_t conversation_id, Callback<Status> done) {
  return Mute(conversation_id, protocol::kUnmute, std::move(done));
}

std::future<Status> Client::SetRetention(int64_t conversation_id, std::optional<int64_t> days) {
  return FutureOf<Status>(
      [&](auto done) { impl_->SetRetention(conversation_id, days, std::move(done)); });
}
RequestId Client::SetRetention(int64_t conversation_id, std::optional<int64_t> days,
                               Callback<Status> done) {
  return impl_->SetRetention(conversation_id, days, OnCallbackThread(*impl_, std::move(done)));
}

void Client::EnterBackground() { impl_->EnterBackground(); }

std::future<Status> Client::EnterForeground() {
  auto waiter = std::make_shared<std::promise<Status>>();
  auto future = waiter->get_future();
  impl_->EnterForeground(std::move(waiter));
  return future;
}

void Client::NetworkChanged() { impl_->NetworkChanged(); }

namespace {

void StartPushFetch(sdk::ClientImpl& impl, const std::map<std::string, std::string>& fields,
                    std::chrono::milliseconds deadline, sdk::Done<Result<PushFetch>> done) {
  auto notice = ParsePushNotice(fields);
  if (!notice.ok()) return done(notice.status());
  if (deadline.count() <= 0) return done(Status::InvalidArgument("the deadline must be > 0"));
  impl.HandlePushPayload(*notice, deadline, std::move(done));
}

}  // namespace

std::future<Result<PushFetch>> Client::HandlePushPayload(std::map<std::string, std::string> fields,
                                                         std::chrono::milliseconds deadline) {
  return FutureOf<Result<PushFetch>>(
      [&](auto done) { StartPushFetch(*impl_, fields, deadline, std::move(done)); });
}
void Client::HandlePushPayload(std::map<std::string, std::string> fields,
                               std::chrono::milliseconds deadline,
                               Callback<Result<PushFetch>> done) {
  StartPushFetch(*impl_, fields, deadline, OnCallbackThread(*impl_, std::move(done)));
}

}  // namespace mqchat
