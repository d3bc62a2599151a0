// ParseIntOption: one integer command-line option of mqchat-api within [min, max], with the
// error every option gives (config.cpp and attachment_config.cpp share it).
#pragma once

#include <cstdint>
#include <string>

#include "mqchat/status.h"

namespace mqchat::api {

Status ParseIntOption(const std::string& key, const std::string& value, int64_t min, int64_t max,
                      int64_t* out);

}  // namespace mqchat::api
