#include "config/config_values.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "protocol/identity.h"

namespace mqchat::config_values {

std::string Trim(const std::string& s) {
  const char* ws = " \t\r\n";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

std::string StripInlineComment(const std::string& value) {
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '#' && (i == 0 || value[i - 1] == ' ' || value[i - 1] == '\t')) {
      return value.substr(0, i);
    }
  }
  return value;
}

Status OptionError(const std::string& key, const std::string& what) {
  return Status::InvalidArgument("plugin_opt_" + key + ": " + what);
}

Result<int> ParseInt(const std::string& key, const std::string& value, int min, int max) {
  int out = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (ec != std::errc() || ptr != value.data() + value.size()) {
    return OptionError(key, "'" + value + "' is not an integer");
  }
  if (out < min || out > max) {
    return OptionError(key, std::to_string(out) + " is out of range [" + std::to_string(min) +
                                ", " + std::to_string(max) + "]");
  }
  return out;
}

Result<std::string> ReadKeyFile(const std::string& key, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return OptionError(key, "cannot read file '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string content = ss.str();
  if (Trim(content).empty()) return OptionError(key, "file '" + path + "' is empty");
  return content;
}

namespace {

// An integer in [min, max] into `field` of Config's part `part`.
template <typename Part>
Setter IntIn(Part Config::*part, int Part::*field, int min, int max) {
  return [=](Config& c, const std::string& k, const std::string& v) -> Status {
    MQCHAT_ASSIGN_OR_RETURN((c.*part).*field, ParseInt(k, v, min, max));
    return Status::Ok();
  };
}

}  // namespace

Setter IntField(int Config::*field, int min, int max) {
  return [=](Config& c, const std::string& k, const std::string& v) -> Status {
    MQCHAT_ASSIGN_OR_RETURN(c.*field, ParseInt(k, v, min, max));
    return Status::Ok();
  };
}

Setter RetentionInt(int RetentionConfig::*field, int min, int max) {
  return IntIn(&Config::retention, field, min, max);
}

Setter AuthInt(int AuthConfig::*field, int min, int max) {
  return IntIn(&Config::auth, field, min, max);
}

Setter AuthString(std::string AuthConfig::*field) {
  return [=](Config& c, const std::string&, const std::string& v) -> Status {
    c.auth.*field = v;
    return Status::Ok();
  };
}

Setter AuthFile(std::string AuthConfig::*field) {
  return [=](Config& c, const std::string& k, const std::string& v) -> Status {
    MQCHAT_ASSIGN_OR_RETURN(c.auth.*field, ReadKeyFile(k, v));
    return Status::Ok();
  };
}

Setter PresenceInt(int PresenceConfig::*field, int min, int max) {
  return IntIn(&Config::presence, field, min, max);
}

Setter PushInt(int PushConfig::*field, int min, int max) {
  return IntIn(&Config::push, field, min, max);
}

Status SetPushGatewayUrl(Config& c, const std::string& k, const std::string& v) {
  if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) {
    return OptionError(k, "'" + v + "' is not an http:// or https:// URL");
  }
  if (v.find_first_of(" \t\r\n") != std::string::npos) {
    return OptionError(k, "the URL contains whitespace");
  }
  c.push.gateway_url = v;
  return Status::Ok();
}

Setter LimitInt(int SendLimitConfig::*field, int max) {
  return IntIn(&Config::send_limits, field, 0, max);
}

Status SetServiceUsers(Config& c, const std::string& k, const std::string& v) {
  std::stringstream in(v);
  std::string name;
  while (std::getline(in, name, ',')) {
    name = Trim(name);
    Status valid = protocol::ValidateUsername(name);
    if (!valid.ok()) return OptionError(k, "'" + name + "': " + valid.message());
    c.send_limits.service_users.push_back(name);
  }
  return Status::Ok();
}

Result<bool> ParseBool(const std::string& k, const std::string& v) {
  if (v == "true") return true;
  if (v == "false") return false;
  return OptionError(k, "'" + v + "' is not true or false");
}

Status SetPasswordLogin(Config& c, const std::string& k, const std::string& v) {
  MQCHAT_ASSIGN_OR_RETURN(c.auth.password_login, ParseBool(k, v));
  return Status::Ok();
}

Status SetPushTlsVerify(Config& c, const std::string& k, const std::string& v) {
  if (v == "true") {
    c.push.tls_verify = true;
  } else if (v == "false") {
    c.push.tls_verify = false;
  } else {
    return OptionError(k, "'" + v + "' is not true or false");
  }
  return Status::Ok();
}

Status SetSearchIndex(Config& c, const std::string& k, const std::string& v) {
  if (v != "true" && v != "false") return OptionError(k, "'" + v + "' is not true or false");
  c.search_index = v == "true";
  return Status::Ok();
}

Status SetPushAppId(Config& c, const std::string& k, const std::string& v) {
  if (v.size() > 200) return OptionError(k, "is longer than 200 bytes");
  c.push.app_id = v;
  return Status::Ok();
}

Setter CallInt(int CallConfig::*field, int min, int max) {
  return IntIn(&Config::calls, field, min, max);
}

Setter CallUrls(std::vector<std::string> CallConfig::*field, std::vector<std::string> schemes) {
  return [=](Config& c, const std::string& k, const std::string& v) -> Status {
    std::stringstream in(v);
    std::string url;
    std::vector<std::string> urls;
    while (std::getline(in, url, ',')) {
      url = Trim(url);
      bool known = false;
      for (const auto& scheme : schemes) known = known || url.rfind(scheme, 0) == 0;
      if (!known || url.find_first_of(" \t\r\n\"") != std::string::npos) {
        return OptionError(k, "'" + url + "' is not a " + schemes.front() + " URL");
      }
      urls.push_back(url);
    }
    c.calls.*field = std::move(urls);
    return Status::Ok();
  };
}

}  // namespace mqchat::config_values
