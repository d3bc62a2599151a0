// ClientSession: what the plugin knows about a connected client, fixed at BASIC_AUTH, and
// ClientHandle, the broker's name for that client.
#pragma once

#include <string>

namespace mqchat::session {

// A connected client as the broker identifies it: the broker's client pointer, valid from a
// successful BASIC_AUTH until its DISCONNECT.
using ClientHandle = const void*;

struct ClientSession {
  std::string username;
  std::string device_id;
  std::string client_id;
  int protocol_version = 5;  // 3, 4 (3.1.1) or 5
};

}  // namespace mqchat::session
