// IdGenerator: client_msg_ids (unique per sender, also across app restarts) and request ids
// (unique per Client). Thread-safe.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "threads/mutex.h"

namespace mqchat::sdk {

class IdGenerator {
 public:
  IdGenerator();
  // "m" + 13 hex digits of the time in ms + 16 random hex digits: 30 characters.
  std::string ClientMsgId(int64_t now_ms);
  // "r<counter>-<instance>"; the instance part keeps ids of earlier Clients apart.
  std::string ReqId();

 private:
  Mutex mu_;
  std::mt19937_64 rng_ GUARDED_BY(mu_);
  uint64_t counter_ GUARDED_BY(mu_) = 0;
  std::string instance_;
};

}  // namespace mqchat::sdk
