#include "invites.h"

#include <openssl/rand.h>

#include "auth/base64url.h"
#include "refresh_tokens.h"

namespace mqchat::api {

std::string HashInviteCode(const std::string& code) {
  return RefreshTokens::HashToken(code);  // the same hex SHA-256
}

Result<std::string> CreateInvite(SessionStore& store, int64_t max_uses, int64_t ttl_s,
                                 int64_t now_ms) {
  if (max_uses < 1 || max_uses > kMaxInviteUses) {
    return Status::InvalidArgument("uses must be 1.." + std::to_string(kMaxInviteUses));
  }
  if (ttl_s < 1 || ttl_s > kMaxInviteTtlS) {
    return Status::InvalidArgument("ttl must be 1.." + std::to_string(kMaxInviteTtlS) +
                                   " seconds");
  }
  unsigned char bytes[18];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return Status::Internal("RAND_bytes failed");
  std::string code =
      auth::Base64UrlEncode(std::string_view(reinterpret_cast<char*>(bytes), sizeof(bytes)));
  MQCHAT_RETURN_IF_ERROR(
      store.InsertInvite(HashInviteCode(code), now_ms, now_ms + ttl_s * 1000, max_uses));
  return code;
}

}  // namespace mqchat::api
