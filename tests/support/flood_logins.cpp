#include "support/flood_logins.h"

#include <chrono>
#include <cstdint>
#include <ctime>

#include "auth/jwt.h"
#include "auth/password_hash.h"

namespace mqchat::test {

std::string HourToken(const std::string& user, const std::string& secret) {
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  auto token = auth::SignHs256({{"sub", user}, {"iat", now}, {"exp", now + 3600}}, secret);
  return token.ok() ? *token : "";
}

double HashMs() {
  auto dummy = auth::MakeDummyHash();
  const auto start = std::chrono::steady_clock::now();
  (void)auth::VerifyPassword("x", *dummy);
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace mqchat::test
