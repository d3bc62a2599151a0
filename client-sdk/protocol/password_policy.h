// The password policy, defined once for every place that sets a password: the API service's
// sign-up (api/src/signup.cpp) and the operator's `mqchatctl user add|passwd`. Pure functions;
// any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mqchat::protocol {

inline constexpr size_t kMinPasswordChars = 8;
inline constexpr size_t kMaxPasswordBytes = 1024;

// Why `password` may not be used by `username` (one sentence for the person choosing it), or
// nullopt. The rule: at most 1024 bytes of valid UTF-8, at least 8 characters (code points),
// not one character repeated, and not the username (in any case).
std::optional<std::string> CheckPasswordPolicy(std::string_view username,
                                               std::string_view password);

}  // namespace mqchat::protocol
