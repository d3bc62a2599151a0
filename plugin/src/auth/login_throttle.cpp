#include "auth/login_throttle.h"

namespace mqchat::auth {

LoginThrottle::LoginThrottle(int max_failures, int64_t window_ms, size_t max_keys)
    : max_failures_(max_failures), failures_(window_ms, max_keys) {}

}  // namespace mqchat::auth
