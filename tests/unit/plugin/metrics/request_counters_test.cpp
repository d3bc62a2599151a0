// mqchat_requests_total: each (op, outcome) counted once per reply under the op the request
// parsed to (carried by the reply, never re-parsed from a name), and a client's made-up op
// counted as "unknown" rather than becoming a label of its own (a client could otherwise grow
// the family, and every scrape, without bound).
#include "metrics/request_counters.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "chat/reply.h"
#include "metrics/instruments.h"

namespace mqchat::metrics {
namespace {

using Children = std::map<std::vector<std::string>, uint64_t>;

Children Snapshot(const CounterFamily& family) {
  Children out;
  for (const auto& [values, count] : family.Snapshot()) out[values] = count;
  return out;
}

TEST(RequestCountersTest, CountsEachOpAndOutcome) {
  CounterFamily family({"op", "outcome"});
  RequestCounters counters(family);
  const CountedOp send{protocol::Op::kSend, std::nullopt};
  counters.CountOk(send);
  counters.CountOk(send);
  counters.CountError(send, protocol::ErrorCode::kNotMember);
  counters.CountOk({std::nullopt, protocol::CommunityOp::kServers});
  counters.CountError({protocol::Op::kHistory, std::nullopt},
                      protocol::ErrorCode::kMentionNotMember);
  // The last op of each enum: rows are told apart by the enums' values, not by names.
  counters.CountOk({protocol::Op::kSetSlowMode, std::nullopt});
  counters.CountOk({std::nullopt, protocol::CommunityOp::kBan});
  const Children expected = {{{"send", "ok"}, 2},
                             {{"send", "NOT_MEMBER"}, 1},
                             {{"servers", "ok"}, 1},
                             {{"history", "MENTION_NOT_MEMBER"}, 1},
                             {{"set_slow_mode", "ok"}, 1},
                             {{"ban", "ok"}, 1}};
  EXPECT_EQ(Snapshot(family), expected);
}

// Every op of both enums has a row of its own: counting each once gives one child per op,
// labelled with that op's wire name.
TEST(RequestCountersTest, EveryOpHasItsOwnRow) {
  CounterFamily family({"op", "outcome"});
  RequestCounters counters(family);
  Children expected;
  for (size_t i = 0; i < protocol::kOpCount; ++i) {
    const auto op = static_cast<protocol::Op>(i);
    counters.CountOk({op, std::nullopt});
    expected[{std::string(protocol::OpName(op)), "ok"}] = 1;
  }
  for (size_t i = 0; i <= static_cast<size_t>(protocol::CommunityOp::kBan); ++i) {
    const auto op = static_cast<protocol::CommunityOp>(i);
    counters.CountOk({std::nullopt, op});
    expected[{std::string(protocol::CommunityOpName(op)), "ok"}] = 1;
  }
  EXPECT_EQ(Snapshot(family), expected);
}

TEST(RequestCountersTest, MadeUpOpsShareTheUnknownLabel) {
  CounterFamily family({"op", "outcome"});
  RequestCounters counters(family);
  for (int i = 0; i < 100; ++i) counters.CountError({}, protocol::ErrorCode::kUnknownOp);
  counters.CountError({}, protocol::ErrorCode::kBadRequest);
  const Children expected = {{{"unknown", "UNKNOWN_OP"}, 100}, {{"unknown", "BAD_REQUEST"}, 1}};
  EXPECT_EQ(Snapshot(family), expected);
  EXPECT_EQ(RequestCounters::OpLabel({protocol::Op::kSend, std::nullopt}), "send");
  EXPECT_EQ(RequestCounters::OpLabel({std::nullopt, protocol::CommunityOp::kChannelCreate}),
            "channel_create");
  EXPECT_EQ(RequestCounters::OpLabel({}), "unknown");
}

// The plugin's own replies go through the same path: the reply's parsed op is what counts, so an
// attacker's op names (kept only to echo them) never reach the rendered metrics.
TEST(RequestCountersTest, RepliesToMadeUpOpsNeverBecomeLabels) {
  for (int i = 0; i < 50; ++i) {
    chat::ReplyTo to;
    to.op_name = "attacker_op_" + std::to_string(i);
    chat::ErrorPayload(to, protocol::ErrorCode::kUnknownOp, "unknown op");
  }
  const std::string rendered = GlobalRegistry().Render();
  EXPECT_EQ(rendered.find("attacker_op_"), std::string::npos);
  EXPECT_NE(rendered.find("mqchat_requests_total{op=\"unknown\",outcome=\"UNKNOWN_OP\"}"),
            std::string::npos);
}

}  // namespace
}  // namespace mqchat::metrics
