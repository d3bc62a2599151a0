// Push notifications end to end (docs/PROTOCOL.md section 7): a real broker with the plugin, both
// stores, and a push gateway played by HttpTestServer on loopback. Jobs are checked in the store
// itself (PushStore::ListJobs over a connection of the test's own), so "no notification" is
// asserted as "no job was recorded with the message", not as a quiet period.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "protocol/topics.h"
#include "store/push_store.h"
#include "store/store_factory.h"
#include "support/chat_fixture.h"
#include "support/http_test_server.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using std::chrono::seconds;

class PushTest : public ChatFixture {
 protected:
  void SetUp() override {
    gateway_ = std::make_unique<HttpTestServer>();
    ChatFixture::SetUp();
  }

  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"push_gateway_url", gateway_->Url()},
            {"push_timeout_ms", "2000"},
            {"push_backoff_base_ms", "20"},
            {"push_backoff_max_ms", "200"},
            {"push_max_attempts", std::to_string(MaxAttempts())},
            {"push_app_id", "com.example.chat"}};
  }
  virtual int MaxAttempts() const { return 1000; }

  // Registers `token` as the push target of the client's device.
  void RegisterPush(ChatTestClient& client, const std::string& token,
                    const std::string& platform = "fcm") {
    auto r =
        client.Request(protocol::Op::kPushRegister, 0, {{"platform", platform}, {"token", token}});
    ASSERT_TRUE(r.ok()) << r.Describe();
  }

  // Logs `user` in on `device`, registers `token` for it and leaves: the user is then offline
  // with a push target.
  void OfflineWithToken(const std::string& user, const std::string& token,
                        const std::string& device = "phone") {
    auto client = Login(user, device);
    RegisterPush(*client, token);
    client->Disconnect();
  }

  // The test's own view of the store's push tables.
  store::PushStore& Store() {
    if (!store_) {
      const auto args = server_->CtlStoreArgs();
      store::StoreConfig config;
      if (args[0] == "--sqlite") {
        config.sqlite_path = args[1];
      } else {
        config.backend = store::Backend::kPostgres;
        config.pg_conninfo = args[1];
      }
      auto opened = store::OpenPushStore(config);
      EXPECT_TRUE(opened.ok()) << opened.status().ToString();
      if (opened.ok()) store_ = std::move(opened).value();
    }
    return *store_;
  }

  std::vector<store::PushJob> Jobs(const std::string& user) {
    auto jobs = Store().ListJobs(user);
    EXPECT_TRUE(jobs.ok()) << jobs.status().ToString();
    return jobs.ok() ? *jobs : std::vector<store::PushJob>{};
  }

  // True once `user` has `n` jobs and none is pending.
  bool AllFinished(const std::string& user, size_t n) {
    auto jobs = Jobs(user);
    if (jobs.size() != n) return false;
    for (const auto& job : jobs) {
      if (job.state == store::PushJobState::kPending) return false;
    }
    return true;
  }

  // Gateway requests carrying `token`; with `ok_only`, only those answered 2xx.
  std::vector<json> Notifications(const std::string& token, bool ok_only = true) {
    std::vector<json> out;
    for (const auto& ex : gateway_->Exchanges()) {
      const auto tokens = NotificationTokens(ex.request.json);
      if (std::find(tokens.begin(), tokens.end(), token) == tokens.end()) continue;
      if (ok_only && (ex.reply.status < 200 || ex.reply.status >= 300)) continue;
      out.push_back(ex.request.json["notification"]);
    }
    return out;
  }

  std::unique_ptr<HttpTestServer> gateway_;
  store::PushStorePtr store_;
};

