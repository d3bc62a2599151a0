// Plugin::ApplyNotice: what a broker does with each broker notice (store/broker_notices.h;
// docs/ARCHITECTURE.md "Broker notices"). Broker thread; anything that needs the store goes to
// a worker, as for a client's request.
#include "app/plugin.h"

#include "protocol/identity.h"
#include "protocol/profile.h"
#include "protocol/topics.h"

namespace mqchat {
namespace {

protocol::WireProfile ProfileOf(const store::BrokerNotice& notice) {
  protocol::WireProfile p;
  p.user = notice.username;
  p.display_name = notice.profile.display_name;
  p.status_text = notice.profile.status_text;
  p.avatar_url = protocol::AvatarPath(notice.username, notice.profile.avatar_id);
  if (!p.avatar_url.empty()) p.avatar_type = notice.profile.avatar_type;
  p.updated_at_ms = notice.profile.updated_at_ms;
  return p;
}

}  // namespace

void Plugin::PublishProfile(const store::BrokerNotice& notice) {
  // The profile was read with the notice, on the refresher's thread: only the publishes here.
  OutgoingMessage msg;
  msg.payload = protocol::ProfileEvent(ProfileOf(notice));
  msg.qos = 1;
  for (const std::string& user : sessions_.Watchers(notice.username)) {
    msg.topic = protocol::InboxTopic(user);
    if (Status s = broker_.Publish(msg); !s.ok()) {
      broker_.Log(LogLevel::kWarning, "mqchat: profile event to " + user + ": " + s.ToString());
    }
  }
}

void Plugin::ApplyNotice(const store::BrokerNotice& notice) {
  const std::string bad = store::CheckNotice(notice);
  if (!bad.empty()) {
    broker_.Log(LogLevel::kWarning,
                "mqchat: broker notice " + std::to_string(notice.id) + " skipped: " + bad);
    return;
  }
  switch (notice.kind) {
    case store::NoticeKind::kEntry:
      if (chat_) chat_->DeliverStoredEntry(notice.conversation_id, notice.seq);
      return;
    case store::NoticeKind::kDeviceSignedOut:
      // Tokens from before are refused first, so the device's reconnect is refused too.
      auth_.directory->SignOutDevice(notice.username, notice.device_id, notice.created_at_ms);
      broker_.Log(LogLevel::kNotice, "mqchat: device '" + notice.device_id + "' of '" +
                                         notice.username + "' signed out: ending its session");
      broker_.KickClient(protocol::MakeClientId(notice.username, notice.device_id));
      return;
    case store::NoticeKind::kProfile:
      PublishProfile(notice);
      return;
    case store::NoticeKind::kMembers:
      if (chat_) chat_->ApplyMembersNotice(notice.conversation_id, notice.username);
      return;
  }
}

}  // namespace mqchat
