// Messaging over a real broker with the plugin, on SQLite and PostgreSQL: 1:1 and groups,
// validation, idempotency, ordering, history, read state.
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "support/chat_fixture.h"

namespace mqchat::test {
namespace {

constexpr int kV5NotAuthorized = 0x87;

class ChatFlowTest : public ChatFixture {};

TEST_P(ChatFlowTest, DirectChatBothWaysReachesEveryDevice) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Login("alice", "phone");
  auto alice_laptop = Login("alice", "laptop");
  auto bob = Login("bob", "phone");
  const int64_t conv = alice->OpenDirect("bob");
  ASSERT_GT(conv, 0);
  EXPECT_EQ(bob->OpenDirect("alice"), conv) << "direct conversations are per pair";

  auto ack = alice->Send(conv, "hello bob", "m-1");
  ASSERT_TRUE(ack.ok()) << ack.Describe();
  EXPECT_EQ((*ack.body)["seq"], 1);
  EXPECT_EQ((*ack.body)["client_msg_id"], "m-1");
  EXPECT_EQ((*ack.body)["duplicate"], false);
  EXPECT_GT(JsonId((*ack.body)["message_id"]), 0);

  auto at_bob = bob->WaitMessages(conv, 1);
  ASSERT_EQ(at_bob.size(), 1u);
  EXPECT_EQ(at_bob[0]["text"], "hello bob");
  EXPECT_EQ(at_bob[0]["sender"], "alice");
  EXPECT_EQ(at_bob[0]["seq"], 1);
  EXPECT_EQ(at_bob[0]["message_id"], (*ack.body)["message_id"]);
  ASSERT_EQ(alice_laptop->WaitMessages(conv, 1).size(), 1u) << "sender's other device";

  auto reply = bob->Send(conv, "hi alice", "b-1");
  ASSERT_TRUE(reply.ok()) << reply.Describe();
  EXPECT_EQ((*reply.body)["seq"], 2);
  // The sending device learns its message from the ack, so bob's message is the first message
  // event alice's phone sees (an echo of her own would have arrived before it).
  auto at_alice = alice->WaitMessages(conv, 1);
  ASSERT_EQ(at_alice.size(), 1u);
  EXPECT_EQ(at_alice[0]["seq"], 2) << "the sending device got its own message back";
  EXPECT_EQ(at_alice[0]["text"], "hi alice");
  EXPECT_GT(JsonId(at_alice[0]["message_id"]), JsonId((*ack.body)["message_id"]));
  auto at_laptop = alice_laptop->WaitMessages(conv, 1);
  ASSERT_EQ(at_laptop.size(), 1u);
  EXPECT_EQ(at_laptop[0]["seq"], 2);
}

TEST_P(ChatFlowTest, V311ClientUsesReplyTopicAndReqId) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto old = Login("alice", "legacy", /*mqtt_version=*/4);
  const int64_t conv = old->OpenDirect("bob");
  ASSERT_GT(conv, 0);
  auto ack = old->Send(conv, "from 3.1.1", "v3-1");
  ASSERT_TRUE(ack.ok()) << ack.Describe();
  EXPECT_EQ((*ack.body)["req_id"], "r2");
}

TEST_P(ChatFlowTest, ValidationErrorsAreClear) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob", "carol"});
  auto alice = Login("alice");
  auto carol = Login("carol");
  const int64_t conv = alice->OpenDirect("bob");
  ASSERT_GT(conv, 0);

  auto not_member = carol->Send(conv, "let me in", "c-1");
  EXPECT_EQ(not_member.error_code(), "NOT_MEMBER") << not_member.Describe();

  auto empty = alice->Send(conv, "", "e-1");
  EXPECT_EQ(empty.error_code(), "EMPTY_TEXT") << empty.Describe();
  EXPECT_EQ(empty.puback, kV5NotAuthorized);

  auto bad_utf8 = alice->RequestRaw(protocol::Op::kSend, conv,
                                    "{\"req_id\":\"bad-utf8\",\"client_msg_id\":\"u-1\","
                                    "\"text\":\"ab\xc3\x28\"}",
                                    "bad-utf8");
  EXPECT_EQ(bad_utf8.error_code(), "INVALID_UTF8") << bad_utf8.Describe();

  auto missing = alice->Request(protocol::Op::kSend, conv, {{"text", "no id"}});
  EXPECT_EQ(missing.error_code(), "BAD_REQUEST") << missing.Describe();

  auto raw = alice->mqtt().Publish("mqchat/v1/c/" + std::to_string(conv) + "/send", "not json");
  EXPECT_EQ(raw, kV5NotAuthorized);
  auto unknown = alice->mqtt().Publish("mqchat/v1/req/frobnicate", "{}");
  EXPECT_EQ(unknown, kV5NotAuthorized);
  EXPECT_TRUE(alice->mqtt().IsConnected()) << "bad input must not disconnect";

  auto self = alice->Request(protocol::Op::kOpenDirect, 0, {{"user", "alice"}});
  EXPECT_EQ(self.error_code(), "INVALID") << self.Describe();
  auto nobody = alice->Request(protocol::Op::kOpenDirect, 0, {{"user", "nobody"}});
  EXPECT_EQ(nobody.error_code(), "NOT_FOUND") << nobody.Describe();
}

