// MQTT packet bytes for the raw-socket test clients (raw_connect, raw_publish): a string with
// its two-byte length, a fixed header with its variable-byte remaining length, a CONNECT.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace mqchat::test {

inline void PutMqttString(std::string& out, const std::string& s) {
  out += static_cast<char>((s.size() >> 8) & 0xff);
  out += static_cast<char>(s.size() & 0xff);
  out += s;
}

// The fixed header of a packet whose first byte is `first` and whose rest is `length` bytes.
inline std::string MqttFixedHeader(uint8_t first, size_t length) {
  std::string header(1, static_cast<char>(first));
  do {  // remaining length, variable byte integer
    uint8_t byte = length % 128;
    length /= 128;
    if (length > 0) byte |= 0x80;
    header += static_cast<char>(byte);
  } while (length > 0);
  return header;
}

// A clean-start CONNECT with username and password, keepalive 30 s, MQTT 5 (no properties) or
// 3.1.1 (`mqtt_version` 4).
inline std::string MqttConnectPacket(int mqtt_version, const std::string& client_id,
                                     const std::string& username, const std::string& password) {
  const bool v5 = mqtt_version >= 5;
  std::string body;
  PutMqttString(body, "MQTT");
  body += static_cast<char>(v5 ? 5 : 4);  // protocol level
  body += static_cast<char>(0xC2);        // username, password, clean start
  body += static_cast<char>(0);           // keepalive 30 s
  body += static_cast<char>(30);
  if (v5) body += static_cast<char>(0);  // no properties
  PutMqttString(body, client_id);
  PutMqttString(body, username);
  PutMqttString(body, password);
  return MqttFixedHeader(0x10, body.size()) + body;
}

}  // namespace mqchat::test
