// Communities through the SDK (issue 18; mqchat/community.h) against a real broker, on SQLite
// and PostgreSQL: create a server, list servers and channels, make a channel and a role, invite
// and join (an invite of one use runs out), list members with their roles, a role granting
// manage_channels; and a text channel as a conversation: a member watching its topic receives a
// message live, once, through OnMessage and finds it in History, while an outsider can neither
// watch nor read it. A watched channel survives a broker restart (resubscribed, what was sent
// meanwhile comes once by sync); UnwatchChannel unsubscribes and is not undone by a reconnect.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "mqchat/client.h"
#include "support/chat_fixture.h"
#include "support/temp_dir.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

constexpr auto kWait = std::chrono::seconds(20);
constexpr std::chrono::milliseconds kDeliveryDeadline{15000};

// The value of a future, or a failure naming `what` if it does not come in time.
template <typename T>
T Get(std::future<T> f, const std::string& what) {
  if (f.wait_for(kWait) != std::future_status::ready) {
    ADD_FAILURE() << "no answer to " << what;
    return T(Status::Unavailable("no answer to " + what));
  }
  return f.get();
}

// One SDK client and the messages its OnMessage handler saw.
struct Peer {
  ~Peer() { client.reset(); }  // first: its destructor runs queued callbacks
  std::unique_ptr<Client> client;
  std::mutex mu;
  std::vector<Message> messages;

  size_t CountIn(int64_t conversation) {
    std::lock_guard<std::mutex> lock(mu);
    size_t n = 0;
    for (const auto& m : messages) n += m.conversation_id == conversation ? 1 : 0;
    return n;
  }
  // How many times OnMessage saw `text` in `conversation`.
  size_t Seen(int64_t conversation, const std::string& text) {
    std::lock_guard<std::mutex> lock(mu);
    size_t n = 0;
    for (const auto& m : messages) n += m.conversation_id == conversation && m.text == text;
    return n;
  }
};

class SdkCommunitiesTest : public ChatFixture {
 protected:
  // `fast_reconnect`: back on within a few hundred ms of a broker's return.
  std::unique_ptr<Peer> Connect(const std::string& user, bool fast_reconnect = false) {
    auto peer = std::make_unique<Peer>();
    auto builder = ClientOptions::Builder();
    builder.Server("tcp://127.0.0.1:" + std::to_string(server_->port()))
        .Token(user, Token(user))
        .Device("communities")
        .CachePath(dir_.File(user + ".db"))
        .RequestTimeout(std::chrono::seconds(30));
    if (fast_reconnect) {
      builder.AutoReconnect(true, std::chrono::milliseconds(20), std::chrono::milliseconds(300))
          .ConnectTimeout(std::chrono::seconds(5));
    }
    auto options = builder.Build();
    EXPECT_TRUE(options.ok()) << options.status().ToString();
    auto client = Client::Create(*options);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    if (!client.ok()) return peer;
    peer->client = std::move(*client);
    Peer* p = peer.get();
    p->client->OnMessage([p](const Message& m) {
      std::lock_guard<std::mutex> lock(p->mu);
      p->messages.push_back(m);
    });
    Status s = p->client->Connect();
    EXPECT_TRUE(s.ok()) << user << ": " << s.ToString();
    return peer;
  }

  // A server of `owner`'s that `members` joined with one invite: the server and its "general".
  std::pair<Server, Channel> Guild(Client& owner, const std::vector<Client*>& members) {
    auto server = Get(owner.CreateServer("Guild"), "server_create");
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    if (!server.ok()) return {};
    auto invite = Get(owner.CreateInvite(server->id), "invite_create");
    EXPECT_TRUE(invite.ok()) << invite.status().ToString();
    for (Client* m : members) {
      auto joined = Get(m->JoinServer(invite.ok() ? invite->code : ""), "invite_join");
      EXPECT_TRUE(joined.ok()) << joined.status().ToString();
    }
    auto channels = Get(owner.Channels(server->id), "channels");
    EXPECT_TRUE(channels.ok() && !channels->empty()) << channels.status().ToString();
    if (!channels.ok() || channels->empty()) return {*server, {}};
    return {*server, channels->front()};
  }

