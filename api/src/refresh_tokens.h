// RefreshTokens: the rules of the opaque refresh tokens, over a SessionStore. A token is 32
// random bytes (base64url); only its SHA-256 is stored. Login starts a family; Rotate marks the
// presented token used and returns its successor in the same family; presenting a token that
// was already used (a stolen copy, or the legitimate client after a thief rotated it) revokes
// the whole family, so both parties must log in again. Logout revokes the family.
// Stateless apart from the TTL; thread-safe (the SessionStore is the caller's lease).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mqchat/status.h"
#include "session_store.h"

namespace mqchat::api {

struct Rotated {
  std::string username;
  std::string refresh_token;  // the successor; never log it
  std::string device_id;      // the family's device ("" none)
};

// Why Rotate refused a presented token. Both get the same answer; metrics count them apart.
enum class RefreshRefusal {
  kInvalid,  // unknown, expired or revoked
  kReused,   // used before (its family is revoked now)
};

// What Rotate did: refused the token, or rotated it.
struct RotateOutcome {
  std::optional<RefreshRefusal> refused;  // set: nothing rotated, `rotated` is empty
  Rotated rotated;
};

class RefreshTokens {
 public:
  explicit RefreshTokens(int64_t ttl_ms) : ttl_ms_(ttl_ms) {}

  // A new family for `username` logging in from `device_id` ("" none); returns its first token.
  Result<std::string> Start(SessionStore& store, const std::string& username,
                            const std::string& device_id, int64_t now_ms);
  // A token that is unknown, expired, revoked or reused is refused (a reuse revokes its
  // family); a non-OK status is a store failure, as it comes.
  Result<RotateOutcome> Rotate(SessionStore& store, const std::string& token, int64_t now_ms);
  // The record of a live, unexpired token (it is not rotated); kUnauthenticated otherwise.
  Result<RefreshRecord> FindLive(SessionStore& store, const std::string& token, int64_t now_ms);
  // Revokes the token's family. kUnauthenticated if the token is unknown.
  Status Revoke(SessionStore& store, const std::string& token);

  // Hex SHA-256 of the token text: what the store keys tokens by.
  static std::string HashToken(const std::string& token);

 private:
  Result<std::string> Add(SessionStore& store, const std::string& family_id,
                          const std::string& username, const std::string& device_id,
                          int64_t now_ms);
  int64_t ttl_ms_;
};

}  // namespace mqchat::api
