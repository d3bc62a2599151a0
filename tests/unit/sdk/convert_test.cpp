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
