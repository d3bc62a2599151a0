#include "refresh_tokens.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include "auth/base64url.h"

namespace mqchat::api {
namespace {

Result<std::string> RandomToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return Status::Internal("RAND_bytes failed");
  return auth::Base64UrlEncode(std::string_view(reinterpret_cast<char*>(bytes), sizeof(bytes)));
}

Status Unauthenticated() { return Status::Unauthenticated("the refresh token is not valid"); }

RotateOutcome Refused(RefreshRefusal why) { return RotateOutcome{why, Rotated{}}; }

}  // namespace

std::string RefreshTokens::HashToken(const std::string& token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : digest) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

Result<std::string> RefreshTokens::Add(SessionStore& store, const std::string& family_id,
                                       const std::string& username, const std::string& device_id,
                                       int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(std::string token, RandomToken());
  RefreshRecord record;
  record.token_hash = HashToken(token);
  record.family_id = family_id;
  record.username = username;
  record.device_id = device_id;
  record.created_at_ms = now_ms;
  record.expires_at_ms = now_ms + ttl_ms_;
  MQCHAT_RETURN_IF_ERROR(store.Insert(record));
  return token;
}

Result<std::string> RefreshTokens::Start(SessionStore& store, const std::string& username,
                                         const std::string& device_id, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(std::string family, RandomToken());
  return Add(store, family, username, device_id, now_ms);
}

Result<RotateOutcome> RefreshTokens::Rotate(SessionStore& store, const std::string& token,
                                            int64_t now_ms) {
  // The lookup is by hash in an index: the token itself is never compared byte by byte.
  auto record = store.Get(HashToken(token));
  if (!record.ok()) {
    if (record.status().code() != Code::kNotFound) return record.status();
    return Refused(RefreshRefusal::kInvalid);
  }
  if (record->state == RefreshState::kUsed) {
    MQCHAT_RETURN_IF_ERROR(store.RevokeFamily(record->family_id));  // reuse: end the family
    return Refused(RefreshRefusal::kReused);
  }
  if (record->state != RefreshState::kLive || record->expires_at_ms <= now_ms) {
    return Refused(RefreshRefusal::kInvalid);
  }
  MQCHAT_ASSIGN_OR_RETURN(bool won, store.MarkUsed(record->token_hash));
  if (!won) {  // used by a concurrent request between Get and MarkUsed: a reuse too
    MQCHAT_RETURN_IF_ERROR(store.RevokeFamily(record->family_id));
    return Refused(RefreshRefusal::kReused);
  }
  MQCHAT_ASSIGN_OR_RETURN(std::string next, Add(store, record->family_id, record->username,
                                                 record->device_id, now_ms));
  return RotateOutcome{std::nullopt, Rotated{record->username, std::move(next), record->device_id}};
}

Result<RefreshRecord> RefreshTokens::FindLive(SessionStore& store, const std::string& token,
                                              int64_t now_ms) {
  auto record = store.Get(HashToken(token));
  if (!record.ok()) {
    return record.status().code() == Code::kNotFound ? Unauthenticated() : record.status();
  }
  if (record->state != RefreshState::kLive || record->expires_at_ms <= now_ms) {
    return Unauthenticated();
  }
  return record;
}

Status RefreshTokens::Revoke(SessionStore& store, const std::string& token) {
  auto record = store.Get(HashToken(token));
  if (!record.ok()) {
    return record.status().code() == Code::kNotFound ? Unauthenticated() : record.status();
  }
  return store.RevokeFamily(record->family_id);
}

}  // namespace mqchat::api
