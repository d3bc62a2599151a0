#include "conf_file.h"

#include <fstream>

namespace mqchat::ctl {
namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

}  // namespace

Result<OptionList> ReadPluginOptions(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read config file '" + path + "'");
  OptionList out;
  bool in_mqchat = false, found = false;
  std::string line;
  while (std::getline(in, line)) {
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    size_t sp = line.find_first_of(" \t");
    std::string word = line.substr(0, sp);
    std::string rest = sp == std::string::npos ? "" : Trim(line.substr(sp));
    if (word == "plugin" || word == "auth_plugin") {
      in_mqchat = !found && rest.find("mqchat") != std::string::npos;
      found = found || in_mqchat;
    } else if (in_mqchat && (word.rfind("plugin_opt_", 0) == 0 || word.rfind("auth_opt_", 0) == 0)) {
      out.emplace_back(word.substr(word.find("_opt_") + 5), rest);
    }
  }
  if (!found) return Status::NotFound("no mqchat plugin line in '" + path + "'");
  return out;
}

}  // namespace mqchat::ctl
