// The op table: every protocol op has a route, on the worker kind its work needs.
#include "chat/op_table.h"

#include <gtest/gtest.h>

#include <map>

#include "chat/block_ops.h"
#include "chat/conversation_ops.h"
#include "chat/message_event_ops.h"
#include "chat/read_ops.h"
#include "chat/report_ops.h"
#include "chat/retention_ops.h"
#include "chat/send_pipeline.h"
#include "chat/typing_ops.h"
#include "search/search_ops.h"
#include "support/fakes/fake_broker_api.h"
#include "support/fakes/fake_clock.h"

namespace mqchat::chat {
namespace {

using protocol::Op;

TEST(OpTableTest, EveryOpIsRoutedToItsWorker) {
  mqchat::test::FakeBrokerApi broker;
  mqchat::test::FakeClock clock;
  BrokerTaskQueue tasks;
  FanOut fan_out(broker, nullptr, nullptr);
  WorkerReplies replies(tasks, fan_out, nullptr);
  MembershipCache cache(1000, 10);
  MemberLoader members(cache, clock);
  ChatTools tools{clock, members, replies};
  SnowflakeGenerator ids(1, clock);
  SendLimits limits{SendLimitOptions{}};
  SendPipeline send(tools, ids, nullptr, limits);
  ConversationOps conversations(tools, ids, 100);
  ReadOps reads(tools);
  TypingOps typing(tools, fan_out, 60, nullptr);
  MessageEventOps events(tools, ids, send, 0);
  BlockOps blocks(tools, nullptr);
  ReportOps reports(tools, nullptr, 10);
  search::SearchOps search(tools, nullptr, 10);  // its worker never runs a job here
  RetentionOps retention(tools, nullptr);
  OpTable table = MakeOpTable({send, conversations, reads, typing, nullptr, &events, &blocks,
                               &reports, &search, &retention},
                              tools);

  const WorkerKind kWriter = WorkerKind::kWriter;
  const WorkerKind kReader = WorkerKind::kUserReader;
  const std::map<Op, WorkerKind> expected = {
      {Op::kSend, kWriter},          {Op::kOpenDirect, kWriter},
      {Op::kCreateGroup, kWriter},   {Op::kAddMembers, kWriter},
      {Op::kRemoveMember, kWriter},  {Op::kLeave, kWriter},
      {Op::kRename, kWriter},        {Op::kRead, kWriter},
      {Op::kMute, kWriter},          {Op::kPushRegister, kWriter},
      {Op::kPushUnregister, kWriter}, {Op::kPushSettings, kWriter},
      {Op::kHistory, kReader},       {Op::kMembers, kReader},
      {Op::kConversations, kReader}, {Op::kSync, kReader},
      {Op::kTyping, kReader},
      {Op::kEdit, kWriter},          {Op::kDelete, kWriter},
      {Op::kReact, kWriter},         {Op::kBlock, kWriter},
      {Op::kUnblock, kWriter},       {Op::kSetDmPolicy, kWriter},
      {Op::kBlocks, kReader},        {Op::kReport, kWriter},
      {Op::kSearch, kReader},  // planned as Answered: queued on the search worker
      {Op::kSetRetention, kWriter},
      {Op::kSetSlowMode, kWriter},
  };
  ASSERT_EQ(expected.size(), std::variant_size_v<protocol::RequestBody>);  // every op listed
  for (const auto& [op, worker] : expected) {
    const OpRoute* route = table.Find(op);
    ASSERT_NE(route, nullptr) << protocol::OpName(op);
    EXPECT_EQ(route->worker, worker) << protocol::OpName(op);
    EXPECT_TRUE(route->handler) << protocol::OpName(op);
  }
}

// plugin_opt_search_index false builds no SearchOps: `search` is refused at once with
// FORBIDDEN, "search is turned off on this server" (not UNKNOWN_OP, which would read as an old
// server, and not a retryable code).
TEST(OpTableTest, SearchWithoutAnIndexIsDisabled) {
  mqchat::test::FakeBrokerApi broker;
  mqchat::test::FakeClock clock;
  BrokerTaskQueue tasks;
  FanOut fan_out(broker, nullptr, nullptr);
  WorkerReplies replies(tasks, fan_out, nullptr);
  MembershipCache cache(1000, 10);
  MemberLoader members(cache, clock);
  ChatTools tools{clock, members, replies};
  SnowflakeGenerator ids(1, clock);
  SendLimits limits{SendLimitOptions{}};
  SendPipeline send(tools, ids, nullptr, limits);
  ConversationOps conversations(tools, ids, 100);
  ReadOps reads(tools);
  TypingOps typing(tools, fan_out, 60, nullptr);
  OpTable table = MakeOpTable({send, conversations, reads, typing, nullptr, nullptr, nullptr,
                               nullptr, /*search=*/nullptr, nullptr},
                              tools);
  const OpRoute* route = table.Find(Op::kSearch);
  ASSERT_NE(route, nullptr);
  session::ClientSession who{"alice", "phone", "alice/phone", 5};
  protocol::Request req;
  req.op = Op::kSearch;
  req.body = protocol::SearchRequest{"점심"};
  ReplyTo to{"alice/phone", "mqchat/v1/u/alice/reply/phone", "", "s1", "search"};
  Plan plan = route->handler(OpRequest{who, req, to});
  ASSERT_TRUE(std::holds_alternative<Refusal>(plan));
  EXPECT_EQ(std::get<Refusal>(plan).code, protocol::ErrorCode::kForbidden);
  EXPECT_EQ(std::get<Refusal>(plan).message, "search is turned off on this server");
}

}  // namespace
}  // namespace mqchat::chat
