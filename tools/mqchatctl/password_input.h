// Reads a password for mqchatctl: from a terminal with echo off (asked twice), or as the first
// line of a non-terminal stdin. Never from the command line, where other users could see it.
#pragma once

#include <string>

#include "mqchat/status.h"

namespace mqchat::ctl {

Result<std::string> ReadNewPassword();

}  // namespace mqchat::ctl
