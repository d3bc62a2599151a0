// Blocking and "who may message me" in protocol v1 (docs/PROTOCOL.md, "Blocking and who may
// message me"): the dm_policy names, and the one body the four requests answer with (block,
// unblock, blocks, set_dm_policy), which is also the "privacy" inbox event the user's other
// devices get after a change. Encoders for the plugin, decoders for the SDK. Any thread.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mqchat/status.h"

namespace mqchat::protocol {

// The most users one user may block (a block beyond is INVALID and changes nothing).
inline constexpr size_t kMaxBlockedUsers = 1000;

enum class DmPolicy { kEveryone = 0, kSharedGroup = 1, kExistingOnly = 2 };
std::string_view DmPolicyName(DmPolicy policy);  // "everyone", "shared_group", "existing_only"
std::optional<DmPolicy> ParseDmPolicy(std::string_view name);

struct WireBlockedUser {
  std::string user;
  int64_t blocked_at_ms = 0;
};

// {"blocked": [{"user", "blocked_at_ms"}...] (by name), "dm_policy"}.
struct WirePrivacy {
  std::vector<WireBlockedUser> blocked;
  DmPolicy dm_policy = DmPolicy::kEveryone;
};
nlohmann::json EncodePrivacy(const WirePrivacy& privacy);
Result<WirePrivacy> DecodePrivacy(const nlohmann::json& body);
// The "privacy" inbox event: {"type": "privacy", ...EncodePrivacy}.
std::string PrivacyEvent(const WirePrivacy& privacy);

}  // namespace mqchat::protocol
