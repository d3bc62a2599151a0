// SendPipeline on a fake store and a fake broker: a committed batch's results become acks and
// errors, published before the messages fan out to the members' inboxes (the sender's copy to
// their other devices only, every delivery also to the inbox hook).
#include "chat/send_pipeline.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "chat/fan_out.h"
#include "chat/member_loader.h"
#include "chat/worker_replies.h"
#include "protocol/topics.h"
#include "support/fakes/fake_broker_api.h"
#include "support/fakes/fake_chat_store.h"
#include "support/fakes/fake_clock.h"

namespace mqchat::chat {
namespace {

constexpr store::ConversationId kGroup = 100;

class SendPipelineTest : public ::testing::Test {
 protected:
  SendPipelineTest() {
    store::Conversation group;
    group.id = kGroup;
    group.members = {{"alice", store::MemberRole::kOwner, 0, 0},
                     {"bob", store::MemberRole::kMember, 0, 0},
                     {"carol", store::MemberRole::kMember, 0, 0}};
    data_->conversations[kGroup] = group;
    devices_.Add("alice", "alice-phone", &phone_);
    devices_.Add("alice", "alice-laptop", &laptop_);
  }

  SendJob Job(const std::string& sender, const std::string& client_msg_id) {
    SendJob job;
    job.request.conversation_id = kGroup;
    job.request.sender = sender;
    job.request.client_msg_id = client_msg_id;
    job.request.text = "text of " + client_msg_id;
    job.request.message_id = ++next_id_;
    job.reply.client_id = sender + "-phone";
    job.reply.topic = protocol::ReplyTopic(sender, "phone");
    job.reply.req_id = client_msg_id;
    job.reply.op_name = "send";
    return job;
  }

  void Commit(std::vector<SendJob> jobs) {
    pipeline_.Commit(store_, std::move(jobs));
    tasks_.RunPending();  // the broker thread publishes what the writer posted
  }

  static nlohmann::json Json(const OutgoingMessage& m) { return nlohmann::json::parse(m.payload); }

