// ClientImpl: the push requests of docs/PROTOCOL.md 7.1 (push_register, push_unregister,
// push_settings; mute is in client_ops.cpp) and set_retention, built and decoded like the other
// requests (client_ops.cpp), with the same error model.
#include "client_impl.h"
#include "protocol/fields.h"
#include "protocol/json_util.h"
#include "protocol/retention.h"

namespace mqchat::sdk {
namespace {

protocol::Request MakeRequest(protocol::Op op, protocol::RequestBody body) {
  protocol::Request r;
  r.op = op;
  r.body = std::move(body);
  return r;
}

std::string_view PlatformName(PushPlatform platform) {
  switch (platform) {
    case PushPlatform::kFcm:
      return protocol::values::kPlatformFcm;
    case PushPlatform::kApns:
      return protocol::values::kPlatformApns;
    case PushPlatform::kWebPush:
      return protocol::values::kPlatformWebPush;
    case PushPlatform::kWebhook:
      return protocol::values::kPlatformWebhook;
  }
  return protocol::values::kPlatformFcm;
}

}  // namespace

RequestId ClientImpl::PushRegister(PushPlatform platform, std::string token, Done<Status> done) {
  // What no server accepts fails at once, without the network (and without the token in the
  // message: it is a secret of the device).
  if (token.empty() || token.size() > protocol::kMaxPushTokenBytes) {
    done(Status::InvalidArgument("BAD_REQUEST: a push token is 1.." +
                                 std::to_string(protocol::kMaxPushTokenBytes) + " bytes"));
    return 0;
  }
  protocol::PushRegisterRequest body;
  body.platform = std::string(PlatformName(platform));
  body.token = std::move(token);
  return CallStatus(MakeRequest(protocol::Op::kPushRegister, std::move(body)), nullptr,
                    std::move(done));
}

RequestId ClientImpl::PushUnregister(Done<Result<bool>> done) {
  return Start(MakeRequest(protocol::Op::kPushUnregister, protocol::PushUnregisterRequest{}),
               [done = std::move(done)](Result<protocol::Response> r) {
                 if (!r.ok()) return done(r.status());
                 const nlohmann::json* removed =
                     protocol::FindField(r->body, protocol::fields::kRemoved);
                 if (removed == nullptr || !removed->is_boolean()) {
                   return done(Status::Internal("push_unregister: no 'removed' in the response"));
                 }
                 done(removed->get<bool>());
               });
}

RequestId ClientImpl::SetPushSettings(PushSettings settings, Done<Status> done) {
  if (!settings.preview && !settings.mention_push) {
    done(Status::InvalidArgument("BAD_REQUEST: push_settings needs preview or mention_push"));
    return 0;
  }
  protocol::PushSettingsRequest body;
  body.has_preview = settings.preview.has_value();
  body.preview = settings.preview.value_or(true);
  body.mention_push = settings.mention_push;
  return CallStatus(MakeRequest(protocol::Op::kPushSettings, std::move(body)), nullptr,
                    std::move(done));
}

RequestId ClientImpl::SetRetention(int64_t id, std::optional<int64_t> days, Done<Status> done) {
  if (days && (*days < 0 || *days > protocol::kMaxRetentionDays)) {
    done(Status::InvalidArgument("BAD_REQUEST: retention days must be 0.." +
                                 std::to_string(protocol::kMaxRetentionDays)));
    return 0;
  }
  protocol::SetRetentionRequest body;
  body.conversation_id = id;
  body.days = days.value_or(protocol::kRetentionServerDefault);
  return CallStatus(MakeRequest(protocol::Op::kSetRetention, std::move(body)), nullptr,
                    std::move(done));
}

}  // namespace mqchat::sdk
