#include "password_input.h"

#include <iostream>

#include "protocol/password_policy.h"
#include "secret_input.h"

namespace mqchat::ctl {

Result<std::string> ReadNewPassword(const std::string& username) {
  std::string password;
  if (tools::StdinIsTerminal()) {
    std::string again;
    if (!tools::ReadSecretLine("New password: ", &password) ||
        !tools::ReadSecretLine("Repeat password: ", &again)) {
      return Status::InvalidArgument("no password given");
    }
    if (again != password) return Status::InvalidArgument("passwords do not match");
  } else if (!std::getline(std::cin, password)) {
    return Status::InvalidArgument("no password on standard input");
  } else if (!password.empty() && password.back() == '\r') {
    password.pop_back();
  }
  if (password.empty()) return Status::InvalidArgument("password is empty");
  if (password.find('\0') != std::string::npos) {
    return Status::InvalidArgument("password contains a NUL byte");
  }
  if (auto why = protocol::CheckPasswordPolicy(username, password)) {
    return Status::InvalidArgument(*why);
  }
  return password;
}

}  // namespace mqchat::ctl