  int phone_ = 0, laptop_ = 0;  // stand-ins for the broker's client pointers
  int64_t next_id_ = 1000;
  std::shared_ptr<mqchat::test::FakeChatData> data_ =
      std::make_shared<mqchat::test::FakeChatData>();
  mqchat::test::FakeChatStore store_{data_};
  mqchat::test::FakeBrokerApi broker_;
  mqchat::test::FakeClock clock_;
  BrokerTaskQueue tasks_;
  session::DeviceIndex devices_;
  std::vector<std::string> hooked_;
  FanOut fan_out_{broker_, &devices_,
                  [this](const std::string& user, const std::string&) { hooked_.push_back(user); }};
  WorkerReplies replies_{tasks_, fan_out_, nullptr};
  MembershipCache cache_{30000, 100};
  MemberLoader members_{cache_, clock_};
  ChatTools tools_{clock_, members_, replies_};
  SnowflakeGenerator ids_{1, clock_};
  SendLimits limits_{SendLimitOptions{}};
  SendPipeline pipeline_{tools_, ids_, nullptr, limits_};
};

TEST_F(SendPipelineTest, ResultsBecomeAcksThenEventsFanOut) {
  std::vector<SendJob> jobs;
  jobs.push_back(Job("alice", "m1"));
  jobs.push_back(Job("dave", "m2"));   // not a member
  jobs.push_back(Job("alice", "m1"));  // a repeat within the batch
  jobs.push_back(Job("bob", "m3"));
  Commit(std::move(jobs));
  EXPECT_EQ(store_.BatchSizes(), std::vector<size_t>{4});  // one AppendBatch for the batch

  const auto& pubs = broker_.publishes;
  ASSERT_GE(pubs.size(), 4u);
  // Acks first, in batch order, each to its requester only, at QoS 0.
  auto ack0 = Json(pubs[0]);
  EXPECT_EQ(pubs[0].topic, protocol::ReplyTopic("alice", "phone"));
  EXPECT_EQ(pubs[0].target_client_id, "alice-phone");
  EXPECT_EQ(pubs[0].qos, 0);
  EXPECT_TRUE(ack0["ok"].get<bool>());
  EXPECT_EQ(ack0["req_id"], "m1");
  EXPECT_EQ(ack0["seq"], 1);
  EXPECT_FALSE(ack0["duplicate"].get<bool>());
  auto err1 = Json(pubs[1]);
  EXPECT_EQ(pubs[1].target_client_id, "dave-phone");
  EXPECT_EQ(err1["error"]["code"], "NOT_MEMBER");
  EXPECT_EQ(err1["error"]["message"], "you are not a member of conversation 100");
  auto ack2 = Json(pubs[2]);
  EXPECT_TRUE(ack2["duplicate"].get<bool>());
  EXPECT_EQ(ack2["seq"], 1);
  EXPECT_EQ(Json(pubs[3])["seq"], 2);

  // Then the two new messages, QoS 1, to every member; a sender's copy only to their other
  // devices (bob has none on this broker: none for him).
  std::vector<std::pair<std::string, std::string>> events;  // (topic, target)
  for (size_t i = 4; i < pubs.size(); ++i) {
    EXPECT_EQ(pubs[i].qos, 1);
    events.emplace_back(pubs[i].topic, pubs[i].target_client_id);
  }
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(events, (std::vector<P>{{protocol::InboxTopic("alice"), "alice-laptop"},
                                    {protocol::InboxTopic("bob"), ""},
                                    {protocol::InboxTopic("carol"), ""},
                                    {protocol::InboxTopic("alice"), ""},
                                    {protocol::InboxTopic("carol"), ""}}));
  if (pubs.size() > 4) EXPECT_EQ(Json(pubs[4])["text"], "text of m1");
  // Every member's delivery (the sender's too) also goes to the other brokers.
  EXPECT_EQ(hooked_, (std::vector<std::string>{"alice", "bob", "carol", "alice", "bob", "carol"}));
}

TEST_F(SendPipelineTest, AFailedBatchAnswersEverySendAndDeliversNothing) {
  data_->fail_next_append = Status::Unavailable("database down");
  std::vector<SendJob> jobs;
  jobs.push_back(Job("alice", "m1"));
  jobs.push_back(Job("bob", "m2"));
  Commit(std::move(jobs));
  ASSERT_EQ(broker_.publishes.size(), 2u);
  for (const auto& m : broker_.publishes) {
    auto j = Json(m);
    EXPECT_EQ(j["error"]["code"], "UNAVAILABLE");
    EXPECT_EQ(j["error"]["message"], "message not stored: database down");
  }
  EXPECT_TRUE(hooked_.empty());
}

// One time everywhere (docs/PROTOCOL.md section 4): the ack's server_time_ms is the stored
// sent_at_ms that members see, and a resend gets the original ack back, time included.
TEST_F(SendPipelineTest, AcksCarryTheStoredTimeAndAResendTheOriginalAck) {
  SendJob first = Job("alice", "m1");
  first.request.created_at_ms = clock_.NowMs();
  const int64_t sent_at = first.request.created_at_ms;
  clock_.AdvanceMs(3);  // the commit comes later than the plan
  Commit({first});
  ASSERT_GE(broker_.publishes.size(), 2u);
  auto ack = Json(broker_.publishes[0]);
  auto event = Json(broker_.publishes[1]);
  EXPECT_EQ(event["sent_at_ms"], sent_at);
  EXPECT_EQ(ack["server_time_ms"], sent_at) << "the sender records the time members see";

  broker_.publishes.clear();
  clock_.AdvanceMs(60'000);
  SendJob again = Job("alice", "m1");
  again.request.created_at_ms = clock_.NowMs();
  Commit({again});
  ASSERT_EQ(broker_.publishes.size(), 1u) << "a resend delivers nothing";
  auto resent = Json(broker_.publishes[0]);
  EXPECT_TRUE(resent["duplicate"].get<bool>());
  EXPECT_EQ(resent["server_time_ms"], sent_at);
  for (const char* field : {"conversation_id", "seq", "message_id", "client_msg_id"}) {
    EXPECT_EQ(resent[field], ack[field]) << field;
  }
}

TEST_F(SendPipelineTest, PlanAssignsIdTimeAndTakesTheText) {
  session::ClientSession who{"alice", "phone", "alice-phone", 5};
  protocol::Request req;
  req.op = protocol::Op::kSend;
  req.conversation_id = kGroup;
  req.body = protocol::SendRequest{"c1", "hello"};
  ReplyTo to;
  to.client_id = "alice-phone";
  Plan plan = pipeline_.PlanSend(OpRequest{who, req, to});
  ASSERT_TRUE(std::holds_alternative<SendJob>(plan));
  const SendJob& job = std::get<SendJob>(plan);
  EXPECT_EQ(job.request.sender, "alice");
  EXPECT_EQ(job.request.text, "hello");
  EXPECT_EQ(job.request.client_msg_id, "c1");
  EXPECT_GT(job.request.message_id, 0);
  EXPECT_EQ(job.request.created_at_ms, clock_.NowMs());
  EXPECT_EQ(job.reply.client_id, "alice-phone");
}

// A send refused on the broker thread but still checked against the store (it might be a
// resend of a stored message) and not found there keeps the refusal it was given: slow mode's
// message with its wait, or the send limit's, never a third text.
TEST_F(SendPipelineTest, ARefusedSendNotFoundInTheStoreKeepsItsRefusal) {
  data_->conversations[kGroup].slow_mode_s = 5;
  store::Conversation slow = data_->conversations[kGroup];
  cache_.Put(slow, clock_.MonotonicMs());
  auto plan = [&](const std::string& user, const std::string& cid) {
    session::ClientSession who{user, "phone", user + "-phone", 5};
    protocol::Request req;
    req.op = protocol::Op::kSend;
    req.conversation_id = kGroup;
    req.body = protocol::SendRequest{cid, "hello"};
    ReplyTo to;
    to.client_id = user + "-phone";
    to.topic = protocol::ReplyTopic(user, "phone");
    to.req_id = cid;
    to.op_name = "send";
    return pipeline_.PlanSend(OpRequest{who, req, to});
  };
  Plan first = plan("bob", "b1");
  ASSERT_TRUE(std::holds_alternative<SendJob>(first));
  Commit({std::get<SendJob>(first)});
  clock_.AdvanceMs(1000);
  Plan second = plan("bob", "b2");
  ASSERT_TRUE(std::holds_alternative<SendJob>(second)) << "checked against the store";
  ASSERT_TRUE(std::get<SendJob>(second).request.only_if_stored);
  broker_.publishes.clear();
  Commit({std::get<SendJob>(second)});
  ASSERT_EQ(broker_.publishes.size(), 1u);
  auto refused = Json(broker_.publishes[0]);
  EXPECT_EQ(refused["error"]["code"], "RATE_LIMITED");
  EXPECT_EQ(refused["error"]["retry_after_ms"], 4000);
  EXPECT_EQ(refused["error"]["message"],
            "this conversation is in slow mode; wait 4000 ms before sending again");

  // carol, over her send limit (20 at once by default) in a conversation without slow mode.
  data_->conversations[kGroup].slow_mode_s = 0;
  slow.slow_mode_s = 0;
  slow.members_version = 1;
  cache_.Put(slow, clock_.MonotonicMs());
  Plan over;
  for (int i = 0; i < 30; ++i) {
    over = plan("carol", "c" + std::to_string(i));
    if (std::holds_alternative<SendJob>(over) && std::get<SendJob>(over).request.only_if_stored) {
      break;
    }
  }
  ASSERT_TRUE(std::holds_alternative<SendJob>(over));
  ASSERT_TRUE(std::get<SendJob>(over).request.only_if_stored) << "never over the limit";
  broker_.publishes.clear();
  Commit({std::get<SendJob>(over)});
  ASSERT_EQ(broker_.publishes.size(), 1u);
  auto limited = Json(broker_.publishes[0]);
  EXPECT_EQ(limited["error"]["code"], "RATE_LIMITED");
  EXPECT_GT(limited["error"]["retry_after_ms"].get<int64_t>(), 0);
  const std::string message = limited["error"]["message"];
  EXPECT_EQ(message.rfind("too many messages; the limit is 5 per second", 0), 0u) << message;
}

}  // namespace
}  // namespace mqchat::chat
