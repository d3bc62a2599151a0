#include "secret_input.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace mqchat::tools {

bool StdinIsTerminal() { return isatty(STDIN_FILENO) == 1; }

bool ReadSecretLine(const char* prompt, std::string* line) {
  std::cerr << prompt << std::flush;
  termios old_tio{};
  const bool terminal = tcgetattr(STDIN_FILENO, &old_tio) == 0;
  if (terminal) {
    termios tio = old_tio;
    tio.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &tio);
  }
  const bool got = static_cast<bool>(std::getline(std::cin, *line));
  if (terminal) tcsetattr(STDIN_FILENO, TCSANOW, &old_tio);
  std::cerr << "\n";
  if (got && !line->empty() && line->back() == '\r') line->pop_back();
  return got;
}

}  // namespace mqchat::tools
