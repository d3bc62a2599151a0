// Invite codes for `signup invite`: created by the operator (`mqchatctl invite create`), shown
// once, stored only as their SHA-256 (migration 008). Each has an expiry and a use limit; a
// sign-up takes one use atomically (SessionStore::ConsumeInvite) and gives it back if the
// account could not be created, so a refused sign-up changes nothing. Stateless; thread-safe
// (the SessionStore is the caller's lease).
#pragma once

#include <cstdint>
#include <string>

#include "mqchat/status.h"
#include "session_store.h"

namespace mqchat::api {

inline constexpr int64_t kMaxInviteUses = 1000000;
inline constexpr int64_t kMaxInviteTtlS = 365LL * 86400;

// Stores a new invite good for `max_uses` sign-ups (1..kMaxInviteUses) until now + `ttl_s`
// (1..kMaxInviteTtlS); returns the code (random, base64url; never log it).
Result<std::string> CreateInvite(SessionStore& store, int64_t max_uses, int64_t ttl_s,
                                 int64_t now_ms);

// Hex SHA-256 of a code: what the store keys invites by.
std::string HashInviteCode(const std::string& code);

}  // namespace mqchat::api
