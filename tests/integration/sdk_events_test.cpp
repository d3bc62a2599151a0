// The SDK and the message events of issue 16 (docs/PROTOCOL.md, "Event kinds") over a real
// broker with the plugin, on SQLite and PostgreSQL: an edit, a deletion or a reaction never
// reaches the app or the cache as a new message; the cache holds every message in its current
// state exactly once, whether the events came live or by sync after time offline, and a restart
// of the SDK on the same cache shows the same.
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mqchat/client.h"
#include "protocol/ops.h"
#include "support/chat_fixture.h"
#include "support/temp_dir.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using protocol::Op;

constexpr auto kWait = std::chrono::seconds(20);
const std::string kThumbs = "\xF0\x9F\x91\x8D";  // U+1F44D

// One SDK client and the messages its OnMessage handler saw (callback thread -> test thread).
struct Peer {
  ~Peer() { client.reset(); }  // first: its destructor runs queued callbacks

  std::unique_ptr<Client> client;
  mutable std::mutex mu;
  std::vector<Message> messages;
  std::vector<MessageUpdate> updates;

  std::vector<Message> Messages() const {
    std::lock_guard<std::mutex> lock(mu);
    return messages;
  }
  std::vector<MessageUpdate> Updates() const {
    std::lock_guard<std::mutex> lock(mu);
    return updates;
  }
  std::vector<Message> Cached(int64_t conversation) const {
    auto cached = client->CachedMessages(conversation);
    EXPECT_TRUE(cached.ok()) << cached.status().ToString();
    return cached.ok() ? *cached : std::vector<Message>{};
  }
};

template <typename T>
T Get(std::future<T> f) {
  EXPECT_EQ(f.wait_for(kWait), std::future_status::ready) << "no result in time";
  return f.get();
}

class SdkEventsTest : public ChatFixture {
 protected:
  // A client on `user`'s cache for `device`, connected unless `connect` is false.
  std::unique_ptr<Peer> Connect(const std::string& user, const std::string& device = "sdk",
                                bool connect = true) {
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
    p->client->OnMessageUpdated([p](const MessageUpdate& u) {
      std::lock_guard<std::mutex> lock(p->mu);
      p->updates.push_back(u);
    });
    if (!connect) return peer;
    Status s = p->client->Connect();
    EXPECT_TRUE(s.ok()) << user << ": " << s.ToString();
    return peer;
  }
  static int64_t SeqOf(const ChatResponse& r) {
    return r.ok() ? (*r.body)["seq"].get<int64_t>() : 0;
  }

  TempDir dir_{"mqchat-sdk-events"};
};

// The live path: bob (a plain protocol client) edits and reacts while alice's SDK is online.
TEST_P(SdkEventsTest, LiveEditsAndReactionsAreNotNewMessages) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto bob = Login("bob", "raw");
  auto alice = Connect("alice");
  auto conv = Get(alice->client->OpenDirect("bob"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();

  ASSERT_EQ(SeqOf(bob->Send(conv->id, "helo", "m1")), 1);
  ASSERT_EQ(SeqOf(bob->Request(Op::kEdit, conv->id,
                               {{"client_msg_id", "e1"}, {"seq", 1}, {"text", "hello"}})),
            2);
  ASSERT_EQ(SeqOf(bob->Request(Op::kReact, conv->id,
                               {{"client_msg_id", "r1"}, {"seq", 1}, {"emoji", kThumbs}})),
            3);
  ASSERT_EQ(SeqOf(bob->Send(conv->id, "after", "m2")), 4);
  ASSERT_TRUE(WaitFor([&] { return alice->Messages().size() >= 2; }, kWait, "alice gets both"));
  // The last message is delivered after the events before it: nothing more can come.
  auto seen = alice->Messages();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].seq, 1);
  EXPECT_EQ(seen[1].seq, 4);
  auto cached = alice->client->CachedMessages(conv->id);
  ASSERT_TRUE(cached.ok()) << cached.status().ToString();
  ASSERT_EQ(cached->size(), 2u);
  EXPECT_EQ((*cached)[0].text, "hello");
  EXPECT_EQ((*cached)[1].text, "after");
}

// What every device of the conversation must show after bob's changes below, live or synced.
void ExpectCurrentState(const std::vector<Message>& cached, const std::string& me) {
  ASSERT_EQ(cached.size(), 3u) << "events are not messages";
  EXPECT_EQ(cached[0].seq, 1);
  EXPECT_EQ(cached[0].text, "hello");
  EXPECT_TRUE(cached[0].edited());
  ASSERT_EQ(cached[0].reactions.size(), 1u);
  EXPECT_EQ(cached[0].reactions[0].emoji, kThumbs);
  EXPECT_EQ(cached[0].reactions[0].count, 1);
  EXPECT_EQ(cached[0].reactions[0].mine, me == "bob");
  EXPECT_EQ(cached[1].seq, 2);
  EXPECT_TRUE(cached[1].deleted);
  EXPECT_EQ(cached[1].text, "");
  EXPECT_EQ(cached[2].text, "see above");
  EXPECT_EQ(cached[2].reply_to, 1);
  ASSERT_TRUE(cached[2].reply.has_value());
  EXPECT_EQ(cached[2].reply->sender, "bob");
  EXPECT_EQ(cached[2].reply->snippet, "hello");
}