// docs/PROTOCOL.md section 3: responses come at QoS 0 (they are the acknowledgement), and a
// client may send its requests at QoS 0 too: it gives up the PUBACK reason code, not the
// JSON response, the durable store or idempotency.
TEST_P(ChatFlowTest, RequestsAtQos0AreAnsweredLikeQos1AndResponsesComeAtQos0) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Login("alice");
  auto bob = Login("bob");
  const int64_t conv = alice->OpenDirect("bob");
  ASSERT_GT(conv, 0);

  auto at1 = alice->Send(conv, "at qos 1", "q-1");
  ASSERT_TRUE(at1.ok()) << at1.Describe();
  EXPECT_EQ(at1.qos, 0) << "responses are published at QoS 0";

  auto at0 = alice->Send(conv, "at qos 0", "q-0", /*qos=*/0);
  ASSERT_TRUE(at0.ok()) << at0.Describe();
  EXPECT_EQ(at0.qos, 0);
  EXPECT_EQ((*at0.body)["seq"], 2);
  EXPECT_EQ((*at0.body)["duplicate"], false);
  auto again = alice->Send(conv, "at qos 0", "q-0", /*qos=*/0);
  ASSERT_TRUE(again.ok()) << again.Describe();
  EXPECT_EQ((*again.body)["duplicate"], true);
  EXPECT_EQ((*again.body)["message_id"], (*at0.body)["message_id"]);

  auto got = bob->WaitMessages(conv, 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1]["text"], "at qos 0");
  auto history = bob->Request(protocol::Op::kHistory, conv, {{"after_seq", 0}});
  ASSERT_TRUE(history.ok()) << history.Describe();
  EXPECT_EQ((*history.body)["messages"].size(), 2u) << "stored once, duplicate included";

  auto refused = alice->Send(conv, "", "q-empty", /*qos=*/0);
  EXPECT_EQ(refused.error_code(), "EMPTY_TEXT") << refused.Describe();
  EXPECT_TRUE(alice->mqtt().IsConnected());
}

TEST_P(ChatFlowTest, LongestMessageIsStoredAndDeliveredByteIdentical) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Login("alice");
  auto bob = Login("bob");
  const int64_t conv = alice->OpenDirect("bob");
  // 100,000 code points mixing 1-, 2-, 3- and 4-byte UTF-8 characters.
  std::string text;
  const char* pieces[] = {"a", "\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x98\x80"};
  for (int i = 0; i < 100000; ++i) text += pieces[i % 4];
  auto ack = alice->Send(conv, text, "long-1");
  ASSERT_TRUE(ack.ok()) << ack.Describe().substr(0, 300);
  auto got = bob->WaitMessages(conv, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0]["text"].get<std::string>() == text) << "delivered text differs";
  auto history = bob->Request(protocol::Op::kHistory, conv, {{"after_seq", 0}});
  ASSERT_TRUE(history.ok());
  ASSERT_EQ((*history.body)["messages"].size(), 1u);
  EXPECT_TRUE((*history.body)["messages"][0]["text"].get<std::string>() == text);

  auto too_long = alice->Send(conv, text + "x", "long-2");
  EXPECT_EQ(too_long.error_code(), "TOO_LONG");
  EXPECT_NE(too_long.Describe().find("100001"), std::string::npos);
}

TEST_P(ChatFlowTest, DuplicateClientMsgIdYieldsOneMessageAndTheOriginalAck) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Login("alice");
  const int64_t conv = alice->OpenDirect("bob");
  auto first = alice->Send(conv, "once", "dup-1");
  auto second = alice->Send(conv, "once", "dup-1");
  ASSERT_TRUE(first.ok() && second.ok()) << second.Describe();
  EXPECT_EQ((*second.body)["duplicate"], true);
  EXPECT_EQ((*second.body)["seq"], (*first.body)["seq"]);
  EXPECT_EQ((*second.body)["message_id"], (*first.body)["message_id"]);
  auto history = alice->Request(protocol::Op::kHistory, conv, {});
  ASSERT_TRUE(history.ok());
  EXPECT_EQ((*history.body)["messages"].size(), 1u);
}

