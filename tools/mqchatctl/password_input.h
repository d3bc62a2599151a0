// Reads a password for mqchatctl: from a terminal with echo off (asked twice), or as the first
// line of a non-terminal stdin. Never from the command line, where other users could see it.
// The password must pass the protocol library's policy (protocol/password_policy.h) for
// `username`; kInvalidArgument with the reason if it does not.
#pragma once

#include <string>

#include "mqchat/status.h"

namespace mqchat::ctl {

Result<std::string> ReadNewPassword(const std::string& username);

}  // namespace mqchat::ctl
