// Reads the mqchat plugin's plugin_opt_* lines out of a mosquitto.conf, so mqchatctl uses the
// very settings the broker uses.
#pragma once

#include <string>

#include "config/config.h"
#include "mqchat/status.h"

namespace mqchat::ctl {

// Options that follow the first `plugin` line naming mqchat, up to the next `plugin` line.
Result<OptionList> ReadPluginOptions(const std::string& mosquitto_conf_path);

}  // namespace mqchat::ctl
