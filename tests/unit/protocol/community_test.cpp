// The community ops' topics and request parser (protocol/community.h): every op's name and
// topic round-trip, other topics are not community ops, required fields per op, bounds on
// names, permission bits and payload size, and the req_id echoed on errors.
#include "protocol/community.h"

#include <gtest/gtest.h>

#include <string>

namespace mqchat::protocol {
namespace {

TEST(CommunityProtocolTest, EveryOpHasATopicThatMapsBack) {
  for (int i = 0; i <= static_cast<int>(CommunityOp::kBan); ++i) {
    const auto op = static_cast<CommunityOp>(i);
    const std::string topic = CommunityRequestTopic(op);
    EXPECT_EQ(topic, "mqchat/v1/req/" + std::string(CommunityOpName(op)));
    EXPECT_EQ(CommunityOpOfTopic(topic), op) << topic;
  }
  EXPECT_FALSE(CommunityOpOfTopic("mqchat/v1/req/send"));
  EXPECT_FALSE(CommunityOpOfTopic("mqchat/v1/c/12/channels"));
  EXPECT_FALSE(CommunityOpOfTopic("mqchat/v1/req/x/channels"));
  EXPECT_FALSE(CommunityOpOfTopic("mqchat/v2/req/channels"));
  EXPECT_FALSE(CommunityOpOfTopic("channels"));
}

TEST(CommunityProtocolTest, ParsesAnOpsFields) {
  auto p = ParseCommunityRequest(
      CommunityOp::kChannelCreate,
      R"({"req_id":"r1","server_id":"42","name":"news","type":"category","position":3})");
  ASSERT_FALSE(p.error) << p.error->message;
  EXPECT_EQ(p.req_id, "r1");
  EXPECT_EQ(p.request.server_id, 42);
  EXPECT_EQ(*p.request.name, "news");
  EXPECT_EQ(p.request.type, "category");
  EXPECT_EQ(*p.request.position, 3);
  EXPECT_FALSE(p.request.topic);

  auto o = ParseCommunityRequest(CommunityOp::kOverrideSet,
                                 R"({"channel_id":"7","user":"ann","allow":3,"deny":256})");
  ASSERT_FALSE(o.error) << o.error->message;
  EXPECT_EQ(o.request.user, "ann");
  EXPECT_EQ(o.request.allow, 3);
  EXPECT_EQ(o.request.deny, 256);

  auto e =
      ParseCommunityRequest(CommunityOp::kChannelEdit, R"({"channel_id":"7","category_id":"0"})");
  ASSERT_FALSE(e.error) << e.error->message;
  EXPECT_EQ(e.request.category_id, 0);
}

TEST(CommunityProtocolTest, RefusesWhatAnOpCannotTake) {
  struct Case {
    CommunityOp op;
    const char* payload;
    ErrorCode code;
  };
  const Case cases[] = {
      {CommunityOp::kServerCreate, R"({"req_id":"x"})", ErrorCode::kBadRequest},  // no name
      {CommunityOp::kServerCreate, R"({"name":""})", ErrorCode::kBadRequest},
      {CommunityOp::kServerCreate, R"({"name":"a\u0000b"})", ErrorCode::kInvalidUtf8},
      {CommunityOp::kServerRename, R"({"name":"n"})", ErrorCode::kBadRequest},  // no server_id
      {CommunityOp::kChannels, R"({"server_id":"0"})", ErrorCode::kBadRequest},
      {CommunityOp::kChannelCreate, R"({"server_id":"1","name":"n","type":"stage"})",
       ErrorCode::kBadRequest},
      {CommunityOp::kRoleCreate, R"({"server_id":"1","name":"r","permissions":512})",
       ErrorCode::kBadRequest},
      {CommunityOp::kRoleAssign, R"({"role_id":"1","user":"no spaces"})", ErrorCode::kBadRequest},
      {CommunityOp::kOverrideSet, R"({"channel_id":"1"})", ErrorCode::kBadRequest},
      {CommunityOp::kOverrideSet, R"({"channel_id":"1","role_id":"2","user":"ann"})",
       ErrorCode::kBadRequest},
      {CommunityOp::kServerMembers, R"({"server_id":"1","limit":1001})", ErrorCode::kBadRequest},
      {CommunityOp::kInviteJoin, R"({})", ErrorCode::kBadRequest},
      {CommunityOp::kServers, R"([1,2])", ErrorCode::kBadRequest},
      {CommunityOp::kServers, R"({"a":[[[1]]]})", ErrorCode::kTooLarge},
  };
  for (const Case& c : cases) {
    auto p = ParseCommunityRequest(c.op, c.payload);
    ASSERT_TRUE(p.error) << c.payload;
    EXPECT_EQ(p.error->code, c.code) << c.payload << ": " << p.error->message;
  }
  auto big = ParseCommunityRequest(CommunityOp::kServers,
                                   "{\"req_id\":\"r\",\"x\":\"" + std::string(20000, 'a') + "\"}");
  ASSERT_TRUE(big.error);
  EXPECT_EQ(big.error->code, ErrorCode::kTooLarge);
  auto echoed = ParseCommunityRequest(CommunityOp::kServerCreate, R"({"req_id":"keep"})");
  EXPECT_EQ(echoed.req_id, "keep");
}

}  // namespace
}  // namespace mqchat::protocol
