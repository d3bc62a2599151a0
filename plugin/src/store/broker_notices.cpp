#include "store/broker_notices.h"

#include "store/append_plan.h"
#include "store/chat_store.h"

namespace mqchat::store {

std::vector<BrokerNotice> ModeratorEntryNotices(const std::vector<AppendRequest>& batch,
                                                const AppendPlan& plan) {
  std::vector<BrokerNotice> out;
  for (size_t i : plan.new_indexes()) {
    if (!batch[i].moderator) continue;
    BrokerNotice n;
    n.kind = NoticeKind::kEntry;
    n.conversation_id = plan.results()[i].message.conversation_id;
    n.seq = plan.results()[i].message.seq;
    n.created_at_ms = plan.results()[i].message.created_at_ms;
    out.push_back(std::move(n));
  }
  return out;
}

std::string CheckNotice(const BrokerNotice& n) {
  switch (n.kind) {
    case NoticeKind::kEntry:
      return n.conversation_id > 0 && n.seq > 0 ? "" : "entry notice without conversation or seq";
    case NoticeKind::kDeviceSignedOut:
      return !n.username.empty() && !n.device_id.empty() ? ""
                                                         : "sign-out notice without user or device";
    case NoticeKind::kMembers:
      return n.conversation_id > 0 ? "" : "members notice without conversation";
    case NoticeKind::kProfile:
      return !n.username.empty() ? "" : "profile notice without user";
  }
  return "unknown notice kind " + std::to_string(static_cast<int>(n.kind));
}

}  // namespace mqchat::store
