#include "privacy.h"

#include <nlohmann/json.hpp>

#include "protocol/json_util.h"

namespace mqchat::sdk {

PrivacySettings PrivacyFromWire(const protocol::WirePrivacy& wire) {
  PrivacySettings out;
  for (const auto& b : wire.blocked) out.blocked.push_back({b.user, b.blocked_at_ms});
  switch (wire.dm_policy) {
    case protocol::DmPolicy::kSharedGroup:
      out.dm_policy = DmPolicy::kSharedGroup;
      break;
    case protocol::DmPolicy::kExistingOnly:
      out.dm_policy = DmPolicy::kExistingOnly;
      break;
    case protocol::DmPolicy::kEveryone:
      out.dm_policy = DmPolicy::kEveryone;
      break;
  }
  return out;
}

protocol::DmPolicy DmPolicyToWire(DmPolicy policy) {
  switch (policy) {
    case DmPolicy::kSharedGroup:
      return protocol::DmPolicy::kSharedGroup;
    case DmPolicy::kExistingOnly:
      return protocol::DmPolicy::kExistingOnly;
    case DmPolicy::kEveryone:
      break;
  }
  return protocol::DmPolicy::kEveryone;
}

Result<PrivacySettings> CachedPrivacy(const LocalCache& cache) {
  MQCHAT_ASSIGN_OR_RETURN(std::string text, cache.Privacy());
  if (text.empty()) return PrivacySettings{};
  const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  MQCHAT_ASSIGN_OR_RETURN(protocol::WirePrivacy wire, protocol::DecodePrivacy(json));
  return PrivacyFromWire(wire);
}

Result<std::optional<PrivacySettings>> StorePrivacy(LocalCache& cache,
                                                    const protocol::WirePrivacy& wire) {
  const PrivacySettings now = PrivacyFromWire(wire);
  auto before = CachedPrivacy(cache);  // an unreadable copy is replaced
  MQCHAT_RETURN_IF_ERROR(cache.PutPrivacy(protocol::DumpJson(protocol::EncodePrivacy(wire))));
  if (before.ok() && *before == now) return std::optional<PrivacySettings>();
  return std::optional<PrivacySettings>(now);
}

}  // namespace mqchat::sdk
