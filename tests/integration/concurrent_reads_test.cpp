// Reads on a pool of store readers (plugin_opt_store_readers 4), on SQLite and PostgreSQL:
// many users reading at once each get exactly their own answers, each device's pipelined
// requests are answered in the order it sent them, and a user's first answer comes after their
// contacts were loaded (chat/reader_pool.h).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "chat/reader_pool.h"
#include "protocol/topics.h"
#include "support/chat_fixture.h"

namespace mqchat::test {
namespace {

class ConcurrentReadsTest : public ChatFixture {
 protected:
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"store_readers", "4"}};
  }

  // Publishes a request on `client` as `user`/`device` without waiting for its answer (only
  // for the PUBACK, which the broker sends once the plugin has queued the request).
  static int PublishRequest(MqttTestClient& client, const std::string& user,
                            const std::string& device, protocol::Op op, int64_t conversation_id,
                            nlohmann::json body, const std::string& req_id) {
    body["req_id"] = req_id;
    PublishProps props;
    props.response_topic = protocol::ReplyTopic(user, device);
    props.correlation_data = req_id;
    return client.Publish(protocol::RequestTopic(op, conversation_id), body.dump(), 1, false,
                          props);
  }

  // The next answer on `user`/`device`'s reply topic, parsed (a JSON null if none came).
  static nlohmann::json NextAnswer(MqttTestClient& client, const std::string& user,
                                   const std::string& device) {
    auto msg = client.WaitMessage(ChatTestClient::kTimeout, protocol::ReplyTopic(user, device));
    if (!msg) return nullptr;
    return nlohmann::json::parse(msg->payload, nullptr, false);
  }
};

