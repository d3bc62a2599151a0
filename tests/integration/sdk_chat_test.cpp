// The client SDK against a real broker with the plugin: two clients chatting both ways, a group
// of several clients, conversation management, history paging, read receipts and the cache.
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mqchat/client.h"
#include "support/chat_fixture.h"
#include "support/temp_dir.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

constexpr auto kWait = std::chrono::seconds(20);

// One SDK client and everything its callbacks saw (callback thread -> test thread).
struct Peer {
  // The client goes first: its destructor runs queued callbacks, which write the fields below.
  ~Peer() { client.reset(); }

  std::unique_ptr<Client> client;
  mutable std::mutex mu;
  std::vector<Message> messages;
  std::vector<ConversationEvent> conversation_events;
  std::vector<ReadEvent> reads;
  std::vector<TypingEvent> typing;
  std::vector<PresenceEvent> presence;

  std::vector<Message> Of(int64_t conversation) const {
    std::lock_guard<std::mutex> lock(mu);
    std::vector<Message> out;
    for (const auto& m : messages) {
      if (m.conversation_id == conversation) out.push_back(m);
    }
    return out;
  }
  size_t CountOf(int64_t conversation) const { return Of(conversation).size(); }
  size_t ConversationEvents() const {
    std::lock_guard<std::mutex> lock(mu);
    return conversation_events.size();
  }
  std::vector<ReadEvent> Reads() const {
    std::lock_guard<std::mutex> lock(mu);
    return reads;
  }
  bool SawTyping(const std::string& user, bool value) const {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& t : typing) {
      if (t.user == user && t.typing == value) return true;
    }
    return false;
  }
  // The latest presence of `user` seen: 1 online, 0 offline, -1 none yet.
  int PresenceOf(const std::string& user) const {
    std::lock_guard<std::mutex> lock(mu);
    int state = -1;
    for (const auto& p : presence) {
      if (p.user == user) state = p.online ? 1 : 0;
    }
    return state;
  }
};

template <typename T>
T Get(std::future<T> f) {
  EXPECT_EQ(f.wait_for(kWait), std::future_status::ready) << "no result in time";
  return f.get();
}

class SdkChatTest : public ChatFixture {
 protected:
  std::unique_ptr<Peer> Connect(const std::string& user, const std::string& device = "sdk") {
    auto options = ClientOptions::Builder()
                       .Server("tcp://127.0.0.1:" + std::to_string(server_->port()))
                       .Token(user, Token(user))
                       .Device(device)
                       .CachePath(dir_.File(user + "-" + device + ".db"))
                       .AutoReconnect(true, std::chrono::milliseconds(20),
                                      std::chrono::milliseconds(500))
                       .Build();
    EXPECT_TRUE(options.ok()) << options.status().ToString();
    auto client = Client::Create(*options);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    auto peer = std::make_unique<Peer>();
    peer->client = std::move(*client);
    Peer* p = peer.get();
    p->client->OnMessage([p](const Message& m) {
      std::lock_guard<std::mutex> lock(p->mu);
      p->messages.push_back(m);
    });
    p->client->OnConversationEvent([p](const ConversationEvent& e) {
      std::lock_guard<std::mutex> lock(p->mu);
      p->conversation_events.push_back(e);
    });
    p->client->OnRead([p](const ReadEvent& e) {
      std::lock_guard<std::mutex> lock(p->mu);
      p->reads.push_back(e);
    });
    p->client->OnTyping([p](const TypingEvent& e) {
      std::lock_guard<std::mutex> lock(p->mu);
      p->typing.push_back(e);
    });
    p->client->OnPresence([p](const PresenceEvent& e) {
      std::lock_guard<std::mutex> lock(p->mu);
      p->presence.push_back(e);
    });
    Status s = p->client->Connect();
    EXPECT_TRUE(s.ok()) << user << ": " << s.ToString();
    return peer;
  }

  TempDir dir_{"mqchat-sdk"};
};

