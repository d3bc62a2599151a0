// mqchat_requests_total: each (op, outcome) counted once per reply, and a client's made-up op
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
  counters.CountOk("send");
  counters.CountOk("send");
  counters.CountError("send", protocol::ErrorCode::kNotMember);
  counters.CountOk("servers");  // a community op
  counters.CountError("history", protocol::ErrorCode::kMentionNotMember);
  const Children expected = {{{"send", "ok"}, 2},
                             {{"send", "NOT_MEMBER"}, 1},
                             {{"servers", "ok"}, 1},
                             {{"history", "MENTION_NOT_MEMBER"}, 1}};
  EXPECT_EQ(Snapshot(family), expected);
}

TEST(RequestCountersTest, MadeUpOpsShareTheUnknownLabel) {
  CounterFamily family({"op", "outcome"});
  RequestCounters counters(family);
  for (int i = 0; i < 100; ++i) {
    counters.CountError("made_up_" + std::to_string(i), protocol::ErrorCode::kUnknownOp);
  }
  counters.CountError("", protocol::ErrorCode::kBadRequest);
  const Children expected = {{{"unknown", "UNKNOWN_OP"}, 100}, {{"unknown", "BAD_REQUEST"}, 1}};
  EXPECT_EQ(Snapshot(family), expected);
  EXPECT_EQ(RequestCounters::OpLabel("send"), "send");
  EXPECT_EQ(RequestCounters::OpLabel("channel_create"), "channel_create");
  EXPECT_EQ(RequestCounters::OpLabel("sendx"), "unknown");
}

// The plugin's own replies go through the same path: an attacker's op names never reach the
// rendered metrics.
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
