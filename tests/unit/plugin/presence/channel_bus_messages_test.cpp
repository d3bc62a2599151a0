// The ClusterBus lines of channel delivery (presence/channel_bus_messages.h): a stored channel
// event keeps the format older brokers read; an ephemeral one (typing) carries a " 0" mark that
// decodes to QoS 0 and that an older decoder refuses (a hint lost, nothing misdelivered).
#include "presence/channel_bus_messages.h"

#include <gtest/gtest.h>

namespace mqchat::presence {
namespace {

TEST(ChannelBusMessagesTest, AStoredEventKeepsTheOldFormatAndQos1) {
  const std::string line = EncodeChannelMessage(2, 77, "{\"type\":\"message\"}");
  EXPECT_EQ(line, "2 77\n{\"type\":\"message\"}");
  auto m = DecodeChannelMessage(line);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->broker, 2);
  EXPECT_EQ(m->channel_id, 77);
  EXPECT_EQ(m->qos, 1);
  EXPECT_EQ(m->payload, "{\"type\":\"message\"}");
}

TEST(ChannelBusMessagesTest, AnEphemeralEventRoundTripsAtQos0) {
  const std::string line = EncodeChannelMessage(3, 1234, "{\"type\":\"typing\"}\n2nd line", 0);
  EXPECT_EQ(line, "3 1234 0\n{\"type\":\"typing\"}\n2nd line");
  auto m = DecodeChannelMessage(line);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->broker, 3);
  EXPECT_EQ(m->channel_id, 1234);
  EXPECT_EQ(m->qos, 0);
  EXPECT_EQ(m->payload, "{\"type\":\"typing\"}\n2nd line");
}

TEST(ChannelBusMessagesTest, MalformedHeadsAreRefused) {
  EXPECT_FALSE(DecodeChannelMessage("3 0\n{}"));      // channel 0 is no id
  EXPECT_FALSE(DecodeChannelMessage(" 0\n{}"));       // no broker
  EXPECT_FALSE(DecodeChannelMessage("3 12 1\n{}"));   // only the 0 mark exists
  EXPECT_FALSE(DecodeChannelMessage("3 12 0\n"));     // no payload
  EXPECT_FALSE(DecodeChannelMessage("3 12 0"));       // no newline
}

}  // namespace
}  // namespace mqchat::presence