TEST_P(PushTest, OfflineMemberGetsOneNotificationOnlineMemberNone) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob", "carol"});
  OfflineWithToken("carol", "tok-carol");
  auto bob = Login("bob", "phone");  // online, and with a push target too
  RegisterPush(*bob, "tok-bob");
  auto alice = Login("alice");
  const int64_t conv = alice->CreateGroup("Team", {"bob", "carol"});
  ASSERT_GT(conv, 0);

  ASSERT_TRUE(alice->Send(conv, "hello carol", "m1").ok());
  EXPECT_EQ(bob->WaitMessages(conv, 1).size(), 1u) << "bob gets it live";
  ASSERT_TRUE(WaitFor([&] { return AllFinished("carol", 1); }, seconds(60), "carol's job done"));

  const auto sent = Notifications("tok-carol");
  ASSERT_EQ(sent.size(), 1u);
  const json& n = sent[0];
  EXPECT_EQ(n["room_id"], std::to_string(conv));
  EXPECT_EQ(n["event_id"], std::to_string(conv) + ":1");
  EXPECT_EQ(n["type"], "mqchat.message");
  EXPECT_EQ(n["sender"], "alice");
  EXPECT_EQ(n["user"], "carol");
  EXPECT_EQ(n["counts"]["unread"], 1);
  EXPECT_EQ(n["counts"]["messages"], 1);
  EXPECT_EQ(n["content"]["body"], "hello carol");
  ASSERT_EQ(n["devices"].size(), 1u);
  EXPECT_EQ(n["devices"][0]["app_id"], "com.example.chat");
  EXPECT_EQ(n["devices"][0]["platform"], "fcm");
  EXPECT_EQ(n["devices"][0]["data"]["device_id"], "phone");
  EXPECT_EQ(Jobs("carol")[0].state, store::PushJobState::kDelivered);

  EXPECT_TRUE(Jobs("bob").empty()) << "bob was online: no job";
  EXPECT_TRUE(Jobs("alice").empty()) << "the sender gets no job";
  EXPECT_TRUE(Notifications("tok-bob", /*ok_only=*/false).empty());
  EXPECT_EQ(gateway_->RequestCount(), 1u);
}

TEST_P(PushTest, MutedConversationGetsNoneUntilUnmuted) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "carol", "dave"});
  auto alice = Login("alice");
  const int64_t conv = alice->OpenDirect("carol");
  ASSERT_GT(conv, 0);
  {
    auto carol = Login("carol", "phone");
    RegisterPush(*carol, "tok-carol");
    auto muted = carol->Request(protocol::Op::kMute, conv, {{"until_ms", -1}});
    ASSERT_TRUE(muted.ok()) << muted.Describe();
    EXPECT_EQ((*muted.body)["conversation_id"], std::to_string(conv));
    EXPECT_EQ((*muted.body)["until_ms"], -1);
    carol->Disconnect();
  }
  auto dave = Login("dave");
  auto stranger = dave->Request(protocol::Op::kMute, conv, {{"until_ms", -1}});
  EXPECT_EQ(stranger.error_code(), "NOT_MEMBER") << stranger.Describe();

  // The job would have been written in the message's transaction, before the ack.
  ASSERT_TRUE(alice->Send(conv, "while muted", "m1").ok());
  EXPECT_TRUE(Jobs("carol").empty());

  {
    auto carol = Login("carol", "phone");
    auto unmuted = carol->Request(protocol::Op::kMute, conv, {{"until_ms", 0}});
    ASSERT_TRUE(unmuted.ok()) << unmuted.Describe();
    carol->Disconnect();
  }
  // A job is recorded only for a member with no device online when the send is planned. Carol's
  // DISCONNECT is in the broker's socket buffer once Disconnect returns, but the broker may read
  // alice's next publish first in the same loop iteration (failed once under load): one round
  // trip of alice's, answered, means the broker has read carol's DISCONNECT too.
  auto barrier = alice->Request(protocol::Op::kConversations, 0, json::object());
  ASSERT_TRUE(barrier.ok()) << barrier.Describe();
  ASSERT_TRUE(alice->Send(conv, "after unmute", "m2").ok());
  ASSERT_TRUE(WaitFor([&] { return AllFinished("carol", 1); }, seconds(60), "carol's job done"));
  const auto sent = Notifications("tok-carol");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["content"]["body"], "after unmute");
  EXPECT_EQ(sent[0]["counts"]["messages"], 1);
  // The badge counts the conversation again, with the message sent while it was muted.
  EXPECT_EQ(sent[0]["counts"]["unread"], 2);
}