// Each reader user shares one direct conversation with "hub", holding messages only for them.
TEST_P(ConcurrentReadsTest, ManyUsersReadingAtOnceEachGetTheirOwnAnswersInOrder) {
  MQCHAT_REQUIRE_SERVER();
  constexpr int kUsers = 8;
  constexpr int kRounds = 10;  // of 4 requests (sync, history, conversations, members)
  std::vector<std::string> users;
  for (int i = 0; i < kUsers; ++i) users.push_back("reader" + std::to_string(i));
  std::vector<std::string> everyone = users;
  everyone.push_back("hub");
  Register(everyone);
  auto hub = Login("hub");
  std::vector<int64_t> convs;
  for (int i = 0; i < kUsers; ++i) {
    convs.push_back(hub->OpenDirect(users[i]));
    ASSERT_GT(convs.back(), 0);
    for (int k = 1; k <= 3 + i; ++k) {  // a different count per user
      const std::string text = users[i] + "-" + std::to_string(k);
      ASSERT_TRUE(hub->Send(convs[i], text, text).ok());
    }
  }
  // Two devices per user, every device pipelining its requests from its own thread.
  struct Device {
    int user;
    std::string name;
    std::unique_ptr<ChatTestClient> client;
  };
  std::vector<Device> devices;
  for (int i = 0; i < kUsers; ++i) {
    for (const std::string name : {"a", "b"}) devices.push_back({i, name, Login(users[i], name)});
  }

  auto expect_messages = [&](int i, const nlohmann::json& messages, const std::string& what) {
    const int count = 3 + i;
    ASSERT_EQ(messages.size(), static_cast<size_t>(count)) << what;
    for (int k = 1; k <= count; ++k) {
      EXPECT_EQ(messages[k - 1]["seq"], k) << what;
      EXPECT_EQ(messages[k - 1]["text"], users[i] + "-" + std::to_string(k)) << what;
    }
  };
  std::vector<std::thread> threads;
  for (auto& d : devices) {
    threads.emplace_back([&, dev = &d] {
      const Device& d = *dev;
      const int i = d.user;
      const std::string& user = users[i];
      MqttTestClient& mqtt = d.client->mqtt();
      const std::vector<protocol::Op> ops = {protocol::Op::kSync, protocol::Op::kHistory,
                                             protocol::Op::kConversations, protocol::Op::kMembers};
      // Everything is sent before any answer is read, so the answers can come out of order.
      for (int n = 0; n < kRounds * 4; ++n) {
        const protocol::Op op = ops[n % 4];
        nlohmann::json body = nlohmann::json::object();
        int64_t conv = 0;
        if (op == protocol::Op::kSync)
          body = {{"cursors", nlohmann::json::object()}, {"limit", 100}};
        if (op == protocol::Op::kHistory) body = {{"after_seq", 0}, {"limit", 100}};
        if (op == protocol::Op::kHistory || op == protocol::Op::kMembers) conv = convs[i];
        ASSERT_EQ(PublishRequest(mqtt, user, d.name, op, conv, body, d.name + std::to_string(n)), 0)
            << user << "/" << d.name << " request " << n;
      }
      for (int n = 0; n < kRounds * 4; ++n) {
        const std::string what = user + "/" + d.name + " answer " + std::to_string(n);
        nlohmann::json answer = NextAnswer(mqtt, user, d.name);
        ASSERT_TRUE(answer.is_object()) << what << ": none or not JSON";
        ASSERT_EQ(answer.value("req_id", ""), d.name + std::to_string(n))
            << what << ": answered out of order: " << answer.dump();
        ASSERT_TRUE(answer.value("ok", false)) << what << ": " << answer.dump();
        switch (n % 4) {
          case 0: {  // sync
            ASSERT_EQ(answer["conversations"].size(), 1u) << what;
            const auto& c = answer["conversations"][0];
            EXPECT_EQ(JsonId(c["conversation_id"]), convs[i]) << what;
            EXPECT_EQ(c["last_seq"], 3 + i) << what;
            expect_messages(i, c["messages"], what);
            break;
          }
          case 1:  // history
            EXPECT_EQ(JsonId(answer["conversation_id"]), convs[i]) << what;
            expect_messages(i, answer["messages"], what);
            break;
          case 2: {  // conversations
            ASSERT_EQ(answer["conversations"].size(), 1u) << what;
            const auto& c = answer["conversations"][0];
            EXPECT_EQ(JsonId(c["conversation_id"]), convs[i]) << what;
            EXPECT_EQ(c["members"].get<std::set<std::string>>(),
                      (std::set<std::string>{"hub", user}))
                << what;
            EXPECT_EQ(c["last_message"]["text"], user + "-" + std::to_string(3 + i)) << what;
            break;
          }
          case 3: {  // members
            EXPECT_EQ(JsonId(answer["conversation_id"]), convs[i]) << what;
            std::set<std::string> names;
            for (const auto& m : answer["members"]) names.insert(m["user"].get<std::string>());
            EXPECT_EQ(names, (std::set<std::string>{"hub", user})) << what;
            break;
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (auto& d : devices) {
    EXPECT_EQ(d.client->mqtt().QueuedCount(), 0u)
        << users[d.user] << "/" << d.name << " got more answers than it asked for";
  }
}

// A user's first device sends `conversations` as its very first packet after CONNECT (its
// subscription is kept in its session), while many users log in at once and the other readers
// are busy: the contacts, loaded by the user's own reader when the device connected, are known
// by the time the answer arrives, so subscribing to the presence of everyone it names is
// allowed. (All of these users share reader 0 and flooders keep readers 1-3 busy, so a contact
// load queued on any reader but the user's own would finish after the answer.)
TEST_P(ConcurrentReadsTest, FirstAnswerComesAfterTheContactsAreLoaded) {
  MQCHAT_REQUIRE_SERVER();
  constexpr size_t kReaders = 4;  // as ExtraOptions
  constexpr size_t kUsers = 12;
  constexpr size_t kFloodersPerReader = 2;
  constexpr int kFloodRequests = 100;
  std::vector<std::string> users, peers, flooders;
  for (int n = 0; users.size() < kUsers || flooders.size() < kFloodersPerReader * 3; ++n) {
    const std::string late = "late" + std::to_string(n);
    if (users.size() < kUsers && chat::ReaderPool::IndexFor(late, kReaders) == 0) {
      users.push_back(late);
      peers.push_back("peer" + std::to_string(n));
    }
    const std::string flood = "flood" + std::to_string(n);
    const size_t reader = chat::ReaderPool::IndexFor(flood, kReaders);
    size_t on_reader = 0;
    for (const auto& f : flooders) on_reader += chat::ReaderPool::IndexFor(f, kReaders) == reader;
    if (reader != 0 && on_reader < kFloodersPerReader) flooders.push_back(flood);
  }
  Register(peers);
  Register(flooders);
  // Sessions that keep the subscription to the user's namespace across reconnects.
  for (const auto& u : users) {
    auto c = Login(u, "phone", /*mqtt_version=*/5, /*clean_start=*/false);
    c->Disconnect();
  }
  // Conversations made while the users are offline: only the login can teach their contacts.
  for (size_t i = 0; i < kUsers; ++i) {
    auto peer = Login(peers[i]);
    ASSERT_GT(peer->OpenDirect(users[i]), 0);
    if (i % 2 == 0) {  // and a group with the next peer, for a second contact
      ASSERT_GT(peer->CreateGroup("g" + std::to_string(i), {users[i], peers[(i + 1) % kUsers]}), 0);
    }
  }
  // The flooders share a group of long messages; each syncs all of it, many times over.
  std::vector<std::unique_ptr<ChatTestClient>> flood_clients;
  for (const auto& f : flooders) flood_clients.push_back(Login(f));
  const int64_t flood_group = flood_clients[0]->CreateGroup(
      "flood", std::vector<std::string>(flooders.begin() + 1, flooders.end()));
  ASSERT_GT(flood_group, 0);
  for (int k = 0; k < 100; ++k) {
    ASSERT_TRUE(
        flood_clients[0]->Send(flood_group, std::string(2000, 'x'), "f" + std::to_string(k)).ok());
  }
  std::vector<std::thread> flood_threads;
  for (size_t f = 0; f < flooders.size(); ++f) {
    flood_threads.emplace_back([&, f] {
      for (int n = 0; n < kFloodRequests; ++n) {
        ASSERT_EQ(PublishRequest(flood_clients[f]->mqtt(), flooders[f], "d1", protocol::Op::kSync,
                                 0, {{"cursors", nlohmann::json::object()}, {"limit", 100}},
                                 "s" + std::to_string(n)),
                  0);
      }
    });
  }
  for (auto& t : flood_threads) t.join();

  std::vector<std::unique_ptr<MqttTestClient>> clients;
  for (size_t i = 0; i < kUsers; ++i) clients.push_back(std::make_unique<MqttTestClient>());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < kUsers; ++i) {
    threads.emplace_back([&, i] {
      const std::string& user = users[i];
      MqttTestClient& mqtt = *clients[i];
      ConnectOptions o;
      o.port = server_->port();
      o.client_id = user + "/phone";
      o.username = user;
      o.password = Token(user);
      o.clean_start = false;
      o.session_expiry_s = 3600;
      ASSERT_EQ(mqtt.Connect(o), 0) << user;
      ASSERT_EQ(PublishRequest(mqtt, user, "phone", protocol::Op::kConversations, 0,
                               nlohmann::json::object(), "first"),
                0)
          << user;
      nlohmann::json answer = NextAnswer(mqtt, user, "phone");
      ASSERT_TRUE(answer.is_object()) << user << ": no answer";
      ASSERT_TRUE(answer.value("ok", false)) << user << ": " << answer.dump();
      std::set<std::string> named;
      for (const auto& c : answer["conversations"]) {
        for (const auto& m : c["members"]) {
          if (m != user) named.insert(m.get<std::string>());
        }
      }
      std::set<std::string> expected = {peers[i]};
      if (i % 2 == 0) expected.insert(peers[(i + 1) % kUsers]);
      EXPECT_EQ(named, expected) << user;
      for (const auto& contact : named) {
        EXPECT_EQ(mqtt.Subscribe(protocol::PresenceTopic(contact)), 1)
            << user << " may not watch " << contact << ": contacts not loaded before the answer";
      }
    });
  }
  for (auto& t : threads) t.join();
  // The flood is answered too, in order, with all 100 messages each time.
  for (size_t f = 0; f < flooders.size(); ++f) {
    for (int n = 0; n < kFloodRequests; ++n) {
      nlohmann::json answer = NextAnswer(flood_clients[f]->mqtt(), flooders[f], "d1");
      ASSERT_TRUE(answer.is_object()) << flooders[f] << " answer " << n;
      ASSERT_EQ(answer.value("req_id", ""), "s" + std::to_string(n)) << flooders[f];
      ASSERT_EQ(answer["conversations"].size(), 1u) << flooders[f];
      EXPECT_EQ(answer["conversations"][0]["messages"].size(), 100u) << flooders[f];
    }
  }
}

MQCHAT_INSTANTIATE_FOR_STORES(ConcurrentReadsTest);

}  // namespace
}  // namespace mqchat::test
