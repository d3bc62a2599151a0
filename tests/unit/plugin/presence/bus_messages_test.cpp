#include "presence/bus_messages.h"

#include <gtest/gtest.h>

namespace mqchat::presence {
namespace {

TEST(BusMessagesTest, DeviceCountRoundTripsWithSpacesInTheName) {
  auto m = DecodeBusPresence(EncodeDeviceCount(3, "ann marie", 2));
  ASSERT_TRUE(m && m->count && !m->state);
  EXPECT_EQ(m->count->broker, 3);
  EXPECT_EQ(m->count->devices, 2);
  EXPECT_EQ(m->count->user, "ann marie");
  EXPECT_EQ(EncodeDeviceCount(1, "bob", 0), "1 0 bob");  // the format older brokers read
}

TEST(BusMessagesTest, BrokerStateRoundTripsIncludingEmpty) {
  auto m = DecodeBusPresence(EncodeBrokerState(7, {{"alice", 1}, {"bob smith", 3}}));
  ASSERT_TRUE(m && m->state && !m->count);
  EXPECT_EQ(m->state->broker, 7);
  EXPECT_EQ(m->state->users, (std::map<std::string, int>{{"alice", 1}, {"bob smith", 3}}));
  auto empty = DecodeBusPresence(EncodeBrokerState(2, {}));
  ASSERT_TRUE(empty && empty->state);
  EXPECT_TRUE(empty->state->users.empty());
}

TEST(BusMessagesTest, MembersRoundTrip) {
  auto m = DecodeMembers(EncodeMembers(4, {"alice", "bob"}));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->broker, 4);
  EXPECT_EQ(m->members, (std::vector<std::string>{"alice", "bob"}));
}

TEST(BusMessagesTest, BlockRoundTrip) {
  for (bool blocked : {true, false}) {
    auto b = DecodeBlock(EncodeBlock(3, "bob", "alice smith", blocked));
    ASSERT_TRUE(b);
    EXPECT_EQ(b->broker, 3);
    EXPECT_EQ(b->blocked, blocked);
    EXPECT_EQ(b->blocker, "bob");
    EXPECT_EQ(b->target, "alice smith");
  }
}

TEST(BusMessagesTest, GarbageIsRejected) {
  for (const char* bad : {"", "x 1 bob", "1", "1 x bob", "1 2 ", "1 =\nnope", "-1 1 bob"}) {
    EXPECT_FALSE(DecodeBusPresence(bad)) << bad;
  }
  EXPECT_FALSE(DecodeMembers("x\nalice"));
  EXPECT_FALSE(DecodeMembers("1\n\nalice"));
  for (const char* bad : {"", "1 1\nbob", "1 2\nbob\nalice", "1 1\n\nalice", "x 1\nbob\nalice",
                          "1 1\nbob\nalice\ncarol", "1\nbob\nalice"}) {
    EXPECT_FALSE(DecodeBlock(bad)) << bad;
  }
}

}  // namespace
}  // namespace mqchat::presence
