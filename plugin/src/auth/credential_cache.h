// CredentialCache: remembers recent password verifications so a reconnecting user does not
// cost another PBKDF2 on the broker thread. It never stores passwords: entries hold an HMAC of
// the password under a random per-process key, bound to the exact stored hash they were
// checked against (a password change or reset invalidates them). Broker thread only.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mqchat::auth {

using CredentialDigest = std::array<unsigned char, 32>;

enum class CacheVerdict { kUnknown, kVerified, kRejected };

class CredentialCache {
 public:
  // ttl_ms 0 disables caching. max_entries bounds memory (positive and negative separately).
  CredentialCache(int64_t ttl_ms, size_t max_entries);

  // HMAC-SHA256(process key, username NUL password).
  CredentialDigest Digest(std::string_view username, std::string_view password) const;

  CacheVerdict Check(const std::string& username, const CredentialDigest& digest,
                     const std::string& stored_hash, int64_t now_ms) const;
  void RecordVerified(const std::string& username, const CredentialDigest& digest,
                      const std::string& stored_hash, int64_t now_ms);
  void RecordRejected(const std::string& username, const CredentialDigest& digest,
                      const std::string& stored_hash, int64_t now_ms);

 private:
  struct Entry {
    CredentialDigest digest;
    std::string stored_hash;
    int64_t expires_ms;
  };
  // Negative entries are keyed by username+digest so a victim's correct login is never
  // blocked by an attacker's cached wrong guesses.
  static std::string RejectKey(const std::string& username, const CredentialDigest& digest);
  void MakeRoom(std::unordered_map<std::string, Entry>& map, int64_t now_ms);

  const int64_t ttl_ms_;
  const size_t max_entries_;
  std::array<unsigned char, 32> key_;
  std::unordered_map<std::string, Entry> verified_;  // username -> last verified credential
  std::unordered_map<std::string, Entry> rejected_;  // RejectKey -> rejected credential
};

}  // namespace mqchat::auth
