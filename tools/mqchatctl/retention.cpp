#include "retention.h"

#include <ctime>
#include <iostream>
#include <optional>

#include "protocol/retention.h"
#include "store/store_factory.h"

namespace mqchat::ctl {

Status SetConversationRetention(const store::StoreConfig& config, int64_t id,
                                const std::string& days) {
  std::optional<int64_t> value;
  if (days != "default") {
    const bool digits = !days.empty() && days.size() <= 5 &&
                        days.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoll(days) > protocol::kMaxRetentionDays) {
      return Status::InvalidArgument("DAYS must be 'default' or a number from 0 to " +
                                     std::to_string(protocol::kMaxRetentionDays));
    }
    value = std::stoll(days);
  }
  store::StoreConfig existing = config;
  existing.create_if_missing = false;
  auto store = store::OpenRetentionStore(existing);
  if (!store.ok()) return Status(Code::kUnavailable, store.status().message());
  const int64_t now_ms = static_cast<int64_t>(std::time(nullptr)) * 1000;
  Status set = (*store)->SetRetention(id, store::kOperatorActor, value, now_ms);
  if (set.code() == Code::kNotFound) return set;
  if (!set.ok()) return Status(Code::kUnavailable, set.message());
  std::cout << "conversation " << id << " retention: "
            << (value ? (*value == 0 ? std::string("forever")
                                     : std::to_string(*value) + " days")
                      : std::string("server default"))
            << "\n";
  return Status::Ok();
}

}  // namespace mqchat::ctl