TEST_P(PushTest, GatewayErrorsAreRetriedUntilItSucceeds) {
  MQCHAT_REQUIRE_SERVER();
  gateway_->FailNext(3, 500);
  Register({"alice", "carol"});
  OfflineWithToken("carol", "tok-carol");
  auto alice = Login("alice");
  const int64_t conv = alice->OpenDirect("carol");
  ASSERT_TRUE(alice->Send(conv, "hi", "m1").ok());
  ASSERT_TRUE(WaitFor([&] { return AllFinished("carol", 1); }, seconds(60), "carol's job done"));

  const auto all = Notifications("tok-carol", /*ok_only=*/false);
  ASSERT_EQ(all.size(), 4u) << "three failures, then the success";
  for (const auto& n : all) EXPECT_EQ(n["event_id"], all[0]["event_id"]) << "same event each try";
  EXPECT_EQ(Notifications("tok-carol").size(), 1u);
  const auto jobs = Jobs("carol");
  EXPECT_EQ(jobs[0].state, store::PushJobState::kDelivered);
  EXPECT_EQ(jobs[0].attempts, 3);
}

TEST_P(PushTest, TokensTheGatewayRejectsGetNoMoreJobs) {
  MQCHAT_REQUIRE_SERVER();
  gateway_->RejectToken("tok-rejected");       // 200 {"rejected":["tok-rejected"]}
  gateway_->AnswerTokenWith("tok-gone", 410);  // 410 Gone
  Register({"alice", "carol", "erin"});
  OfflineWithToken("carol", "tok-rejected");
  OfflineWithToken("erin", "tok-gone");
  auto alice = Login("alice");
  const int64_t conv = alice->CreateGroup("Team", {"carol", "erin"});
  ASSERT_TRUE(alice->Send(conv, "first", "m1").ok());
  ASSERT_TRUE(WaitFor([&] { return AllFinished("carol", 1) && AllFinished("erin", 1); },
                      seconds(60), "both jobs done"));
  for (const char* user : {"carol", "erin"}) {
    const auto jobs = Jobs(user);
    EXPECT_EQ(jobs[0].state, store::PushJobState::kDead) << user;
    EXPECT_FALSE(jobs[0].last_error.empty()) << user;
    auto targets = Store().TargetsOf(user);
    ASSERT_TRUE(targets.ok());
    EXPECT_TRUE(targets->empty()) << user << "'s token was deleted";
  }

  ASSERT_TRUE(alice->Send(conv, "second", "m2").ok());
  EXPECT_EQ(Jobs("carol").size(), 1u) << "no job without a valid token";
  EXPECT_EQ(Jobs("erin").size(), 1u);
  EXPECT_EQ(Notifications("tok-rejected", false).size(), 1u);
  EXPECT_EQ(Notifications("tok-gone", false).size(), 1u);
}

TEST_P(PushTest, ABurstOfTwentyCollapsesIntoOneNotification) {
  MQCHAT_REQUIRE_SERVER();
  // The gateway refuses (503, retryable) anything but the notification of the whole burst, so
  // the test does not depend on how fast the worker is: earlier attempts fail and are retried
  // with whatever the job holds by then.
  gateway_->SetHandler([](const HttpRequest& request, size_t) {
    HttpReply reply;
    const bool whole = request.json.is_object() && request.json.contains("notification") &&
                       request.json.at("notification").value("last_seq", 0) == 20;
    reply.status = whole ? 200 : 503;
    if (whole) reply.body = R"({"rejected":[]})";
    return reply;
  });
  Register({"alice", "carol"});
  OfflineWithToken("carol", "tok-carol");
  auto alice = Login("alice");
  const int64_t conv = alice->OpenDirect("carol");
  for (int i = 1; i <= 20; ++i) {
    ASSERT_TRUE(alice->Send(conv, "m" + std::to_string(i), "b" + std::to_string(i)).ok());
  }
  ASSERT_TRUE(WaitFor([&] { return AllFinished("carol", 1); }, seconds(60), "carol's job done"));
  const auto sent = Notifications("tok-carol");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["counts"]["unread"], 20);
  EXPECT_EQ(sent[0]["counts"]["messages"], 20);
  EXPECT_EQ(sent[0]["first_seq"], 1);
  EXPECT_EQ(sent[0]["last_seq"], 20);
  EXPECT_EQ(sent[0]["content"]["body"], "m20");
  EXPECT_EQ(Jobs("carol").size(), 1u);
}