  TempDir dir_{"mqchat-sdk-communities"};
};

TEST_P(SdkCommunitiesTest, ServersChannelsRolesAndInvites) {
  auto alice = Connect("alice");
  auto bob = Connect("bob");
  auto carol = Connect("carol");
  auto dave = Connect("dave");
  ASSERT_TRUE(alice->client && bob->client && carol->client && dave->client);

  auto server = Get(alice->client->CreateServer("Readers"), "server_create");
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  EXPECT_EQ(server->name, "Readers");
  EXPECT_EQ(server->owner, "alice");
  EXPECT_GT(server->everyone_role_id, 0);
  EXPECT_EQ(server->member_count, 1);

  auto listed = Get(alice->client->Servers(), "servers");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, server->id);

  auto channels = Get(alice->client->Channels(server->id), "channels");
  ASSERT_TRUE(channels.ok()) << channels.status().ToString();
  ASSERT_EQ(channels->size(), 1u);
  EXPECT_EQ(channels->front().name, "general");
  EXPECT_EQ(channels->front().type, "text");
  EXPECT_EQ(channels->front().server_id, server->id);

  ChannelOptions news;
  news.name = "news";
  news.topic = "what is new";
  auto made = Get(alice->client->CreateChannel(server->id, news), "channel_create");
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(made->name, "news");
  EXPECT_EQ(made->topic, "what is new");

  // An invite of one use: bob joins, carol finds it used up.
  InviteOptions once;
  once.max_uses = 1;
  auto invite = Get(alice->client->CreateInvite(server->id, once), "invite_create");
  ASSERT_TRUE(invite.ok()) << invite.status().ToString();
  EXPECT_EQ(invite->server_id, server->id);
  EXPECT_EQ(invite->max_uses, 1);
  auto joined = Get(bob->client->JoinServer(invite->code), "invite_join");
  ASSERT_TRUE(joined.ok()) << joined.status().ToString();
  EXPECT_EQ(joined->id, server->id);
  EXPECT_EQ(joined->member_count, 2);
  auto late = Get(carol->client->JoinServer(invite->code), "invite_join");
  EXPECT_EQ(late.status().code(), Code::kFailedPrecondition) << late.status().ToString();
  // Dave is not a member: the server's channels are NOT_MEMBER to him.
  auto outsider = Get(dave->client->Channels(server->id), "channels");
  EXPECT_EQ(outsider.status().code(), Code::kPermissionDenied) << outsider.status().ToString();

  // Bob may not make channels until a role lets him.
  ChannelOptions bobs;
  bobs.name = "bobs";
  auto refused = Get(bob->client->CreateChannel(server->id, bobs), "channel_create");
  EXPECT_EQ(refused.status().code(), Code::kPermissionDenied) << refused.status().ToString();
  auto role = Get(alice->client->CreateRole(server->id, "builders", permission::kManageChannels),
                  "role_create");
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  EXPECT_EQ(role->permissions, permission::kManageChannels);
  Status assigned = Get(alice->client->AssignRole(role->id, "bob"), "role_assign");
  ASSERT_TRUE(assigned.ok()) << assigned.ToString();
  auto roles = Get(alice->client->Roles(server->id), "roles");
  ASSERT_TRUE(roles.ok()) << roles.status().ToString();
  EXPECT_EQ(roles->size(), 2u);  // @everyone and builders
  auto members = Get(alice->client->ServerMembers(server->id), "server_members");
  ASSERT_TRUE(members.ok()) << members.status().ToString();
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ(members->at(0).user, "alice");
  EXPECT_TRUE(members->at(0).owner);
  EXPECT_EQ(members->at(1).user, "bob");
  EXPECT_EQ(members->at(1).role_ids, std::vector<int64_t>{role->id});
  auto allowed = Get(bob->client->CreateChannel(server->id, bobs), "channel_create");
  ASSERT_TRUE(allowed.ok()) << allowed.status().ToString();
  auto bob_view = Get(bob->client->Channels(server->id), "channels");
  ASSERT_TRUE(bob_view.ok()) << bob_view.status().ToString();
  EXPECT_EQ(bob_view->size(), 3u);

  Status left = Get(bob->client->LeaveServer(server->id), "server_leave");
  EXPECT_TRUE(left.ok()) << left.ToString();
  auto after = Get(bob->client->Servers(), "servers");
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
}

