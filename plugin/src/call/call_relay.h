// Calls across brokers (issue 27; docs/ARCHITECTURE.md "Calls across brokers"). A call lives on
// the broker its caller is connected to, its home: the first three hex digits of its call id are
// the home's node id. Ringing and every event for all of a user's devices go through the inbox,
// which already reaches the user's devices on other brokers (the cluster bus's routed inbox).
// The rest crosses the bus as a RelayEnvelope on the routed channel of one broker (ClusterBus::
// Route with an empty user, presence_service.h): a call request made through another broker is
// forwarded to the call's home (kRequest) and answered through the broker it came from
// (kToDevice); an event for one device of the call on another broker goes to that broker
// (kToDevice), one for a user's devices but one to the brokers holding their devices
// (kToUser); a device that drops on another broker leaves its call at home (kGone). Lost if
// Redis is down, like any routed delivery. Pure codec; any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqchat::call {

struct RelayEnvelope {
  enum class Kind { kRequest, kToDevice, kToUser, kGone };
  Kind kind = Kind::kRequest;
  int from = 0;                  // kRequest: the broker the request came through
  std::string user;              // kRequest: the requester; kTo*: the user whose device gets it
  std::string device;            // kRequest: the requesting device
  int64_t conversation_id = 0;   // kRequest
  int op = 0;                    // kRequest: the protocol::CallOp
  std::string body;              // kRequest: the request payload; kTo*: the payload to publish
  std::string client_id;         // kRequest: the requester's; kToDevice: the target; kGone
  std::string topic;             // kRequest: the response topic; kToDevice: the topic
  std::string correlation_data;  // kRequest, kToDevice (binary: hex on the bus)
  std::string req_id;            // kRequest
  std::string op_name;           // kRequest
  int qos = 1;                   // kToDevice
  std::string except_client_id;  // kToUser
};

std::string EncodeEnvelope(const RelayEnvelope& e);
// nullopt if `text` is not an envelope.
std::optional<RelayEnvelope> DecodeEnvelope(std::string_view text);

// The node id of the home of call `call_id` (its first three hex digits), or -1 if it has none.
int HomeOfCall(std::string_view call_id);
// A call id of home `node_id` (0..4095) from 64 random bits: 3 + 13 hex digits.
std::string MakeCallId(int node_id, uint64_t random);

// How CallOps reaches the other brokers (the cluster bus); absent on a single broker.
struct CallRelayLink {
  int node_id = 0;
  // Hands `envelope` to broker `broker`'s CallOps (CallOps::OnRelayed there).
  std::function<void(int broker, std::string envelope)> send;
  // The other brokers with devices of `user` connected.
  std::function<std::vector<int>(const std::string& user)> brokers_of;
};

}  // namespace mqchat::call
