#include "auth/credential_cache.h"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace mqchat::auth {

CredentialCache::CredentialCache(int64_t ttl_ms, size_t max_entries)
    : ttl_ms_(ttl_ms), max_entries_(max_entries) {
  if (RAND_bytes(key_.data(), static_cast<int>(key_.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed");  // caught by the plugin's init guard
  }
}

CredentialDigest CredentialCache::Digest(std::string_view username,
                                         std::string_view password) const {
  std::string msg;
  msg.reserve(username.size() + 1 + password.size());
  msg.append(username);
  msg.push_back('\0');
  msg.append(password);
  CredentialDigest out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out.data(), &len);
  OPENSSL_cleanse(msg.data(), msg.size());
  return out;
}

std::string CredentialCache::RejectKey(const std::string& username,
                                       const CredentialDigest& digest) {
  std::string key = username;
  key.push_back('\0');
  key.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  return key;
}

CacheVerdict CredentialCache::Check(const std::string& username, const CredentialDigest& digest,
                                    const std::string& stored_hash, int64_t now_ms) const {
  if (ttl_ms_ <= 0) return CacheVerdict::kUnknown;
  auto it = verified_.find(username);
  if (it != verified_.end() && it->second.expires_ms > now_ms &&
      it->second.stored_hash == stored_hash &&
      CRYPTO_memcmp(it->second.digest.data(), digest.data(), digest.size()) == 0) {
    return CacheVerdict::kVerified;
  }
  auto rit = rejected_.find(RejectKey(username, digest));
  if (rit != rejected_.end() && rit->second.expires_ms > now_ms &&
      rit->second.stored_hash == stored_hash) {
    return CacheVerdict::kRejected;
  }
  return CacheVerdict::kUnknown;
}

void CredentialCache::MakeRoom(std::unordered_map<std::string, Entry>& map, int64_t now_ms) {
  if (map.size() < max_entries_) return;
  for (auto it = map.begin(); it != map.end();) {
    it = it->second.expires_ms <= now_ms ? map.erase(it) : std::next(it);
  }
  // Still full of live entries: drop arbitrary ones. The cost is a PBKDF2 later, not a wrong
  // answer.
  while (!map.empty() && map.size() >= max_entries_) map.erase(map.begin());
}

void CredentialCache::RecordVerified(const std::string& username, const CredentialDigest& digest,
                                     const std::string& stored_hash, int64_t now_ms) {
  if (ttl_ms_ <= 0 || max_entries_ == 0) return;
  if (verified_.find(username) == verified_.end()) MakeRoom(verified_, now_ms);
  verified_[username] = Entry{digest, stored_hash, now_ms + ttl_ms_};
}

void CredentialCache::RecordRejected(const std::string& username, const CredentialDigest& digest,
                                     const std::string& stored_hash, int64_t now_ms) {
  if (ttl_ms_ <= 0 || max_entries_ == 0) return;
  MakeRoom(rejected_, now_ms);
  rejected_[RejectKey(username, digest)] = Entry{digest, stored_hash, now_ms + ttl_ms_};
}

}  // namespace mqchat::auth