TEST_P(PushTest, PreviewCanBeTurnedOff) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "carol"});
  {
    auto carol = Login("carol", "phone");
    RegisterPush(*carol, "tok-carol");
    auto r = carol->Request(protocol::Op::kPushSettings, 0, {{"preview", false}});
    ASSERT_TRUE(r.ok()) << r.Describe();
    EXPECT_EQ((*r.body)["preview"], false);
    carol->Disconnect();
  }
  auto alice = Login("alice");
  const int64_t conv = alice->OpenDirect("carol");
  ASSERT_TRUE(alice->Send(conv, "private", "m1").ok());
  ASSERT_TRUE(WaitFor([&] { return AllFinished("carol", 1); }, seconds(60), "carol's job done"));
  const auto sent = Notifications("tok-carol");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_FALSE(sent[0].contains("content"));
  EXPECT_FALSE(Jobs("carol")[0].preview_text.has_value()) << "the text is not stored either";
}

TEST_P(PushTest, RegisterAndUnregisterAnswerPerDevice) {
  MQCHAT_REQUIRE_SERVER();
  Register({"carol"});
  auto carol = Login("carol", "tablet");
  auto r = carol->Request(protocol::Op::kPushRegister, 0,
                          {{"platform", "webpush"}, {"token", "https://push.example/x"}});
  ASSERT_TRUE(r.ok()) << r.Describe();
  EXPECT_EQ((*r.body)["device"], "tablet");
  EXPECT_EQ((*r.body)["platform"], "webpush");
  auto bad = carol->Request(protocol::Op::kPushRegister, 0, {{"platform", "sms"}, {"token", "x"}});
  EXPECT_EQ(bad.error_code(), "BAD_REQUEST") << bad.Describe();
  auto targets = Store().TargetsOf("carol");
  ASSERT_TRUE(targets.ok());
  ASSERT_EQ(targets->size(), 1u);
  EXPECT_EQ((*targets)[0].device_id, "tablet");

  auto gone = carol->Request(protocol::Op::kPushUnregister, 0, json::object());
  ASSERT_TRUE(gone.ok()) << gone.Describe();
  EXPECT_EQ((*gone.body)["removed"], true);
  auto again = carol->Request(protocol::Op::kPushUnregister, 0, json::object());
  ASSERT_TRUE(again.ok()) << again.Describe();
  EXPECT_EQ((*again.body)["removed"], false);
  EXPECT_TRUE(Store().TargetsOf("carol")->empty());
}

TEST_P(PushTest, PendingJobsSurviveSigkillAndAreDeliveredOnceEach) {
  MQCHAT_REQUIRE_SERVER();
  gateway_->RespondWith(503);  // every attempt fails (retryably) until the restart
  Register({"alice", "bob", "carol"});
  OfflineWithToken("carol", "tok-carol");
  auto alice = Login("alice");
  const std::vector<int64_t> convs = {alice->OpenDirect("carol"),
                                      alice->CreateGroup("One", {"bob", "carol"}),
                                      alice->CreateGroup("Two", {"carol"})};
  for (size_t i = 0; i < convs.size(); ++i) {
    ASSERT_TRUE(alice->Send(convs[i], "before the crash", "k" + std::to_string(i)).ok());
  }
  // Every job has been tried and has failed at least once: they are pending in the store.
  ASSERT_TRUE(WaitFor(
      [&] {
        std::set<std::string> tried;
        for (const auto& n : Notifications("tok-carol", false)) {
          tried.insert(n["room_id"].get<std::string>());
        }
        return tried.size() == convs.size();
      },
      seconds(60), "a failed attempt per job"));
  alice.reset();
  server_->broker().Kill();
  for (const auto& job : Jobs("carol")) EXPECT_EQ(job.state, store::PushJobState::kPending);

  gateway_->RespondWith(200);
  ASSERT_TRUE(server_->broker().Start());
  ASSERT_TRUE(WaitFor([&] { return AllFinished("carol", convs.size()); }, seconds(60),
                      "every job delivered after the restart"));
  std::map<std::string, int> delivered;
  for (const auto& n : Notifications("tok-carol")) {
    ++delivered[n["room_id"].get<std::string>()];
    // The badge: carol's total over the three conversations, whichever round delivered it.
    EXPECT_EQ(n["counts"]["unread"], 3) << n.dump();
    EXPECT_EQ(n["counts"]["messages"], 1) << n.dump();
  }
  ASSERT_EQ(delivered.size(), convs.size());
  for (int64_t conv : convs) EXPECT_EQ(delivered[std::to_string(conv)], 1) << conv;
  for (const auto& job : Jobs("carol")) EXPECT_EQ(job.state, store::PushJobState::kDelivered);
}