// alice's device is offline while bob (with the SDK) edits, reacts, deletes and replies; when it
// comes back, sync brings each change once, in order, onto the cached messages; her unread count
// counts messages only; a restart on the same cache shows the same without the network.
TEST_P(SdkEventsTest, AnOfflineDeviceCatchesUpOnEveryChangeExactlyOnce) {
  MQCHAT_REQUIRE_SERVER();
  auto bob = Connect("bob");
  auto alice = Connect("alice");
  auto conv = Get(bob->client->OpenDirect("alice"));
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  const int64_t id = conv->id;
  ASSERT_TRUE(Get(bob->client->Send(id, "helo")).ok());
  ASSERT_TRUE(Get(bob->client->Send(id, "oops")).ok());
  ASSERT_TRUE(WaitFor([&] { return alice->Messages().size() == 2; }, kWait, "alice gets both"));
  alice.reset();  // offline

  auto edit = Get(bob->client->Edit(id, 1, "hello"));
  ASSERT_TRUE(edit.ok()) << edit.status().ToString();
  EXPECT_EQ(edit->seq, 3);
  ASSERT_TRUE(Get(bob->client->React(id, 1, kThumbs)).ok());
  ASSERT_TRUE(Get(bob->client->React(id, 1, "\xE2\x9D\xA4")).ok());
  ASSERT_TRUE(Get(bob->client->React(id, 1, "\xE2\x9D\xA4", /*remove=*/true)).ok());
  ASSERT_TRUE(Get(bob->client->Delete(id, 2)).ok());
  auto reply = Get(bob->client->Reply(id, 1, "see above"));
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->seq, 8);
  // bob's own device applied his changes from the acks.
  ASSERT_TRUE(WaitFor([&] { return bob->Updates().size() == 5; }, kWait, "bob's own updates"));
  ExpectCurrentState(bob->Cached(id), "bob");

  alice = Connect("alice");  // the same cache: sync from her cursor
  ASSERT_TRUE(WaitFor([&] { return !alice->Messages().empty(); }, kWait, "alice syncs"));
  auto seen = alice->Messages();
  ASSERT_EQ(seen.size(), 1u) << "only the reply is new";
  EXPECT_EQ(seen[0].seq, 8);
  auto updates = alice->Updates();  // delivered before the reply, in seq order
  ASSERT_EQ(updates.size(), 5u);
  EXPECT_EQ(updates[0].kind, MessageUpdate::Kind::kEdited);
  EXPECT_EQ(updates[0].message.text, "hello");
  EXPECT_EQ(updates[1].kind, MessageUpdate::Kind::kReacted);
  EXPECT_EQ(updates[2].kind, MessageUpdate::Kind::kReacted);
  EXPECT_EQ(updates[3].kind, MessageUpdate::Kind::kUnreacted);
  EXPECT_EQ(updates[4].kind, MessageUpdate::Kind::kDeleted);
  EXPECT_EQ(updates[4].message.seq, 2);
  ExpectCurrentState(alice->Cached(id), "alice");
  auto list = alice->client->CachedConversations();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].unread, 3) << "three messages; the five events are not unread";
  ASSERT_TRUE((*list)[0].last_message.has_value());
  EXPECT_EQ((*list)[0].last_message->seq, 8);

  // Refusals keep their codes: alice may not edit or delete bob's message.
  auto not_hers = Get(alice->client->Edit(id, 1, "mine now"));
  ASSERT_FALSE(not_hers.ok());
  EXPECT_EQ(not_hers.status().code(), Code::kPermissionDenied);
  EXPECT_NE(not_hers.status().message().find("NOT_AUTHOR"), std::string::npos);
  auto gone = Get(alice->client->React(id, 2, kThumbs));
  ASSERT_FALSE(gone.ok());
  EXPECT_NE(gone.status().message().find("MESSAGE_DELETED"), std::string::npos);
  EXPECT_EQ(*alice->client->PendingSends(), 0u);

  // A restart on the same cache, offline: the same messages, nothing delivered again.
  alice.reset();
  alice = Connect("alice", "sdk", /*connect=*/false);
  ExpectCurrentState(alice->Cached(id), "alice");
  EXPECT_TRUE(alice->Messages().empty());
}

MQCHAT_INSTANTIATE_FOR_STORES(SdkEventsTest);

}  // namespace
}  // namespace mqchat::test