TEST_P(ChatFlowTest, FullGroupEveryMemberReceivesEveryMessageAndTheNextIsRefused) {
  MQCHAT_REQUIRE_SERVER();
  std::vector<std::string> names;
  for (int i = 0; i < 100; ++i) names.push_back("m" + std::to_string(i));
  Register(names);
  Register({"extra"});
  std::vector<std::unique_ptr<ChatTestClient>> clients;
  for (const auto& n : names) clients.push_back(Login(n));
  std::vector<std::string> others(names.begin() + 1, names.end());
  const int64_t group = clients[0]->CreateGroup("hundred", others);
  ASSERT_GT(group, 0);

  auto full = clients[0]->Request(protocol::Op::kAddMembers, group, {{"users", {"extra"}}});
  EXPECT_EQ(full.error_code(), "GROUP_FULL") << full.Describe();

  constexpr int kMessages = 3;
  for (int i = 0; i < kMessages; ++i) {
    auto ack = clients[i + 1]->Send(group, "msg " + std::to_string(i), "g-" + std::to_string(i));
    ASSERT_TRUE(ack.ok()) << ack.Describe();
  }
  // Member k (1..kMessages) sent seq k and has it from its ack; everyone gets the others.
  for (size_t k = 0; k < clients.size(); ++k) {
    std::vector<int> expected;
    for (int seq = 1; seq <= kMessages; ++seq) {
      if (static_cast<size_t>(seq) != k) expected.push_back(seq);
    }
    auto got = clients[k]->WaitMessages(group, expected.size());
    ASSERT_EQ(got.size(), expected.size()) << clients[k]->user();
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(got[i]["seq"], expected[i]) << clients[k]->user();
    }
  }
}

TEST_P(ChatFlowTest, ConcurrentSendersAllMembersSeeTheSameGaplessOrder) {
  MQCHAT_REQUIRE_SERVER();
  const std::vector<std::string> names = {"s0", "s1", "s2", "s3", "watcher"};
  Register(names);
  std::vector<std::unique_ptr<ChatTestClient>> clients;
  for (const auto& n : names) clients.push_back(Login(n));
  const int64_t group =
      clients[0]->CreateGroup("race", std::vector<std::string>(names.begin() + 1, names.end()));
  ASSERT_GT(group, 0);
  constexpr int kPerSender = 40;
  std::vector<std::thread> senders;
  for (int s = 0; s < 4; ++s) {
    senders.emplace_back([&, s] {
      for (int i = 0; i < kPerSender; ++i) {
        auto ack = clients[s]->Send(group, "s" + std::to_string(s) + "-" + std::to_string(i),
                                    "c" + std::to_string(s) + "-" + std::to_string(i));
        EXPECT_TRUE(ack.ok()) << ack.Describe();
      }
    });
  }
  for (auto& t : senders) t.join();
  // The watcher sends nothing, so it sees every message: seqs 1..N without a gap.
  std::vector<std::string> reference;
  auto all = clients[4]->WaitMessages(group, 4 * kPerSender);
  ASSERT_EQ(all.size(), 4u * kPerSender);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i]["seq"], static_cast<int64_t>(i + 1)) << "gap or reorder";
    reference.push_back(all[i]["client_msg_id"]);
  }
  // Each sender sees everyone else's messages in that same order (its own come in acks).
  for (int s = 0; s < 4; ++s) {
    const std::string own = "c" + std::to_string(s) + "-";
    std::vector<std::string> expected;
    for (const auto& id : reference) {
      if (id.rfind(own, 0) != 0) expected.push_back(id);
    }
    auto got = clients[s]->WaitMessages(group, expected.size());
    std::vector<std::string> order;
    int64_t last_seq = 0;
    for (const auto& m : got) {
      order.push_back(m["client_msg_id"]);
      EXPECT_GT(m["seq"].get<int64_t>(), last_seq) << clients[s]->user() << " reorder";
      last_seq = m["seq"].get<int64_t>();
    }
    EXPECT_EQ(order, expected) << clients[s]->user() << " saw a different order";
  }
  // Each sender's own messages keep their sending order.
  for (int s = 0; s < 4; ++s) {
    int last = -1;
    for (const auto& id : reference) {
      if (id.rfind("c" + std::to_string(s) + "-", 0) == 0) {
        int n = std::stoi(id.substr(id.find('-') + 1));
        EXPECT_GT(n, last);
        last = n;
      }
    }
  }
}