MQCHAT_INSTANTIATE_FOR_STORES(PushTest);

// A gateway that never recovers: jobs are dead-lettered with the reason.
class PushDeadLetterTest : public PushTest {
 protected:
  int MaxAttempts() const override { return 3; }
};

TEST_P(PushDeadLetterTest, JobsThatKeepFailingAreDeadLettered) {
  MQCHAT_REQUIRE_SERVER();
  gateway_->RespondWith(500);
  Register({"alice", "carol"});
  OfflineWithToken("carol", "tok-carol");
  auto alice = Login("alice");
  const int64_t conv = alice->OpenDirect("carol");
  ASSERT_TRUE(alice->Send(conv, "hi", "m1").ok());
  ASSERT_TRUE(WaitFor([&] { return AllFinished("carol", 1); }, seconds(60), "carol's job done"));
  const auto jobs = Jobs("carol");
  EXPECT_EQ(jobs[0].state, store::PushJobState::kDead);
  EXPECT_NE(jobs[0].last_error.find("3 attempts"), std::string::npos) << jobs[0].last_error;
  EXPECT_NE(jobs[0].last_error.find("HTTP 500"), std::string::npos) << jobs[0].last_error;
  EXPECT_EQ(Notifications("tok-carol", false).size(), 3u);
  auto targets = Store().TargetsOf("carol");
  ASSERT_TRUE(targets.ok());
  EXPECT_EQ(targets->size(), 1u) << "a failing gateway does not cost the user their token";
}

MQCHAT_INSTANTIATE_FOR_STORES(PushDeadLetterTest);

// Without plugin_opt_push_gateway_url: targets are still stored, but no job is ever recorded.
class PushOffTest : public ChatFixture {};

TEST_P(PushOffTest, NoGatewayNoJobs) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "carol"});
  {
    auto carol = Login("carol", "phone");
    auto r = carol->Request(protocol::Op::kPushRegister, 0,
                            {{"platform", "apns"}, {"token", "tok-carol"}});
    ASSERT_TRUE(r.ok()) << r.Describe();
    carol->Disconnect();
  }
  auto alice = Login("alice");
  const int64_t conv = alice->OpenDirect("carol");
  ASSERT_TRUE(alice->Send(conv, "hi", "m1").ok());
  const auto args = server_->CtlStoreArgs();
  store::StoreConfig config;
  if (args[0] == "--sqlite") {
    config.sqlite_path = args[1];
  } else {
    config.backend = store::Backend::kPostgres;
    config.pg_conninfo = args[1];
  }
  auto push = store::OpenPushStore(config);
  ASSERT_TRUE(push.ok()) << push.status().ToString();
  auto jobs = (*push)->ListJobs("carol");
  ASSERT_TRUE(jobs.ok());
  EXPECT_TRUE(jobs->empty());
  EXPECT_EQ((*push)->TargetsOf("carol")->size(), 1u);
}

MQCHAT_INSTANTIATE_FOR_STORES(PushOffTest);

}  // namespace
}  // namespace mqchat::test
