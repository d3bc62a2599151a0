// The calls suites' fixture (issue 27): a broker with call options, the call requests, waits
// for call events, and alice and bob (two devices) with their direct conversation; RawDevice, a
// device that drops without DISCONNECT. Included by the calls suites
// (tests/integration/calls_*_test.cpp) only.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocol/call.h"
#include "protocol/topics.h"
#include "support/chat_fixture.h"

namespace mqchat::test {

using nlohmann::json;
using protocol::CallOp;

// A device that goes away without DISCONNECT: MQTT 5 over a raw socket, closed at will (the
// broker sees the connection lost, as when a phone loses its network or its app is killed).
class RawDevice {
 public:
  ~RawDevice() { Drop(); }
  bool Connect(int port, const std::string& client_id, const std::string& user,
               const std::string& password) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return false;
    std::string body = Str("MQTT") + '\x05' + '\xC2' + '\x00' + '\x3C' + '\x00';  // no props
    body += Str(client_id) + Str(user) + Str(password);
    if (!Write('\x10', body)) return false;
    char head[2];
    if (::recv(fd_, head, 2, MSG_WAITALL) != 2 || head[0] != '\x20') return false;
    std::string rest(static_cast<unsigned char>(head[1]), '\0');
    if (::recv(fd_, rest.data(), rest.size(), MSG_WAITALL) != static_cast<ssize_t>(rest.size())) {
      return false;
    }
    return rest.size() >= 2 && rest[1] == 0;  // reason code: success
  }
  // PUBLISH at QoS 0 (no properties).
  bool Publish(const std::string& topic, const std::string& payload) {
    return Write('\x30', Str(topic) + '\x00' + payload);
  }
  // Closes the socket without DISCONNECT.
  void Drop() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  static std::string Str(const std::string& s) {
    return std::string{static_cast<char>(s.size() >> 8), static_cast<char>(s.size() & 0xff)} + s;
  }
  bool Write(char type, const std::string& body) {
    std::string packet(1, type);
    size_t len = body.size();
    do {
      char byte = static_cast<char>(len % 128);
      len /= 128;
      if (len > 0) byte = static_cast<char>(byte | 0x80);
      packet += byte;
    } while (len > 0);
    packet += body;
    return ::send(fd_, packet.data(), packet.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(packet.size());
  }
  int fd_ = -1;
};

// The call requests and waits for call events, for any fixture with ChatTestClients.
class CallHelpers {
 protected:
  ChatResponse Call(ChatTestClient& c, CallOp op, int64_t conversation,
                    json body = json::object()) {
    const std::string req_id = "call-" + std::to_string(++next_req_);
    body["req_id"] = req_id;
    return c.RequestOnTopic(protocol::CallRequestTopic(op, conversation), body.dump(), req_id);
  }
  ChatResponse CallWith(ChatTestClient& c, CallOp op, int64_t conversation,
                        const std::string& call_id, json body = json::object()) {
    body["call_id"] = call_id;
    return Call(c, op, conversation, std::move(body));
  }
  // The next call event `event` (of call `call_id` if given) on `c`'s inbox; call events that
  // do not match are kept, in order, for later waits.
  std::optional<json> WaitCall(ChatTestClient& c, const std::string& event,
                               const std::string& call_id = "",
                               std::chrono::milliseconds timeout = ChatTestClient::kTimeout) {
    auto matches = [&](const json& e) {
      return e.value("event", "") == event &&
             (call_id.empty() || e.value("call_id", "") == call_id);
    };
    std::vector<json>& kept = kept_[&c];
    for (auto it = kept.begin(); it != kept.end(); ++it) {
      if (matches(*it)) {
        json out = std::move(*it);
        kept.erase(it);
        return out;
      }
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      const auto now = std::chrono::steady_clock::now();
      const auto left = now >= deadline
                            ? std::chrono::milliseconds(0)
                            : std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
      auto e = c.WaitEvent("call", left);
      if (!e) return std::nullopt;
      if (matches(*e)) return e;
      kept.push_back(std::move(*e));
    }
  }
  // True if `c` has received a call event `event` (all it was sent so far is pulled first).
  bool HasCall(ChatTestClient& c, const std::string& event) {
    c.PendingEvents();
    return WaitCall(c, event, "", std::chrono::milliseconds(0)).has_value();
  }
  static std::string CallId(const ChatResponse& r) {
    return r.ok() ? (*r.body).value("call_id", "") : "";
  }

  uint64_t next_req_ = 0;
  std::map<ChatTestClient*, std::vector<json>> kept_;  // call events not yet waited for
};

class CallsTest : public ChatFixture, protected CallHelpers {
 protected:
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"call_stun_urls", "stun:stun.example.com:3478"},
            {"call_turn_urls", "turn:127.0.0.1:3478?transport=udp, turns:turn.example.com:5349"},
            {"call_turn_secret", "coturn-static-auth-secret"},
            {"call_turn_ttl_s", "3600"}};
  }

  // alice (laptop) and bob (phone and desk) with their direct conversation.
  void SetUpDirect() {
    Register({"alice", "bob", "carol"});
    alice_ = Login("alice", "laptop");
    bob_phone_ = Login("bob", "phone");
    bob_desk_ = Login("bob", "desk");
    conv_ = alice_->OpenDirect("bob");
    ASSERT_GT(conv_, 0);
  }
  // alice invites bob; both of bob's devices ring. Returns the call id.
  std::string Ring() {
    auto invite = Call(*alice_, CallOp::kInvite, conv_, {{"video", true}});
    EXPECT_TRUE(invite.ok()) << invite.Describe();
    const std::string id = CallId(invite);
    for (ChatTestClient* bob : {bob_phone_.get(), bob_desk_.get()}) {
      auto ring = WaitCall(*bob, "ringing", id);
      EXPECT_TRUE(ring) << "bob's " << bob->mqtt().client_id() << " did not ring";
      if (ring) {
        EXPECT_EQ((*ring)["caller"], "alice");
        EXPECT_EQ((*ring)["caller_device"], "laptop");
        EXPECT_EQ((*ring)["video"], true);
        EXPECT_EQ(JsonId((*ring)["conversation_id"]), conv_);
      }
    }
    return id;
  }
  // bob's phone takes call `id`.
  void Answer(const std::string& id) {
    auto accept = CallWith(*bob_phone_, CallOp::kAccept, conv_, id);
    ASSERT_TRUE(accept.ok()) << accept.Describe();
    ASSERT_TRUE(WaitCall(*alice_, "joined", id));
  }

  int64_t conv_ = 0;
  std::unique_ptr<ChatTestClient> alice_, bob_phone_, bob_desk_;
};

}  // namespace mqchat::test