TEST_P(SdkChatTest, TwoClientsChatBothWays) {
  MQCHAT_REQUIRE_SERVER();
  auto bob = Connect("bob");
  auto alice = Connect("alice");

  auto conv = Get(alice->client->OpenDirect("bob"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  EXPECT_EQ(conv->kind, ConversationKind::kDirect);
  auto same = Get(bob->client->OpenDirect("alice"));
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_EQ(same->id, conv->id);

  auto ack = Get(alice->client->Send(conv->id, "hi bob"));
  ASSERT_TRUE(ack.ok()) << ack.status().ToString();
  EXPECT_EQ(ack->seq, 1);
  EXPECT_FALSE(ack->duplicate);
  ASSERT_TRUE(WaitFor([&] { return bob->CountOf(conv->id) == 1; }, kWait, "bob gets hi"));
  EXPECT_EQ(bob->Of(conv->id)[0].text, "hi bob");
  EXPECT_EQ(bob->Of(conv->id)[0].sender, "alice");

  // The callback variant, from the other side.
  std::promise<Result<Ack>> replied;
  bob->client->Send(conv->id, "hi alice", [&](Result<Ack> r) { replied.set_value(r); });
  auto reply = Get(replied.get_future());
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->seq, 2);
  ASSERT_TRUE(WaitFor([&] { return alice->CountOf(conv->id) == 2; }, kWait, "alice gets both"));
  auto seen = alice->Of(conv->id);
  EXPECT_EQ(seen[0].text, "hi bob");  // her own, delivered once too
  EXPECT_EQ(seen[1].text, "hi alice");
  EXPECT_EQ(seen[1].seq, 2);
  ASSERT_TRUE(WaitFor([&] { return bob->CountOf(conv->id) == 2; }, kWait, "bob sees his own"));

  // Read receipts reach the other member.
  auto read = Get(bob->client->MarkRead(conv->id, 2));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, 2);
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const auto& r : alice->Reads()) {
          if (r.user == "bob" && r.read_seq == 2) return true;
        }
        return false;
      },
      kWait, "alice sees bob's read receipt"));

  // History and the offline cache agree with what was delivered.
  auto page = Get(alice->client->History(conv->id, HistoryQuery::Latest(10)));
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->messages.size(), 2u);
  EXPECT_FALSE(page->has_more);
  auto cached = bob->client->CachedMessages(conv->id);
  ASSERT_TRUE(cached.ok());
  ASSERT_EQ(cached->size(), 2u);
  EXPECT_EQ((*cached)[1].text, "hi alice");

  auto list = Get(bob->client->Conversations());
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, conv->id);
  EXPECT_EQ((*list)[0].unread, 0);
  auto cached_list = alice->client->CachedConversations();
  ASSERT_TRUE(cached_list.ok());
  ASSERT_EQ(cached_list->size(), 1u);
  EXPECT_EQ((*cached_list)[0].last_seq, 2);

  EXPECT_EQ(*alice->client->PendingSends(), 0u);
}

TEST_P(SdkChatTest, GroupOfSeveralClients) {
  MQCHAT_REQUIRE_SERVER();
  const std::vector<std::string> users = {"owner", "ann", "ben", "cid"};
  std::map<std::string, std::unique_ptr<Peer>> peers;
  for (const auto& u : users) peers[u] = Connect(u);
  auto late = Connect("dan");

  auto group = Get(peers["owner"]->client->CreateGroup("Team", {"ann", "ben", "cid"}));
  ASSERT_TRUE(group.ok()) << group.status().ToString();
  EXPECT_EQ(group->kind, ConversationKind::kGroup);
  EXPECT_EQ(group->members.size(), 4u);
  for (const auto& u : users) {
    ASSERT_TRUE(WaitFor([&] { return peers[u]->ConversationEvents() >= 1; }, kWait,
                        u + " hears of the group"));
  }

  // Everyone sends; everyone receives every message once, in the same (seq) order.
  std::vector<std::future<Result<Ack>>> acks;
  for (const auto& u : users) acks.push_back(peers[u]->client->Send(group->id, "from " + u));
  for (auto& a : acks) {
    auto r = Get(std::move(a));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  for (const auto& u : users) {
    ASSERT_TRUE(WaitFor([&] { return peers[u]->CountOf(group->id) == users.size(); }, kWait,
                        u + " receives all"));
    auto got = peers[u]->Of(group->id);
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].seq, static_cast<int64_t>(i + 1));
      EXPECT_EQ(got[i].text, peers["owner"]->Of(group->id)[i].text);
    }
  }

  // A member added later sees new messages; membership changes reach everyone.
  auto added = Get(peers["owner"]->client->AddMembers(group->id, {"dan"}));
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added, std::vector<std::string>{"dan"});
  ASSERT_TRUE(Get(peers["owner"]->client->Rename(group->id, "Team 2")).ok());
  auto members = Get(late->client->Members(group->id));
  ASSERT_TRUE(members.ok()) << members.status().ToString();
  EXPECT_EQ(members->size(), 5u);
  ASSERT_TRUE(Get(late->client->Send(group->id, "hello from dan")).ok());
  for (const auto& u : users) {
    ASSERT_TRUE(WaitFor([&] { return peers[u]->CountOf(group->id) == users.size() + 1; }, kWait,
                        u + " receives dan's message"));
    EXPECT_EQ(peers[u]->Of(group->id).back().text, "hello from dan");
  }
  // Dan's device catches up on the history from before he joined, in order.
  ASSERT_TRUE(WaitFor([&] { return late->CountOf(group->id) == users.size() + 1; }, kWait,
                      "dan has the whole conversation"));
  EXPECT_EQ(late->Of(group->id).front().seq, 1);

  // Removing a member: the removed device drops the conversation.
  ASSERT_TRUE(Get(peers["owner"]->client->RemoveMember(group->id, "cid")).ok());
  ASSERT_TRUE(WaitFor(
      [&] {
        std::lock_guard<std::mutex> lock(peers["cid"]->mu);
        for (const auto& e : peers["cid"]->conversation_events) {
          if (e.removed_me) return true;
        }
        return false;
      },
      kWait, "cid learns he was removed"));
  auto refused = Get(peers["cid"]->client->Send(group->id, "still here?"));
  EXPECT_FALSE(refused.ok());
  EXPECT_FALSE(refused.status().IsRetryable()) << refused.status().ToString();
  EXPECT_EQ(*peers["cid"]->client->PendingSends(), 0u);
}

