#include "chat/block_ops.h"

#include "protocol/requests.h"
#include "store/block_steps.h"

namespace mqchat::chat {
namespace {

store::DmPolicy FromWire(protocol::DmPolicy policy) {
  switch (policy) {
    case protocol::DmPolicy::kSharedGroup:
      return store::DmPolicy::kSharedGroup;
    case protocol::DmPolicy::kExistingOnly:
      return store::DmPolicy::kExistingOnly;
    case protocol::DmPolicy::kEveryone:
      break;
  }
  return store::DmPolicy::kEveryone;
}

protocol::DmPolicy PolicyToWire(store::DmPolicy policy) {
  switch (policy) {
    case store::DmPolicy::kSharedGroup:
      return protocol::DmPolicy::kSharedGroup;
    case store::DmPolicy::kExistingOnly:
      return protocol::DmPolicy::kExistingOnly;
    case store::DmPolicy::kEveryone:
      break;
  }
  return protocol::DmPolicy::kEveryone;
}

}  // namespace

protocol::WirePrivacy ToWire(const store::PrivacySettings& settings) {
  protocol::WirePrivacy out;
  for (const auto& b : settings.blocked) out.blocked.push_back({b.username, b.created_at_ms});
  out.dm_policy = PolicyToWire(settings.dm_policy);
  return out;
}

Plan BlockOps::Block(const OpRequest& r) {
  const std::string user = r.who.username;
  const std::string target = std::get<protocol::BlockRequest>(r.req.body).user;
  const int64_t now = tools_.clock.NowMs();
  return StoreTask([this, to = r.to, user, target, now](store::ChatStore& store) {
    auto list = store.Block(user, target, static_cast<int>(protocol::kMaxBlockedUsers), now);
    if (!list.ok()) return RefuseBlock(to, list.status());
    if (changed_) {
      tools_.replies.OnBrokerThread([this, user, target] { changed_(user, target, true); });
    }
    AnswerSettings(store, to, user, /*changed=*/true);
  });
}

Plan BlockOps::Unblock(const OpRequest& r) {
  const std::string user = r.who.username;
  const std::string target = std::get<protocol::UnblockRequest>(r.req.body).user;
  return StoreTask([this, to = r.to, user, target](store::ChatStore& store) {
    auto list = store.Unblock(user, target);
    if (!list.ok()) return tools_.replies.Fail(to, list.status());
    if (changed_) {
      tools_.replies.OnBrokerThread([this, user, target] { changed_(user, target, false); });
    }
    AnswerSettings(store, to, user, /*changed=*/true);
  });
}

Plan BlockOps::Blocks(const OpRequest& r) {
  const std::string user = r.who.username;
  return StoreTask([this, to = r.to, user](store::ChatStore& store) {
    AnswerSettings(store, to, user, /*changed=*/false);
  });
}

Plan BlockOps::SetDmPolicy(const OpRequest& r) {
  const std::string user = r.who.username;
  const store::DmPolicy policy =
      FromWire(std::get<protocol::SetDmPolicyRequest>(r.req.body).dm_policy);
  return StoreTask([this, to = r.to, user, policy](store::ChatStore& store) {
    Status s = store.SetDmPolicy(user, policy);
    if (!s.ok()) return tools_.replies.Fail(to, s);
    AnswerSettings(store, to, user, /*changed=*/true);
  });
}

void BlockOps::AnswerSettings(store::ChatStore& store, const ReplyTo& to, const std::string& user,
                              bool changed) {
  auto settings = store.GetPrivacy(user);
  if (!settings.ok()) {
    // A change committed all the same; the devices learn it at their next `blocks`.
    return tools_.replies.Fail(to, settings.status());
  }
  const protocol::WirePrivacy wire = ToWire(*settings);
  if (changed) tools_.replies.Broadcast({user}, protocol::PrivacyEvent(wire));
  tools_.replies.Reply(to, OkPayload(to, protocol::EncodePrivacy(wire)));
}

void BlockOps::RefuseBlock(const ReplyTo& to, const Status& status) {
  if (status.code() == Code::kResourceExhausted) {  // a full list, not a full queue
    return tools_.replies.Reply(to,
                                ErrorPayload(to, protocol::ErrorCode::kInvalid, status.message()));
  }
  tools_.replies.Fail(to, status);  // INVALID (oneself), NOT_FOUND (no such user), ...
}

}  // namespace mqchat::chat
