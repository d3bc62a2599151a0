// The values of plugin options (config.cpp's table is made of these): parsers that name the
// option in their errors ("plugin_opt_<key>: ..."), and the setters of Config's fields.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config/config.h"
#include "mqchat/status.h"

namespace mqchat::config_values {

std::string Trim(const std::string& s);
// Cuts an inline comment: from the first '#' that begins the value or follows a space or tab,
// to the end. A '#' inside a word is kept (URL fragments, secrets like "a#b"). The rule, and
// why a value cannot contain " #", is in conf/README.md.
std::string StripInlineComment(const std::string& value);

// kInvalidArgument: "plugin_opt_<key>: <what>".
Status OptionError(const std::string& key, const std::string& what);
// An integer in [min, max].
Result<int> ParseInt(const std::string& key, const std::string& value, int min, int max);
// "true" or "false".
Result<bool> ParseBool(const std::string& k, const std::string& v);
// The content of the file at `path`, which must not be empty.
Result<std::string> ReadKeyFile(const std::string& key, const std::string& path);

// Sets an option's value in a Config, or says why it cannot.
using Setter = std::function<Status(Config&, const std::string& key, const std::string& value)>;

// An integer in [min, max] (LimitInt: [0, max]) into a field of Config or of one of its parts.
Setter IntField(int Config::*field, int min, int max);
Setter RetentionInt(int RetentionConfig::*field, int min, int max);
Setter AuthInt(int AuthConfig::*field, int min, int max);
Setter PresenceInt(int PresenceConfig::*field, int min, int max);
Setter PushInt(int PushConfig::*field, int min, int max);
Setter LimitInt(int SendLimitConfig::*field, int max);
Setter CallInt(int CallConfig::*field, int min, int max);
// The value as it is; AuthFile: the content of the file it names (ReadKeyFile).
Setter AuthString(std::string AuthConfig::*field);
Setter AuthFile(std::string AuthConfig::*field);
// A comma-separated list of URLs, each starting with one of `schemes` ("stun:", ...).
Setter CallUrls(std::vector<std::string> CallConfig::*field, std::vector<std::string> schemes);

// An http:// or https:// URL without whitespace.
Status SetPushGatewayUrl(Config& c, const std::string& k, const std::string& v);
// A comma-separated list of usernames.
Status SetServiceUsers(Config& c, const std::string& k, const std::string& v);
Status SetPasswordLogin(Config& c, const std::string& k, const std::string& v);
Status SetPushTlsVerify(Config& c, const std::string& k, const std::string& v);
// plugin_opt_search_index (issue 17): whether this broker indexes messages and answers search.
Status SetSearchIndex(Config& c, const std::string& k, const std::string& v);
// At most 200 bytes.
Status SetPushAppId(Config& c, const std::string& k, const std::string& v);

}  // namespace mqchat::config_values
