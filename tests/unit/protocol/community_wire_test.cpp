// The client's side of the community ops (protocol/community_wire.h): a request encoded by the
// SDK parses back to the same request with the plugin's parser, and the result decoders take
// what the plugin's encoders write but refuse ids, names, users and arrays out of bounds.
#include "protocol/community_wire.h"

#include <gtest/gtest.h>

#include <string>

namespace mqchat::protocol {
namespace {

using json = nlohmann::json;

TEST(CommunityWireTest, EncodedRequestsParseBack) {
  CommunityRequest r;
  r.op = CommunityOp::kChannelCreate;
  r.server_id = 12;
  r.name = "news";
  r.topic = "what is new";
  r.position = 3;
  r.category_id = 40;
  ParsedCommunityRequest p = ParseCommunityRequest(r.op, EncodeCommunityRequest(r, "r1"));
  ASSERT_FALSE(p.error) << p.error->message;
  EXPECT_EQ(p.req_id, "r1");
  EXPECT_EQ(p.request.server_id, 12);
  EXPECT_EQ(p.request.name, "news");
  EXPECT_EQ(p.request.topic, "what is new");
  EXPECT_EQ(p.request.type, "text");
  EXPECT_EQ(p.request.position, 3);
  EXPECT_EQ(p.request.category_id, 40);

  CommunityRequest o;
  o.op = CommunityOp::kOverrideSet;
  o.channel_id = 7;
  o.role_id = 8;
  o.allow = 2;
  o.deny = 1;
  p = ParseCommunityRequest(o.op, EncodeCommunityRequest(o, "r2"));
  ASSERT_FALSE(p.error) << p.error->message;
  EXPECT_EQ(p.request.channel_id, 7);
  EXPECT_EQ(p.request.role_id, 8);
  EXPECT_EQ(p.request.allow, 2);
  EXPECT_EQ(p.request.deny, 1);

  CommunityRequest i;
  i.op = CommunityOp::kInviteCreate;
  i.server_id = 5;
  i.max_uses = 1;
  i.expires_in_ms = 60000;
  p = ParseCommunityRequest(i.op, EncodeCommunityRequest(i, "r3"));
  ASSERT_FALSE(p.error) << p.error->message;
  EXPECT_EQ(p.request.max_uses, 1);
  EXPECT_EQ(p.request.expires_in_ms, 60000);
}

TEST(CommunityWireTest, DecodesWhatThePluginEncodes) {
  auto server = DecodeServer(EncodeServer({12, "Guild", "alice", 13, 2}));
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  EXPECT_EQ(server->id, 12);
  EXPECT_EQ(server->owner, "alice");
  EXPECT_EQ(server->everyone_role_id, 13);
  EXPECT_EQ(server->member_count, 2);
  auto channel = DecodeChannel(EncodeChannel({20, 12, "general", "text", "", 0, 0}));
  ASSERT_TRUE(channel.ok()) << channel.status().ToString();
  EXPECT_EQ(channel->id, 20);
  EXPECT_EQ(channel->category_id, 0);
  auto member = DecodeServerMember(EncodeServerMember({"bob", false, {13, 31}}));
  ASSERT_TRUE(member.ok()) << member.status().ToString();
  EXPECT_EQ(member->role_ids, (std::vector<int64_t>{13, 31}));
  auto list = DecodeRoleList(json{{"roles", {EncodeRole({31, 12, "mods", 8, 1})}}});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->front().permissions, 8);
  auto invite = DecodeInviteField(json{{"invite", EncodeInvite({"abcdEFGH12345678", 12, 0, 1, 0})}});
  ASSERT_TRUE(invite.ok()) << invite.status().ToString();
  EXPECT_EQ(invite->code, "abcdEFGH12345678");
}

TEST(CommunityWireTest, ATextChannelsReadStateTravelsAndIsAbsentOtherwise) {
  WireChannel text{20, 12, "general", "text", "", 0, 0};
  text.read = WireChannelReadState{12, 9, 3, 1};
  json encoded = EncodeChannel(text);
  EXPECT_EQ(encoded["last_seq"], 12);
  EXPECT_EQ(encoded["unread_mentions"], 1);
  auto decoded = DecodeChannel(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_TRUE(decoded->read.has_value());
  EXPECT_EQ(decoded->read->last_seq, 12);
  EXPECT_EQ(decoded->read->read_seq, 9);
  EXPECT_EQ(decoded->read->unread, 3);
  EXPECT_EQ(decoded->read->unread_mentions, 1);
  json category = EncodeChannel({21, 12, "Topics", "category", "", 0, 0});
  EXPECT_FALSE(category.contains("unread"));
  auto plain = DecodeChannel(category);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_FALSE(plain->read.has_value());
  // A negative or mistyped count is refused.
  json bad = encoded;
  bad["unread"] = -1;
  EXPECT_FALSE(DecodeChannel(bad).ok());
  bad = encoded;
  bad["read_seq"] = "9";
  EXPECT_FALSE(DecodeChannel(bad).ok());
}

TEST(CommunityWireTest, RefusesValuesOutOfBounds) {
  json server = EncodeServer({12, "Guild", "alice", 13, 2});
  json bad = server;
  bad["server_id"] = "0";
  EXPECT_FALSE(DecodeServer(bad).ok());
  bad = server;
  bad["name"] = std::string(101, 'x');
  EXPECT_FALSE(DecodeServer(bad).ok());
  bad = server;
  bad["owner"] = "not a user/name";
  EXPECT_FALSE(DecodeServer(bad).ok());
  bad = server;
  bad["name"] = "\xff";
  EXPECT_FALSE(DecodeServer(bad).ok());
  EXPECT_FALSE(DecodeServer(json::array()).ok());
  EXPECT_FALSE(DecodeServerList(json{{"servers", server}}).ok());  // not an array
  EXPECT_FALSE(DecodeServerField(json::object()).ok());

  json member = EncodeServerMember({"bob", false, {}});
  member["role_ids"] = json::array();
  for (int i = 0; i < 1001; ++i) member["role_ids"].push_back("7");
  EXPECT_FALSE(DecodeServerMember(member).ok());
  json invite = EncodeInvite({std::string(65, 'a'), 12, 0, 0, 0});
  EXPECT_FALSE(DecodeInvite(invite).ok());
  json channel = EncodeChannel({20, 12, "general", "text", std::string(1025, 't'), 0, 0});
  EXPECT_FALSE(DecodeChannel(channel).ok());
}

}  // namespace
}  // namespace mqchat::protocol
