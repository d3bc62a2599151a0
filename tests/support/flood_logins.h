// What the hostile-login tests (issue 29) share about logins: a token for the clients that log
// in meanwhile, and what one password hash costs on this machine now (their bounds and reports
// are in its terms).
#pragma once

#include <string>

namespace mqchat::test {

// An HS256 token for `user` signed with `secret`, issued now and valid for an hour; "" if it
// cannot be signed.
std::string HourToken(const std::string& user, const std::string& secret);

// What one PBKDF2 at the default cost takes on this machine right now, in ms.
double HashMs();

}  // namespace mqchat::test
