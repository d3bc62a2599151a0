#include <gtest/gtest.h>

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "protocol/ids.h"
#include "protocol/ops.h"
#include "protocol/topics.h"

namespace mqchat::protocol {
namespace {

TEST(RequestTopicTest, EveryOpRoundTripsThroughItsTopic) {
  for (size_t i = 0; i < kOpCount; ++i) {
    const Op op = static_cast<Op>(i);
    EXPECT_EQ(ParseOpName(OpName(op)), op);
    const std::string topic = RequestTopic(op, 9007199254740993);  // 2^53 + 1
    RequestTopicParts parts = ParseRequestTopic(topic);
    ASSERT_FALSE(parts.error.has_value()) << topic << ": " << parts.error->message;
    EXPECT_EQ(parts.op, op);
    EXPECT_EQ(parts.conversation_id, IsConversationOp(op) ? 9007199254740993 : 0);
  }
  EXPECT_EQ(RequestTopic(Op::kSend, 123), "mqchat/v1/c/123/send");
  EXPECT_EQ(RequestTopic(Op::kAddMembers, 7), "mqchat/v1/c/7/add_members");
  EXPECT_EQ(RequestTopic(Op::kOpenDirect), "mqchat/v1/req/open_direct");
  EXPECT_EQ(RequestTopic(Op::kSync, 99), "mqchat/v1/req/sync");
}

TEST(RequestTopicTest, OpNamesAreTheProtocolNames) {
  const char* names[] = {"send",          "history",         "read",          "members",
                         "add_members",   "remove_member",   "leave",         "rename",
                         "typing",        "mute",            "edit",          "delete",
                         "react",         "open_direct",     "create_group",
                         "conversations", "sync",            "push_register", "push_unregister",
                         "push_settings", "block",           "unblock",       "blocks",
                          "set_dm_policy", "report",          "search",
                          "set_retention", "set_slow_mode"};
  ASSERT_EQ(std::size(names), kOpCount);
  for (size_t i = 0; i < kOpCount; ++i) EXPECT_EQ(OpName(static_cast<Op>(i)), names[i]);
  EXPECT_FALSE(ParseOpName("Send").has_value());
  EXPECT_FALSE(ParseOpName("").has_value());
}

TEST(RequestTopicTest, UnknownTopicsAreUnknownOp) {
  const char* unknown[] = {
      "mqchat/v1/c/1/unknown", "mqchat/v1/req/send",        "mqchat/v1/req/history",
      "mqchat/v1/c/1/sync",    "mqchat/v1/c/1/open_direct", "mqchat/v1/c/1/send/extra",
      "mqchat/v1/c/1/send/",   "mqchat/v1/req/sync/x",      "mqchat/v1/req/",
      "mqchat/v1/req",         "mqchat/v1/c/send",          "mqchat/v2/c/1/send",
      "mqchat/v1/x/1/send",    "other/v1/c/1/send",         "",
      "/mqchat/v1/c/1/send",   "mqchat/v1/c/1/SEND",        "mqchat/v1/u/alice/inbox",
  };
  for (const char* topic : unknown) {
    RequestTopicParts parts = ParseRequestTopic(topic);
    ASSERT_TRUE(parts.error.has_value()) << topic;
    EXPECT_EQ(parts.error->code, ErrorCode::kUnknownOp) << topic;
    EXPECT_FALSE(parts.op.has_value()) << topic;
  }
}

TEST(RequestTopicTest, BadConversationIdsAreBadRequestButKeepTheOp) {
  const char* bad[] = {
      "mqchat/v1/c//send",
      "mqchat/v1/c/abc/send",
      "mqchat/v1/c/-1/send",
      "mqchat/v1/c/0/send",
      "mqchat/v1/c/+1/send",
      "mqchat/v1/c/01/send",
      "mqchat/v1/c/1.0/send",
      "mqchat/v1/c/ 1/send",
      "mqchat/v1/c/0x10/send",
      "mqchat/v1/c/99999999999999999999/send",
      "mqchat/v1/c/9223372036854775808/send",
      "mqchat/v1/c/+/send",
      "mqchat/v1/c/#/send",
  };
  for (const char* topic : bad) {
    RequestTopicParts parts = ParseRequestTopic(topic);
    ASSERT_TRUE(parts.error.has_value()) << topic;
    EXPECT_EQ(parts.error->code, ErrorCode::kBadRequest) << topic;
    EXPECT_EQ(parts.op, Op::kSend) << topic;
  }
  RequestTopicParts max = ParseRequestTopic("mqchat/v1/c/9223372036854775807/read");
  EXPECT_FALSE(max.error.has_value());
  EXPECT_EQ(max.conversation_id, INT64_MAX);
}

TEST(RequestTopicTest, DecimalIds) {
  EXPECT_EQ(ParseId("1"), 1);
  EXPECT_EQ(ParseId("9223372036854775807"), INT64_MAX);
  EXPECT_FALSE(ParseId("9223372036854775808").has_value());
  EXPECT_FALSE(ParseId("18446744073709551617").has_value());
  EXPECT_FALSE(ParseId("0").has_value());
  EXPECT_FALSE(ParseId("007").has_value());
  EXPECT_FALSE(ParseId("").has_value());
  EXPECT_FALSE(ParseId("12a").has_value());
  EXPECT_FALSE(ParseId(std::string("1\0", 2)).has_value());
  EXPECT_EQ(ParseNonNegativeDecimal("0"), 0);
  EXPECT_FALSE(ParseNonNegativeDecimal("00").has_value());
  EXPECT_EQ(FormatId(INT64_MAX), "9223372036854775807");
}

TEST(RequestTopicTest, RequestPrefixCoversEveryRequestTopicOnly) {
  for (size_t i = 0; i < kOpCount; ++i) {
    EXPECT_TRUE(HasRequestTopicPrefix(RequestTopic(static_cast<Op>(i), 12))) << i;
  }
  // The service answers these (with UNKNOWN_OP or BAD_REQUEST), so the prefix alone decides.
  EXPECT_TRUE(HasRequestTopicPrefix("mqchat/v1/req/nope"));
  EXPECT_TRUE(HasRequestTopicPrefix("mqchat/v1/c/x"));
  for (const char* t : {"mqchat/v1/req", "mqchat/v1/c", "mqchat/v1/u/alice/inbox",
                        "mqchat/v1/p/alice", "mqchat/v2/req/send", "x/mqchat/v1/req/send", ""}) {
    EXPECT_FALSE(HasRequestTopicPrefix(t)) << t;
  }
}

TEST(PresenceTopicTest, UserIsTheLastLevelAndParsesBack) {
  EXPECT_EQ(PresenceTopic("alice"), "mqchat/v1/p/alice");
  EXPECT_EQ(PresenceTopicUser(PresenceTopic("Bob_2.x-y")), "Bob_2.x-y");
  const std::string longest(64, 'a');
  EXPECT_EQ(PresenceTopicUser(PresenceTopic(longest)), longest);
  // Not a presence topic: the old layout, wildcards, extra or missing levels, invalid names.
  for (const char* t : {"mqchat/v1/u/alice/presence", "mqchat/v1/p/+", "mqchat/v1/p/#",
                        "mqchat/v1/p/al+ce", "mqchat/v1/+/alice", "mqchat/+/p/alice",
                        "+/v1/p/alice", "mqchat/v1/p/alice/x", "mqchat/v1/p/alice/",
                        "mqchat/v1/p/", "mqchat/v1/p", "$share/g/mqchat/v1/p/alice",
                        "mqchat/v1/p/$alice", "mqchat/v1/p/_alice", "mqchat/v2/p/alice"}) {
    EXPECT_FALSE(PresenceTopicUser(t).has_value()) << t;
  }
  EXPECT_FALSE(PresenceTopicUser("mqchat/v1/p/" + std::string(65, 'a')).has_value());
  EXPECT_FALSE(PresenceTopicUser(std::string("mqchat/v1/p/a\0b", 15)).has_value());
}

TEST(TopicNamesTest, TopicsAreTheProtocolNames) {
  EXPECT_EQ(UserPrefix("alice"), "mqchat/v1/u/alice/");
  EXPECT_EQ(InboxTopic("alice"), "mqchat/v1/u/alice/inbox");
  EXPECT_EQ(ReplyTopic("alice", "phone"), "mqchat/v1/u/alice/reply/phone");
  EXPECT_EQ(WillTopic("alice", "phone"), "mqchat/v1/u/alice/will/phone");
  EXPECT_EQ(RequestTopic(Op::kOpenDirect), "mqchat/v1/req/open_direct");
  EXPECT_EQ(RequestTopic(Op::kSend, 12), "mqchat/v1/c/12/send");
  // The refusals name the topic to use instead.
  EXPECT_EQ(ParseRequestTopic("mqchat/v1/req/send").error->message,
            "send is a conversation op: publish to mqchat/v1/c/<conversation-id>/send");
  EXPECT_EQ(ParseRequestTopic("mqchat/v1/c/12/open_direct").error->message,
            "open_direct is not a conversation op: publish to mqchat/v1/req/open_direct");
  EXPECT_EQ(ParseRequestTopic("mqchat/v1/req/send/x").error->message,
            "request topics are mqchat/v1/req/<op>");
  EXPECT_EQ(ParseRequestTopic("mqchat/v1/c/12").error->message,
            "conversation topics are mqchat/v1/c/<id>/<op>");
}

TEST(TopicLevelsTest, NamespaceOwnerIsTheUserLevelOfANamespaceTopic) {
  EXPECT_EQ(NamespaceOwner(SplitTopic(InboxTopic("alice"))), "alice");
  EXPECT_EQ(NamespaceOwner(SplitTopic("mqchat/v1/u/alice/a/b")), "alice");
  EXPECT_EQ(NamespaceOwner(SplitTopic("mqchat/v1/u/+/inbox")), "+");  // a filter's, as it is
  EXPECT_EQ(NamespaceOwner(ReplyTopic("bob", "phone")), "bob");
  for (const char* t : {"mqchat/v1/u/alice", "mqchat/v1/p/alice/x", "mqchat/v2/u/alice/inbox",
                        "x/v1/u/alice/inbox", "mqchat/v1/c/1/send", "mqchat/v1/u", ""}) {
    EXPECT_FALSE(NamespaceOwner(SplitTopic(t)).has_value()) << t;
    EXPECT_FALSE(NamespaceOwner(t).has_value()) << t;
  }
  EXPECT_EQ(NamespaceOwner(SplitTopic("mqchat/v1/u/alice/")), "alice");  // an empty last level
}

// The topic overload answers every READ ACL check without splitting: it must agree with the
// split one on every shape, wildcards, empty levels and look-alike prefixes included.
TEST(TopicLevelsTest, NamespaceOwnerOfATopicAgreesWithTheSplitOne) {
  for (const char* t :
       {"mqchat/v1/u/alice/inbox", "mqchat/v1/u/alice/", "mqchat/v1/u/alice", "mqchat/v1/u//inbox",
        "mqchat/v1/u/", "mqchat/v1/u", "mqchat/v1/u/+/inbox", "mqchat/v1/u/#", "mqchat/v1/u/#/x",
        "mqchat/v1/u/a+b/inbox", "mqchat/v1/ux/alice/inbox", "mqchat/v1/uu/alice/inbox",
        "mqchat/v1//u/alice/inbox", "/mqchat/v1/u/alice/inbox", "xmqchat/v1/u/alice/inbox",
        "mqchat/v11/u/alice/inbox", "$share/g/mqchat/v1/u/alice/inbox", "mqchat/v1/p/alice",
        "mqchat/v1/ch/7", "mqchat/v1/u/alice/reply/phone", "mqchat/v1/u/alice/a/b/c", ""}) {
    EXPECT_EQ(NamespaceOwner(std::string_view(t)), NamespaceOwner(SplitTopic(t))) << t;
  }
  EXPECT_EQ(NamespaceOwner(std::string_view("mqchat/v1/u//inbox")), "");
  EXPECT_EQ(NamespaceOwner(std::string_view("mqchat/v1/u/+/inbox")), "+");
}

TEST(TopicLevelsTest, InboxTopicIntoReplacesWhatTheBufferHeld) {
  std::string out = "mqchat/v1/u/a-much-longer-username-than-the-next/inbox";
  InboxTopicInto("bob", out);
  EXPECT_EQ(out, InboxTopic("bob"));
  EXPECT_EQ(out, "mqchat/v1/u/bob/inbox");
  InboxTopicInto("alice", out);
  EXPECT_EQ(out, InboxTopic("alice"));
}

TEST(TopicLevelsTest, WillTopicIsExactlyTheDevicesOwn) {
  EXPECT_TRUE(IsWillTopic(SplitTopic(WillTopic("alice", "phone")), "alice", "phone"));
  EXPECT_FALSE(IsWillTopic(SplitTopic(WillTopic("alice", "phone")), "bob", "phone"));
  EXPECT_FALSE(IsWillTopic(SplitTopic(WillTopic("alice", "phone")), "alice", "tablet"));
  for (const char* t : {"mqchat/v1/u/alice/will/phone/x", "mqchat/v1/u/alice/will",
                        "mqchat/v1/u/alice/reply/phone", "mqchat/v2/u/alice/will/phone",
                        "mqchat/v1/p/alice/will/phone", "mqchat/v1/u/alice/will/+"}) {
    EXPECT_FALSE(IsWillTopic(SplitTopic(t), "alice", "phone")) << t;
  }
}

TEST(TopicLevelsTest, RequestTopicShapeIsReqOrConversationWhateverTheOp) {
  for (size_t i = 0; i < kOpCount; ++i) {
    EXPECT_TRUE(HasRequestTopicShape(SplitTopic(RequestTopic(static_cast<Op>(i), 12)))) << i;
  }
  EXPECT_TRUE(HasRequestTopicShape(SplitTopic("mqchat/v1/req/nope")));
  EXPECT_TRUE(HasRequestTopicShape(SplitTopic("mqchat/v1/c/x/y")));
  for (const char* t : {"mqchat/v1/req", "mqchat/v1/req/a/b", "mqchat/v1/c/12",
                        "mqchat/v1/c/12/send/x", "mqchat/v2/req/send", "x/v1/req/send",
                        "mqchat/v1/u/alice/inbox", "mqchat/v1/p/alice", "mqchat/v1/x/send", ""}) {
    EXPECT_FALSE(HasRequestTopicShape(SplitTopic(t))) << t;
  }
}

}  // namespace
}  // namespace mqchat::protocol