TEST_P(SdkCommunitiesTest, ChannelMessagesLiveOnceAndInHistory) {
  auto alice = Connect("alice");
  auto bob = Connect("bob");
  auto mallory = Connect("mallory");
  ASSERT_TRUE(alice->client && bob->client && mallory->client);
  const Channel general = Guild(*alice->client, {bob->client.get()}).second;
  ASSERT_GT(general.id, 0);

  // Listing servers after connecting lets the broker load bob's channel access first.
  ASSERT_TRUE(Get(bob->client->Servers(), "servers").ok());
  Status watched = Get(bob->client->WatchChannel(general.id), "watch");
  ASSERT_TRUE(watched.ok()) << watched.ToString();
  ASSERT_TRUE(Get(mallory->client->Servers(), "servers").ok());
  Status spied = Get(mallory->client->WatchChannel(general.id), "watch");
  EXPECT_EQ(spied.code(), Code::kPermissionDenied) << spied.ToString();

  auto ack = Get(alice->client->Send(general.id, "hello channel"), "send");
  ASSERT_TRUE(ack.ok()) << ack.status().ToString();
  EXPECT_EQ(ack->seq, 1);
  ASSERT_TRUE(WaitFor([&] { return bob->CountIn(general.id) >= 1; }, kDeliveryDeadline,
                      "bob to receive the channel message"));
  // Bob answers in the channel; his own copy and alice's count once each.
  auto reply = Get(bob->client->Send(general.id, "hi alice"), "send");
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->seq, 2);

  auto page = Get(bob->client->History(general.id, HistoryQuery::Latest()), "history");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->messages.size(), 2u);
  EXPECT_EQ(page->messages[0].text, "hello channel");
  EXPECT_EQ(page->messages[0].sender, "alice");
  EXPECT_EQ(page->messages[1].text, "hi alice");
  {
    std::lock_guard<std::mutex> lock(bob->mu);
    ASSERT_GE(bob->messages.size(), 1u);
    EXPECT_EQ(bob->messages[0].text, "hello channel");
    EXPECT_EQ(bob->messages[0].seq, 1);
  }
  // Each once: alice's live, then his own send (live on the topic too, dropped by seq).
  EXPECT_TRUE(WaitFor([&] { return bob->CountIn(general.id) == 2; }, kDeliveryDeadline,
                      "bob's own message"));
  auto again = Get(bob->client->Send(general.id, "third"), "send");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  ASSERT_TRUE(WaitFor([&] { return bob->CountIn(general.id) >= 3; }, kDeliveryDeadline,
                      "bob's third message"));
  EXPECT_EQ(bob->CountIn(general.id), 3u);

  auto stolen = Get(mallory->client->History(general.id, HistoryQuery::Latest()), "history");
  EXPECT_EQ(stolen.status().code(), Code::kPermissionDenied) << stolen.status().ToString();
  EXPECT_EQ(mallory->CountIn(general.id), 0u);
}

