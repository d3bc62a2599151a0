// POST /v1/signup {"username","password","display_name"?}: creates an active user with a PBKDF2 hash the
// brokers verify. The username follows the MQTT rules (protocol/identity.h) and is unique
// ignoring case (the store refuses "Bob" beside "bob": 409 ALREADY_EXISTS); the password policy
// is CheckPasswordPolicy's. With `signup closed` every request gets 403 FORBIDDEN. With
// `signup invite` the body must also carry "invite_code" (api/src/invites.h): one use is taken
// atomically before the account is added and given back if that fails; a wrong, expired or
// used-up code gets 403 FORBIDDEN and changes nothing. A display name (profiles.h rules) starts
// the user's profile. Every attempt that passes those checks counts against `limits` (per
// address and per /24 or /56, login_limits.h), counted or not created; past a limit the request
// gets 429 RATE_LIMITED with Retry-After before any work (even parsing).
// Thread-safe (one request per HTTP thread).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "config.h"
#include "http_types.h"
#include "login_limits.h"
#include "password_pool.h"
#include "protocol/password_policy.h"
#include "store_pool.h"

namespace mqchat::api {

// The password policy is the protocol library's, shared with `mqchatctl user add|passwd`.
using protocol::CheckPasswordPolicy;
using protocol::kMaxPasswordBytes;
using protocol::kMinPasswordChars;

class SignupHandler {
 public:
  // `now_ms` gives the time invites expire against (milliseconds since the epoch).
  SignupHandler(SignupMode mode, StorePool* stores, PasswordPool* passwords, LoginLimits* limits,
                std::function<int64_t()> now_ms)
      : mode_(mode),
        stores_(stores),
        passwords_(passwords),
        limits_(limits),
        now_ms_(std::move(now_ms)) {}

  ApiResponse Handle(const ApiRequest& request);

 private:
  // Adds the user, first taking one use of `invite_code` in invite mode.
  ApiResponse AddUser(const std::string& username, const std::string& hash,
                      const std::string& invite_code, const std::string& display_name);

  SignupMode mode_;
  StorePool* stores_;
  PasswordPool* passwords_;
  LoginLimits* limits_;
  std::function<int64_t()> now_ms_;
};

}  // namespace mqchat::api