TEST_P(ChatFlowTest, HistoryPagingReadStateAndConversationList) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Login("alice");
  auto bob = Login("bob");
  const int64_t conv = alice->OpenDirect("bob");
  for (int i = 1; i <= 7; ++i) {
    ASSERT_TRUE(alice->Send(conv, "n" + std::to_string(i), "h" + std::to_string(i)).ok());
  }
  auto newest = bob->Request(protocol::Op::kHistory, conv, {{"before_seq", 8}, {"limit", 3}});
  ASSERT_TRUE(newest.ok()) << newest.Describe();
  auto& page = (*newest.body)["messages"];
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0]["seq"], 5);
  EXPECT_EQ(page[2]["seq"], 7);
  EXPECT_EQ((*newest.body)["has_more"], true);
  auto oldest = bob->Request(protocol::Op::kHistory, conv, {{"after_seq", 5}, {"limit", 100}});
  ASSERT_TRUE(oldest.ok());
  EXPECT_EQ((*oldest.body)["messages"].size(), 2u);
  EXPECT_EQ((*oldest.body)["has_more"], false);

  auto list = bob->Request(protocol::Op::kConversations, 0, {});
  ASSERT_TRUE(list.ok()) << list.Describe();
  ASSERT_EQ((*list.body)["conversations"].size(), 1u);
  auto& summary = (*list.body)["conversations"][0];
  EXPECT_EQ(JsonId(summary["conversation_id"]), conv);
  EXPECT_EQ(summary["unread"], 7);
  EXPECT_EQ(summary["last_message"]["text"], "n7");

  auto read = bob->Request(protocol::Op::kRead, conv, {{"seq", 5}});
  ASSERT_TRUE(read.ok()) << read.Describe();
  EXPECT_EQ((*read.body)["read_seq"], 5);
  auto receipt = alice->WaitEvent("read");
  ASSERT_TRUE(receipt.has_value());
  EXPECT_EQ((*receipt)["user"], "bob");
  EXPECT_EQ((*receipt)["read_seq"], 5);
  auto stale = bob->Request(protocol::Op::kRead, conv, {{"seq", 2}});
  EXPECT_EQ((*stale.body)["read_seq"], 5) << "read position never goes back";

  auto members = alice->Request(protocol::Op::kMembers, conv, {});
  ASSERT_TRUE(members.ok());
  for (const auto& m : (*members.body)["members"]) {
    if (m["user"] == "bob") {
      EXPECT_EQ(m["read_seq"], 5);
    }
    if (m["user"] == "alice") {
      EXPECT_EQ(m["read_seq"], 7) << "sending marks read";
    }
  }
  list = bob->Request(protocol::Op::kConversations, 0, {});
  EXPECT_EQ((*list.body)["conversations"][0]["unread"], 2);
}

TEST_P(ChatFlowTest, GroupManagementPermissionsAndEvents) {
  MQCHAT_REQUIRE_SERVER();
  Register({"owner", "bob", "carol", "dan"});
  auto owner = Login("owner");
  auto bob = Login("bob");
  auto carol = Login("carol");
  const int64_t group = owner->CreateGroup("team", {"bob"});
  ASSERT_GT(group, 0);
  auto created = bob->WaitEvent("conversation");
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ((*created)["event"], "created");

  auto by_member = bob->Request(protocol::Op::kAddMembers, group, {{"users", {"carol"}}});
  EXPECT_EQ(by_member.error_code(), "FORBIDDEN") << by_member.Describe();
  auto add = owner->Request(protocol::Op::kAddMembers, group, {{"users", {"carol", "bob"}}});
  ASSERT_TRUE(add.ok()) << add.Describe();
  EXPECT_EQ((*add.body)["added"], nlohmann::json::array({"carol"}));
  auto carol_event = carol->WaitEvent("conversation");
  ASSERT_TRUE(carol_event.has_value());
  EXPECT_EQ((*carol_event)["event"], "members_added");

  auto rename = owner->Request(protocol::Op::kRename, group, {{"name", "renamed"}});
  ASSERT_TRUE(rename.ok()) << rename.Describe();
  auto remove = owner->Request(protocol::Op::kRemoveMember, group, {{"user", "carol"}});
  ASSERT_TRUE(remove.ok()) << remove.Describe();
  auto after = carol->Send(group, "still here?", "c-x");
  EXPECT_EQ(after.error_code(), "NOT_MEMBER") << after.Describe();
  auto leave = bob->Request(protocol::Op::kLeave, group, {});
  ASSERT_TRUE(leave.ok()) << leave.Describe();
  auto history = bob->Request(protocol::Op::kHistory, group, {});
  EXPECT_EQ(history.error_code(), "NOT_MEMBER");
}

MQCHAT_INSTANTIATE_FOR_STORES(ChatFlowTest);

}  // namespace
}  // namespace mqchat::test