TEST_P(SdkCommunitiesTest, WatchedChannelSurvivesARestartAndUnwatchHolds) {
  MQCHAT_REQUIRE_SERVER();
  auto alice = Connect("alice", /*fast_reconnect=*/true);
  auto bob = Connect("bob", /*fast_reconnect=*/true);
  ASSERT_TRUE(alice->client && bob->client);
  const Channel general = Guild(*alice->client, {bob->client.get()}).second;
  ASSERT_GT(general.id, 0);
  auto dm = Get(alice->client->OpenDirect("bob"), "open_direct");
  ASSERT_TRUE(dm.ok()) << dm.status().ToString();
  ASSERT_TRUE(Get(bob->client->Servers(), "servers").ok());
  ASSERT_TRUE(Get(bob->client->WatchChannel(general.id), "watch").ok());
  ASSERT_TRUE(Get(alice->client->Send(general.id, "before"), "send").ok());
  ASSERT_TRUE(WaitFor([&] { return bob->Seen(general.id, "before") == 1; }, kDeliveryDeadline,
                      "the message before the restart"));
  auto online = [](Peer& p) { return p.client->state() == ConnectionState::kOnline; };

  // The broker dies; alice's sends wait in her outbox and are stored once it is back.
  server_->broker().Kill();
  ASSERT_TRUE(WaitFor([&] { return !online(*alice) && !online(*bob); }, kDeliveryDeadline,
                      "both clients notice the broker is gone"));
  std::vector<std::future<Result<Ack>>> acks;
  for (const char* text : {"away 1", "away 2", "away 3"}) {
    acks.push_back(alice->client->Send(general.id, text));
  }
  ASSERT_TRUE(server_->broker().Start());
  for (auto& a : acks) {
    auto acked = Get(std::move(a), "send while down");
    ASSERT_TRUE(acked.ok()) << acked.status().ToString();
  }
  // bob's reconnect lists his servers, resubscribes and syncs: each missed message once.
  ASSERT_TRUE(WaitFor(
      [&] { return bob->Seen(general.id, "away 1") + bob->Seen(general.id, "away 3") >= 2; },
      kDeliveryDeadline, "bob's sync after the restart"));
  // Sent after that sync: only the renewed subscription brings it.
  ASSERT_TRUE(Get(alice->client->Send(general.id, "after"), "send").ok());
  ASSERT_TRUE(WaitFor([&] { return bob->Seen(general.id, "after") == 1; }, kDeliveryDeadline,
                      "a live message after the restart"));
  for (const char* text : {"before", "away 1", "away 2", "away 3", "after"}) {
    EXPECT_EQ(bob->Seen(general.id, text), 1u) << text;
  }

  // Unwatched: nothing live any more. A direct message sent after the channel's is the marker
  // (one connection, in order).
  ASSERT_TRUE(Get(bob->client->UnwatchChannel(general.id), "unwatch").ok());
  ASSERT_TRUE(Get(alice->client->Send(general.id, "unwatched"), "send").ok());
  ASSERT_TRUE(Get(alice->client->Send(dm->id, "marker 1"), "send").ok());
  ASSERT_TRUE(WaitFor([&] { return bob->Seen(dm->id, "marker 1") == 1; }, kDeliveryDeadline,
                      "the first marker"));
  EXPECT_EQ(bob->Seen(general.id, "unwatched"), 0u);

  // Nor after a reconnect: not subscribed again (the channel stays readable by History).
  server_->broker().Kill();
  ASSERT_TRUE(WaitFor([&] { return !online(*bob); }, kDeliveryDeadline, "bob offline"));
  ASSERT_TRUE(server_->broker().Start());
  ASSERT_TRUE(
      WaitFor([&] { return online(*alice) && online(*bob); }, kDeliveryDeadline, "both back"));
  ASSERT_TRUE(Get(bob->client->Servers(), "servers").ok());  // his channel access loaded
  ASSERT_TRUE(Get(alice->client->Send(general.id, "still unwatched"), "send").ok());
  ASSERT_TRUE(Get(alice->client->Send(dm->id, "marker 2"), "send").ok());
  ASSERT_TRUE(WaitFor([&] { return bob->Seen(dm->id, "marker 2") == 1; }, kDeliveryDeadline,
                      "the second marker"));
  EXPECT_EQ(bob->Seen(general.id, "still unwatched"), 0u);
  auto page = Get(bob->client->History(general.id, HistoryQuery::Latest()), "history");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_FALSE(page->messages.empty());
  EXPECT_EQ(page->messages.back().text, "still unwatched");
}

