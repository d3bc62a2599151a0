// ClientSession: what the plugin knows about a connected client, fixed at BASIC_AUTH.
#pragma once

#include <string>

namespace mqchat::chat {

struct ClientSession {
  std::string username;
  std::string device_id;
  std::string client_id;
  int protocol_version = 5;  // 3, 4 (3.1.1) or 5
};

}  // namespace mqchat::chat
