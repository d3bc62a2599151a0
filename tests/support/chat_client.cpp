#include "support/chat_client.h"

#include <gtest/gtest.h>

#include "protocol/ids.h"
#include "protocol/topics.h"

namespace mqchat::test {

std::string ChatResponse::error_code() const {
  if (!body || ok() || !body->contains("error")) return "";
  return (*body)["error"].value("code", "");
}

std::string ChatResponse::Describe() const {
  return "puback=" + std::to_string(puback) + " body=" + (body ? body->dump() : "<none>");
}

int64_t JsonId(const nlohmann::json& value) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_string()) return protocol::ParseId(value.get<std::string>()).value_or(0);
  return 0;
}

int ChatTestClient::Connect(int port, const std::string& user, const std::string& password,
                            const std::string& device, int mqtt_version, bool clean_start) {
  user_ = user;
  device_ = device;
  ConnectOptions o;
  o.port = port;
  o.client_id = user + "/" + device;
  o.username = user;
  o.password = password;
  o.mqtt_version = mqtt_version;
  o.clean_start = clean_start;
  if (!clean_start && mqtt_version == 5) o.session_expiry_s = 3600;
  int rc = mqtt_.Connect(o);
  if (rc != 0) return rc;
  int sub = mqtt_.Subscribe(protocol::UserPrefix(user) + "#", 1);
  return sub == 1 ? 0 : sub;
}

ChatResponse ChatTestClient::Request(protocol::Op op, int64_t conversation_id,
                                     nlohmann::json body, std::chrono::milliseconds timeout,
                                     int qos) {
  const std::string req_id = "r" + std::to_string(++next_req_);
  body["req_id"] = req_id;
  return RequestRaw(op, conversation_id, body.dump(), req_id, timeout, qos);
}

ChatResponse ChatTestClient::RequestRaw(protocol::Op op, int64_t conversation_id,
                                        const std::string& payload, const std::string& req_id,
                                        std::chrono::milliseconds timeout, int qos) {
  return RequestOnTopic(protocol::RequestTopic(op, conversation_id), payload, req_id, timeout, qos);
}

ChatResponse ChatTestClient::RequestOnTopic(const std::string& topic, const std::string& payload,
                                            const std::string& req_id,
                                            std::chrono::milliseconds timeout, int qos) {
  ChatResponse out;
  PublishProps props;
  if (mqtt_.mqtt_version() == 5) {
    props.response_topic = protocol::ReplyTopic(user_, device_);
    props.correlation_data = req_id;
  }
  out.puback = mqtt_.Publish(topic, payload, qos, false, props);
  const std::string reply_filter = protocol::UserPrefix(user_) + "reply/#";
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto msg = mqtt_.WaitMessage(left, reply_filter);
    if (!msg) break;
    auto json = nlohmann::json::parse(msg->payload, nullptr, false);
    // A payload too broken to parse has no req_id to echo; MQTT 5 correlation data still
    // identifies the request.
    const bool by_req_id = json.is_object() && json.value("req_id", "") == req_id;
    const bool by_correlation =
        mqtt_.mqtt_version() == 5 && msg->correlation_data.value_or("") == req_id;
    if (by_req_id || by_correlation) {
      if (mqtt_.mqtt_version() == 5) {
        EXPECT_TRUE(by_correlation) << "correlation data not echoed";
      }
      out.body = std::move(json);
      out.qos = msg->qos;
      return out;
    }
  }
  return out;
}

ChatResponse ChatTestClient::Send(int64_t conversation_id, const std::string& text,
                                  const std::string& client_msg_id, int qos) {
  return Request(protocol::Op::kSend, conversation_id,
                 {{"client_msg_id", client_msg_id}, {"text", text}}, kTimeout, qos);
}

int64_t ChatTestClient::OpenDirect(const std::string& peer) {
  auto r = Request(protocol::Op::kOpenDirect, 0, {{"user", peer}});
  if (!r.ok()) {
    ADD_FAILURE() << "open_direct " << user_ << "->" << peer << ": " << r.Describe();
    return 0;
  }
  return JsonId((*r.body)["conversation"]["conversation_id"]);
}

int64_t ChatTestClient::CreateGroup(const std::string& name,
                                    const std::vector<std::string>& members) {
  auto r = Request(protocol::Op::kCreateGroup, 0, {{"name", name}, {"members", members}});
  if (!r.ok()) {
    ADD_FAILURE() << "create_group: " << r.Describe();
    return 0;
  }
  return JsonId((*r.body)["conversation"]["conversation_id"]);
}

bool ChatTestClient::PullInbox(std::chrono::milliseconds timeout) {
  auto msg = mqtt_.WaitMessage(timeout, protocol::InboxTopic(user_));
  if (!msg) return false;
  auto json = nlohmann::json::parse(msg->payload, nullptr, false);
  EXPECT_TRUE(json.is_object()) << "inbox payload is not a JSON object: " << msg->payload;
  if (json.is_object()) events_.push_back(std::move(json));
  return true;
}

std::optional<nlohmann::json> ChatTestClient::WaitEvent(const std::string& type,
                                                        std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    for (auto it = events_.begin(); it != events_.end(); ++it) {
      if (it->value("type", "") == type) {
        nlohmann::json out = std::move(*it);
        events_.erase(it);
        return out;
      }
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return std::nullopt;
    PullInbox(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
  }
}

std::vector<nlohmann::json> ChatTestClient::WaitMessages(int64_t conversation_id, size_t count,
                                                         std::chrono::milliseconds timeout) {
  std::vector<nlohmann::json> out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.size() < count) {
    for (auto it = events_.begin(); it != events_.end() && out.size() < count;) {
      if (it->value("type", "") == "message" && JsonId((*it)["conversation_id"]) == conversation_id) {
        out.push_back(std::move(*it));
        it = events_.erase(it);
      } else {
        ++it;
      }
    }
    auto now = std::chrono::steady_clock::now();
    if (out.size() >= count || now >= deadline) break;
    PullInbox(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
  }
  return out;
}

size_t ChatTestClient::PendingEvents() {
  while (PullInbox(std::chrono::milliseconds(0))) {
  }
  return events_.size();
}

}  // namespace mqchat::test
