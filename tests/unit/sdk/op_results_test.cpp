// The results of the app's requests (client-sdk/src/op_results.h): each decodes the response the
// plugin writes (the protocol's encoders, through the wire text) into the SDK's public types, and
// a result body that does not decode is a malformed server response, kInternal naming the op.
#include "src/op_results.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/responses.h"

namespace mqchat::sdk {
namespace {

using nlohmann::json;

constexpr int64_t kBigConversation = 9007199254740993;  // 2^53 + 1: a double would round it

// The response as the SDK receives it: the wire text of an ok response, parsed.
protocol::Response Received(protocol::Op op, const json& result) {
  auto r = protocol::DecodeResponse(protocol::OkResponse(op, "r1", result));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : protocol::Response{};
}

protocol::WireConversation Team() {
  return {kBigConversation, "group", "Team", 42, {{"alice", "owner", 41}, {"bob", "member", 0}}};
}

protocol::WireMessage Message(int64_t seq) {
  return {kBigConversation, seq, 7170981234567168001 + seq, "alice", "c-1", "hi", 1700000000000};
}

void ExpectMalformed(const Status& s, const std::string& op) {
  EXPECT_EQ(s.code(), Code::kInternal) << s.ToString();
  EXPECT_NE(s.message().find("malformed " + op + " response"), std::string::npos) << s.ToString();
}

TEST(OpResultsTest, NewConversationIsThePublicConversation) {
  auto c = DecodeNewConversation(
      Received(protocol::Op::kCreateGroup, protocol::EncodeConversationChange({Team(), {}})));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->id, kBigConversation);
  EXPECT_EQ(c->kind, ConversationKind::kGroup);
  EXPECT_EQ(c->name, "Team");
  EXPECT_EQ(c->last_seq, 42);
  ASSERT_EQ(c->members.size(), 2u);
  EXPECT_EQ(c->members[0].user, "alice");
  EXPECT_EQ(c->members[0].role, MemberRole::kOwner);
  EXPECT_EQ(c->members[0].read_seq, 41);
  EXPECT_EQ(c->members[1].role, MemberRole::kMember);

  // open_direct and create_group always carry the conversation.
  ExpectMalformed(
      DecodeNewConversation(Received(protocol::Op::kOpenDirect, json::object())).status(),
      "open_direct");
}

TEST(OpResultsTest, ChangeCarriesTheConversationAndTheAddedUsersWhenSent) {
  auto added = DecodeChangeResult(Received(
      protocol::Op::kAddMembers,
      protocol::EncodeConversationChange({Team(), std::vector<std::string>{"bob", "carol"}})));
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  ASSERT_TRUE(added->conversation.has_value());
  EXPECT_EQ(added->conversation->id, kBigConversation);
  EXPECT_EQ(added->added, (std::vector<std::string>{"bob", "carol"}));

  // The server leaves out a conversation it could not read back after a committed change.
  auto bare = DecodeChangeResult(Received(protocol::Op::kRename, json::object()));
  ASSERT_TRUE(bare.ok()) << bare.status().ToString();
  EXPECT_FALSE(bare->conversation.has_value());
  EXPECT_TRUE(bare->added.empty());

  ExpectMalformed(
      DecodeChangeResult(Received(protocol::Op::kAddMembers, json{{"added", "bob"}})).status(),
      "add_members");
}

TEST(OpResultsTest, MembersAreThePublicMembers) {
  auto members = DecodeMembersResult(Received(
      protocol::Op::kMembers, protocol::EncodeMembersList({kBigConversation, Team().members})));
  ASSERT_TRUE(members.ok()) << members.status().ToString();
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[1].user, "bob");
  EXPECT_EQ((*members)[1].role, MemberRole::kMember);

  ExpectMalformed(
      DecodeMembersResult(Received(protocol::Op::kMembers, json{{"members", json::array()}}))
          .status(),
      "members");
}

TEST(OpResultsTest, ConversationsAreThePublicSummaries) {
  protocol::WireSummary summary{kBigConversation, "direct",  "", 5, 3, 2,
                                {"alice", "bob"}, Message(5)};
  auto list = DecodeConversationsResult(
      Received(protocol::Op::kConversations, protocol::EncodeConversationsList({{summary}})));
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  const ConversationSummary& s = list->front();
  EXPECT_EQ(s.id, kBigConversation);
  EXPECT_EQ(s.kind, ConversationKind::kDirect);
  EXPECT_EQ(s.unread, 2);
  EXPECT_EQ(s.members, (std::vector<std::string>{"alice", "bob"}));
  ASSERT_TRUE(s.last_message.has_value());
  EXPECT_EQ(s.last_message->seq, 5);

  ExpectMalformed(
      DecodeConversationsResult(Received(protocol::Op::kConversations, json::object())).status(),
      "conversations");
}

TEST(OpResultsTest, HistoryIsThePublicPage) {
  auto page = DecodeHistoryResult(
      Received(protocol::Op::kHistory,
               protocol::EncodeHistoryPage({kBigConversation, {Message(1), Message(2)}, true})));
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->messages.size(), 2u);
  EXPECT_EQ(page->messages[1].seq, 2);
  EXPECT_EQ(page->messages[1].conversation_id, kBigConversation);
  EXPECT_TRUE(page->has_more);

  json bad_item = protocol::EncodeHistoryPage({kBigConversation, {Message(1)}, false});
  bad_item["messages"][0]["seq"] = "one";
  ExpectMalformed(DecodeHistoryResult(Received(protocol::Op::kHistory, bad_item)).status(),
                  "history");
}

TEST(OpResultsTest, ReadIsTheReadMarker) {
  auto read_seq = DecodeReadResult(
      Received(protocol::Op::kRead, protocol::EncodeReadMarker({kBigConversation, 17})));
  ASSERT_TRUE(read_seq.ok()) << read_seq.status().ToString();
  EXPECT_EQ(*read_seq, 17);

  ExpectMalformed(
      DecodeReadResult(Received(protocol::Op::kRead, json{{"conversation_id", "7"}})).status(),
      "read");
}

}  // namespace
}  // namespace mqchat::sdk
