// The SDK's wire conversions (client-sdk/src/convert.h): the public value types go to the wire
// structs and back unchanged, and kind/role names are the protocol's.
#include "src/convert.h"

#include <gtest/gtest.h>

#include <tuple>

namespace mqchat::sdk {
namespace {

auto Tie(const Message& m) {
  return std::tie(m.conversation_id, m.seq, m.message_id, m.sender, m.client_msg_id, m.text,
                  m.sent_at_ms);
}

Message SampleMessage() {
  return Message{9007199254740993, 42, 7170981234567168001, "alice", "c-1", "hi", 1700000000000};
}

TEST(ConvertTest, MessageRoundTripsThroughTheWireStruct) {
  const Message m = SampleMessage();
  EXPECT_EQ(Tie(FromWire(ToWire(m))), Tie(m));
}

// What a message carries besides its text (issue 16): reply, edit, tombstone, reactions.
TEST(ConvertTest, AMessagesCurrentStateRoundTripsThroughTheWireStruct) {
  Message m = SampleMessage();
  m.reply_to = 40;
  m.reply = ReplyQuote{40, "bob", "the start", false};
  m.edited_at_ms = 1700000000500;
  m.reactions = {Reaction{"\xF0\x9F\x91\x8D", 2, true}, Reaction{"\xE2\x9D\xA4", 1, false}};
  const Message back = FromWire(ToWire(m));
  EXPECT_EQ(Tie(back), Tie(m));
  EXPECT_EQ(back.reply_to, 40);
  ASSERT_TRUE(back.reply.has_value());
  EXPECT_EQ(std::tie(back.reply->seq, back.reply->sender, back.reply->snippet, back.reply->deleted),
            std::tie(m.reply->seq, m.reply->sender, m.reply->snippet, m.reply->deleted));
  EXPECT_EQ(back.edited_at_ms, 1700000000500);
  EXPECT_TRUE(back.edited());
  EXPECT_FALSE(back.deleted);
  ASSERT_EQ(back.reactions.size(), 2u);
  EXPECT_EQ(back.reactions[0].emoji, m.reactions[0].emoji);
  EXPECT_EQ(back.reactions[0].count, 2);
  EXPECT_TRUE(back.reactions[0].mine);
  EXPECT_FALSE(back.reactions[1].mine);
  m.deleted = true;
  m.text = "";
  EXPECT_TRUE(FromWire(ToWire(m)).deleted);
}

TEST(ConvertTest, SummaryRoundTripsThroughTheWireStruct) {
  for (ConversationKind kind : {ConversationKind::kDirect, ConversationKind::kGroup}) {
    ConversationSummary s{17, kind, "Team", 42, 40, 2, {"alice", "bob"}, SampleMessage()};
    protocol::WireSummary w = ToWire(s);
    EXPECT_EQ(w.kind, kind == ConversationKind::kGroup ? "group" : "direct");
    ConversationSummary back = FromWire(w);
    EXPECT_EQ(std::tie(back.id, back.kind, back.name, back.last_seq, back.read_seq, back.unread,
                       back.members),
              std::tie(s.id, s.kind, s.name, s.last_seq, s.read_seq, s.unread, s.members));
    ASSERT_TRUE(back.last_message.has_value());
    EXPECT_EQ(Tie(*back.last_message), Tie(*s.last_message));
    s.last_message.reset();
    EXPECT_FALSE(FromWire(ToWire(s)).last_message.has_value());
  }
}

// Kinds by name and back; an unknown name (a newer server's) is read as direct, as before.
TEST(ConvertTest, KindsByName) {
  EXPECT_EQ(KindFromString("direct"), ConversationKind::kDirect);
  EXPECT_EQ(KindFromString("group"), ConversationKind::kGroup);
  EXPECT_EQ(KindFromString("channel"), ConversationKind::kChannel);
  EXPECT_EQ(KindFromString("forum"), ConversationKind::kDirect);
  for (auto kind :
       {ConversationKind::kDirect, ConversationKind::kGroup, ConversationKind::kChannel}) {
    EXPECT_EQ(KindFromString(KindName(kind)), kind);
  }
}

TEST(ConvertTest, AckRoundTripsThroughTheWireStruct) {
  const Ack a{17, 42, 7170981234567168001, "c-1", 1700000000000, true};
  const Ack back = FromWire(ToWire(a));
  EXPECT_EQ(std::tie(back.conversation_id, back.seq, back.message_id, back.client_msg_id,
                     back.server_time_ms, back.duplicate),
            std::tie(a.conversation_id, a.seq, a.message_id, a.client_msg_id, a.server_time_ms,
                     a.duplicate));
}

}  // namespace
}  // namespace mqchat::sdk
