#include "password_input.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace mqchat::ctl {
namespace {

std::string ReadLineNoEcho(const char* prompt) {
  std::cerr << prompt << std::flush;
  termios old_tio{};
  tcgetattr(STDIN_FILENO, &old_tio);
  termios tio = old_tio;
  tio.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSANOW, &tio);
  std::string line;
  std::getline(std::cin, line);
  tcsetattr(STDIN_FILENO, TCSANOW, &old_tio);
  std::cerr << "\n";
  return line;
}

}  // namespace

Result<std::string> ReadNewPassword() {
  std::string password;
  if (isatty(STDIN_FILENO)) {
    password = ReadLineNoEcho("New password: ");
    if (ReadLineNoEcho("Repeat password: ") != password) {
      return Status::InvalidArgument("passwords do not match");
    }
  } else if (!std::getline(std::cin, password)) {
    return Status::InvalidArgument("no password on standard input");
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty()) return Status::InvalidArgument("password is empty");
  if (password.find('\0') != std::string::npos) {
    return Status::InvalidArgument("password contains a NUL byte");
  }
  if (password.size() > 1024) return Status::InvalidArgument("password is longer than 1024 bytes");
  return password;
}

}  // namespace mqchat::ctl
