// Plugin::ApplyNotice: what a broker does with each broker notice (store/broker_notices.h;
// docs/ARCHITECTURE.md "Broker notices"). Broker thread; anything that needs the store goes to
// a worker, as for a client's request.
#include "app/plugin.h"

#include "protocol/identity.h"

namespace mqchat {

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
    case store::NoticeKind::kMembers:
      if (chat_) chat_->ApplyMembersNotice(notice.conversation_id, notice.username);
      return;
  }
}

}  // namespace mqchat
