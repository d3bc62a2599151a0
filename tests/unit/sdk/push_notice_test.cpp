// ParsePushNotice (mqchat/push.h): the fields a push gateway's notification brings to the app,
// and the phone options (ClientOptions::background_grace, the backoff defaults).
#include <gtest/gtest.h>

#include "mqchat/client_options.h"
#include "mqchat/push.h"

namespace mqchat {
namespace {

TEST(SdkPushNoticeTest, ReadsTheGatewayFields) {
  auto n = ParsePushNotice({{"room_id", "7170981234567168001"},
                            {"first_seq", "40"},
                            {"last_seq", "42"},
                            {"sender", "alice"},
                            {"event_id", "7170981234567168001:42"}});
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->conversation_id, 7170981234567168001);
  EXPECT_EQ(n->first_seq, 40);
  EXPECT_EQ(n->last_seq, 42);
  EXPECT_EQ(n->sender, "alice");
}

TEST(SdkPushNoticeTest, LastSeqFromTheEventIdOrTheFirst) {
  auto from_event = ParsePushNotice({{"room_id", "12"}, {"first_seq", "3"}, {"event_id", "12:9"}});
  ASSERT_TRUE(from_event.ok()) << from_event.status().ToString();
  EXPECT_EQ(from_event->last_seq, 9);
  auto alone = ParsePushNotice({{"conversation_id", "12"}, {"first_seq", "3"}});
  ASSERT_TRUE(alone.ok()) << alone.status().ToString();
  EXPECT_EQ(alone->conversation_id, 12);
  EXPECT_EQ(alone->last_seq, 3);
}

TEST(SdkPushNoticeTest, RefusesWhatAnnouncesNoMessages) {
  const std::vector<std::map<std::string, std::string>> bad = {
      {},                                                        // nothing
      {{"prio", "low"}, {"unread", "2"}},                        // counts only
      {{"room_id", "12"}},                                       // no first_seq
      {{"room_id", "x12"}, {"first_seq", "1"}},                  // not an id
      {{"room_id", "0"}, {"first_seq", "1"}},                    // not an id
      {{"room_id", "12"}, {"first_seq", "-1"}},                  // negative
      {{"room_id", "12"}, {"first_seq", "5"}, {"last_seq", "4"}},  // backwards
      {{"room_id", "12"}, {"first_seq", "5"}, {"last_seq", "1e3"}},
      {{"room_id", "12"}, {"first_seq", "99999999999999999999"}},  // overflows
      {{"room_id", "12"}, {"first_seq", "1"}, {"event_id", "13:4"}},  // another room
      {{"room_id", "12"}, {"first_seq", "1"}, {"event_id", "12"}},
  };
  for (const auto& fields : bad) {
    auto n = ParsePushNotice(fields);
    EXPECT_EQ(n.status().code(), Code::kInvalidArgument) << fields.size();
  }
}

TEST(SdkPushNoticeTest, PhoneOptions) {
  ClientOptions::Builder b;
  b.Server("tcp://127.0.0.1:1883").Credentials("alice", "secret").Device("phone-1");
  auto options = b.Build();
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->background_grace, std::chrono::milliseconds(0));
  EXPECT_EQ(options->reconnect_max, std::chrono::seconds(60));
  EXPECT_TRUE(b.BackgroundGrace(std::chrono::seconds(10)).Build().ok());
  EXPECT_EQ(b.BackgroundGrace(std::chrono::milliseconds(-1)).Build().status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(b.BackgroundGrace(std::chrono::minutes(11)).Build().status().code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace mqchat
