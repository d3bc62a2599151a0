// Fakes for unit tests of the SDK engine's parts without a broker: a RequestTransport that
// records what would be published, builders of the server's response payloads, and a helper
// that runs a function on the engine thread (EventLoop) and waits for it. The fakes themselves
// are engine-thread only, like what they stand in for.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "protocol/fields.h"
#include "protocol/requests.h"
#include "src/event_loop.h"
#include "src/local_cache.h"
#include "src/request_tracker.h"

namespace mqchat::sdk::test {

namespace fields = protocol::fields;

// Records each publish, parsed back as the server would; fails them all while `down`.
class FakeTransport : public RequestTransport {
 public:
  Status Publish(const std::string& topic, const std::string& payload) override {
    if (down) return Status::Unavailable("not connected");
    protocol::ParsedRequest parsed = protocol::ParseRequest(topic, payload, {});
    EXPECT_FALSE(parsed.error.has_value()) << "published an invalid request: " << payload;
    published.push_back(parsed.request);
    return Status::Ok();
  }
  // The client_msg_ids of the sends published so far, in order.
  std::vector<std::string> SentIds() const {
    std::vector<std::string> out;
    for (const auto& r : published) {
      if (auto* s = std::get_if<protocol::SendRequest>(&r.body)) out.push_back(s->client_msg_id);
    }
    return out;
  }
  // The request of the most recent send of `client_msg_id`.
  const protocol::Request* LastSendOf(const std::string& client_msg_id) const {
    for (auto it = published.rbegin(); it != published.rend(); ++it) {
      auto* s = std::get_if<protocol::SendRequest>(&it->body);
      if (s != nullptr && s->client_msg_id == client_msg_id) return &*it;
    }
    return nullptr;
  }

  bool down = false;
  std::vector<protocol::Request> published;
};

inline std::string OkResponse(const std::string& op, const std::string& req_id,
                              nlohmann::json body = nlohmann::json::object()) {
  body[std::string(fields::kOp)] = op;
  body[std::string(fields::kOk)] = true;
  body[std::string(fields::kReqId)] = req_id;
  return body.dump();
}

inline std::string ErrorResponse(const std::string& op, const std::string& req_id,
                                 const std::string& code) {
  nlohmann::json body;
  body[std::string(fields::kOp)] = op;
  body[std::string(fields::kOk)] = false;
  body[std::string(fields::kReqId)] = req_id;
  body[std::string(fields::kError)] = {{std::string(fields::kCode), code},
                                       {std::string(fields::kMessage), "refused by the test"}};
  return body.dump();
}

// The server's ack of a send request.
inline std::string AckResponse(const protocol::Request& send, int64_t seq) {
  const auto& body = std::get<protocol::SendRequest>(send.body);
  nlohmann::json ack;
  ack[std::string(fields::kConversationId)] = send.conversation_id;
  ack[std::string(fields::kSeq)] = seq;
  ack[std::string(fields::kMessageId)] = 1000 + seq;
  ack[std::string(fields::kClientMsgId)] = body.client_msg_id;
  ack[std::string(fields::kServerTimeMs)] = 1700000000000 + seq;
  ack[std::string(fields::kDuplicate)] = false;
  return OkResponse("send", send.req_id, std::move(ack));
}

// An in-memory cache of `user`; null (and a test failure) if it does not open.
inline std::unique_ptr<LocalCache> MemoryCache(const std::string& user) {
  auto cache = LocalCache::Open(":memory:", user);
  EXPECT_TRUE(cache.ok()) << cache.status().ToString();
  return cache.ok() ? std::move(cache).value() : nullptr;
}

// Runs `fn` on the loop's thread and waits (bounded) for it to finish.
template <typename Fn>
void OnLoop(EventLoop& loop, Fn&& fn) {
  std::promise<void> done;
  auto finished = done.get_future();
  ASSERT_TRUE(loop.Post([&] {
    fn();
    done.set_value();
  }));
  ASSERT_EQ(finished.wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

}  // namespace mqchat::sdk::test