// Typing in a text channel: SetTyping with the channel's id; a member watching the channel
// gets it through OnTyping (it comes on the channel's topic), an outsider's SetTyping fails.
TEST_P(SdkCommunitiesTest, TypingInAChannelReachesAWatchingMember) {
  auto alice = Connect("alice");
  auto bob = Connect("bob");
  auto mallory = Connect("mallory");
  ASSERT_TRUE(alice->client && bob->client && mallory->client);
  std::mutex mu;
  std::vector<TypingEvent> typing;
  bob->client->OnTyping([&](const TypingEvent& e) {
    std::lock_guard<std::mutex> lock(mu);
    typing.push_back(e);
  });
  const auto [server, general] = Guild(*alice->client, {bob->client.get()});
  ASSERT_TRUE(Get(bob->client->WatchChannel(general.id), "watch").ok());

  Status typed = Get(alice->client->SetTyping(general.id, true), "typing");
  ASSERT_TRUE(typed.ok()) << typed.ToString();
  WaitFor(
      [&] {
        std::lock_guard<std::mutex> lock(mu);
        return !typing.empty();
      },
      kDeliveryDeadline, "bob's OnTyping in the channel");
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_FALSE(typing.empty());
    EXPECT_EQ(typing.front().conversation_id, general.id);
    EXPECT_EQ(typing.front().user, "alice");
    EXPECT_TRUE(typing.front().typing);
  }
  Status spied = Get(mallory->client->SetTyping(general.id, true), "typing");
  EXPECT_EQ(spied.code(), Code::kPermissionDenied) << spied.ToString();  // NOT_MEMBER
}

// Slow mode of a text channel through the SDK: the owner sets it, Channels() carries it, a
// member may not set it, and a member's second send within the interval is held by the outbox
// and stored after the interval, once and in order.
TEST_P(SdkCommunitiesTest, SlowModeOfAChannel) {
  auto alice = Connect("alice");
  auto bob = Connect("bob");
  ASSERT_TRUE(alice->client && bob->client);
  const auto [server, general] = Guild(*alice->client, {bob->client.get()});
  EXPECT_EQ(general.slow_mode_s, 0);

  Status refused = Get(bob->client->SetSlowMode(general.id, 2), "set_slow_mode");
  EXPECT_EQ(refused.code(), Code::kPermissionDenied) << refused.ToString();  // FORBIDDEN
  Status set = Get(alice->client->SetSlowMode(general.id, 2), "set_slow_mode");
  ASSERT_TRUE(set.ok()) << set.ToString();
  auto channels = Get(bob->client->Channels(server.id), "channels");
  ASSERT_TRUE(channels.ok()) << channels.status().ToString();
  ASSERT_FALSE(channels->empty());
  EXPECT_EQ(channels->front().slow_mode_s, 2);

  auto first = bob->client->Send(general.id, "first");
  auto second = bob->client->Send(general.id, "second");  // paced: resent after the wait
  auto a1 = Get(std::move(first), "send first");
  auto a2 = Get(std::move(second), "send second");
  ASSERT_TRUE(a1.ok()) << a1.status().ToString();
  ASSERT_TRUE(a2.ok()) << a2.status().ToString();
  EXPECT_LT(a1->seq, a2->seq);
  auto page = Get(alice->client->History(general.id, HistoryQuery::Latest()), "history");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  std::map<int64_t, std::string> by_seq;
  for (const auto& m : page->messages) by_seq[m.seq] = m.text;
  std::vector<std::string> texts;
  for (const auto& [seq, text] : by_seq) texts.push_back(text);
  EXPECT_EQ(texts, (std::vector<std::string>{"first", "second"}));
}

MQCHAT_INSTANTIATE_FOR_STORES(SdkCommunitiesTest);

}  // namespace
}  // namespace mqchat::test