TEST_P(SdkChatTest, HistoryPagesBackwards) {
  MQCHAT_REQUIRE_SERVER();
  auto bob = Connect("bob");
  auto alice = Connect("alice");
  auto conv = Get(alice->client->OpenDirect("bob"));
  ASSERT_TRUE(conv.ok());
  std::vector<std::future<Result<Ack>>> acks;
  for (int i = 1; i <= 25; ++i) acks.push_back(alice->client->Send(conv->id, "m" + std::to_string(i)));
  for (auto& a : acks) ASSERT_TRUE(Get(std::move(a)).ok());

  auto newest = Get(bob->client->History(conv->id, HistoryQuery::Latest(10)));
  ASSERT_TRUE(newest.ok()) << newest.status().ToString();
  ASSERT_EQ(newest->messages.size(), 10u);
  EXPECT_TRUE(newest->has_more);
  EXPECT_EQ(newest->messages.front().seq, 16);
  EXPECT_EQ(newest->messages.back().text, "m25");
  auto older = Get(bob->client->History(conv->id, HistoryQuery::Before(16, 10)));
  ASSERT_TRUE(older.ok());
  EXPECT_EQ(older->messages.front().seq, 6);
  auto oldest = Get(bob->client->History(conv->id, HistoryQuery::Before(6, 10)));
  ASSERT_TRUE(oldest.ok());
  EXPECT_EQ(oldest->messages.size(), 5u);
  EXPECT_FALSE(oldest->has_more);

  // Refusals are not retryable and name the protocol error.
  auto bad = Get(alice->client->OpenDirect("alice"));
  EXPECT_FALSE(bad.ok());
  EXPECT_FALSE(bad.status().IsRetryable());
  auto empty = Get(alice->client->Send(conv->id, ""));
  EXPECT_EQ(empty.status().code(), Code::kInvalidArgument) << empty.status().ToString();
}

TEST_P(SdkChatTest, TypingAndPresenceReachContacts) {
  MQCHAT_REQUIRE_SERVER();
  auto bob = Connect("bob");
  auto alice = Connect("alice");
  auto conv = Get(alice->client->OpenDirect("bob"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();

  ASSERT_TRUE(Get(bob->client->SetTyping(conv->id, true)).ok());
  ASSERT_TRUE(WaitFor([&] { return alice->SawTyping("bob", true); }, kWait, "bob is typing"));

  // Every client gets its own user's presence without asking.
  ASSERT_TRUE(WaitFor([&] { return alice->PresenceOf("alice") == 1; }, kWait, "own presence"));
  Status watched = Get(alice->client->WatchPresence("bob"));
  ASSERT_TRUE(watched.ok()) << watched.ToString();
  ASSERT_TRUE(WaitFor([&] { return alice->PresenceOf("bob") == 1; }, kWait, "bob online"));
  bob->client->Disconnect();
  ASSERT_TRUE(WaitFor([&] { return alice->PresenceOf("bob") == 0; }, kWait, "bob offline"));
  // Strangers' presence stays private.
  auto carol = Connect("carol");
  EXPECT_FALSE(Get(carol->client->WatchPresence("alice")).ok());
}

MQCHAT_INSTANTIATE_FOR_STORES(SdkChatTest);

// The same client over the broker's WebSocket listener (ws://), as browsers and some mobile
// networks need.
class SdkWebSocketTest : public SdkChatTest {
 protected:
  void SetUp() override {
    ChatServerOptions opts;
    opts.store = GetParam();
    opts.plugin_opts = {{"jwt_hs256_secret", kTestJwtSecret}};
    opts.websockets = true;
    server_ = ChatServer::Create(std::move(opts));
    if (!server_) return;
    ASSERT_TRUE(server_->Start());
  }
};

TEST_P(SdkWebSocketTest, ChatsOverWebSockets) {
  MQCHAT_REQUIRE_SERVER();
  auto bob = Connect("bob");  // TCP
  auto options = ClientOptions::Builder()
                     .Server("ws://127.0.0.1:" + std::to_string(server_->broker().ws_port()))
                     .Token("alice", Token("alice"))
                     .Device("web")
                     .Build();
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  auto alice = Client::Create(*options);
  ASSERT_TRUE(alice.ok());
  Status connected = (*alice)->Connect();
  ASSERT_TRUE(connected.ok()) << connected.ToString();
  auto conv = Get((*alice)->OpenDirect("bob"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  ASSERT_TRUE(Get((*alice)->Send(conv->id, "over websockets")).ok());
  ASSERT_TRUE(WaitFor([&] { return bob->CountOf(conv->id) == 1; }, kWait, "bob gets it"));
  EXPECT_EQ(bob->Of(conv->id)[0].text, "over websockets");
}

INSTANTIATE_TEST_SUITE_P(Stores, SdkWebSocketTest, ::testing::Values(StoreKind::kSqlite),
                         StoreParamName);

}  // namespace
}  // namespace mqchat::test
