// Proves the integration fixtures (BrokerProcess, RedisInstance, MqttTestClient) against plain
// Mosquitto and Redis, without the mqchat plugin.
#include <chrono>

#include <gtest/gtest.h>

#include "support/broker_process.h"
#include "support/mqtt_test_client.h"
#include "support/redis_instance.h"

namespace mqchat::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

BrokerOptions PlainBroker() {
  BrokerOptions options;
  options.with_plugin = false;
  return options;
}

ConnectOptions On(const BrokerProcess& broker, int mqtt_version = 5) {
  ConnectOptions options;
  options.port = broker.port();
  options.mqtt_version = mqtt_version;
  return options;
}

class FixtureBrokerVersionTest : public ::testing::TestWithParam<int> {};

TEST_P(FixtureBrokerVersionTest, SubscriberReceivesPublish) {
  BrokerProcess broker(PlainBroker());
  if (!broker.Start()) return;
  MqttTestClient sub, pub;
  ASSERT_EQ(sub.Connect(On(broker, GetParam())), 0) << sub.last_error();
  ASSERT_EQ(pub.Connect(On(broker, GetParam())), 0) << pub.last_error();
  EXPECT_EQ(sub.Subscribe("room/+/msg", 1), 1);

  PublishProps props;
  props.response_topic = "reply/to";
  props.correlation_data = std::string("c\0r", 3);
  props.user_properties = {{"k", "v"}};
  EXPECT_EQ(pub.Publish("room/7/msg", std::string("hi\0there", 8), 1, false, props), 0)
      << pub.last_error();

  auto m = sub.WaitMessage(seconds(5), "room/#");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->topic, "room/7/msg");
  EXPECT_EQ(m->payload, std::string("hi\0there", 8));
  EXPECT_EQ(m->qos, 1);
  if (GetParam() == 5) {
    EXPECT_EQ(m->response_topic, "reply/to");
    EXPECT_EQ(m->correlation_data, std::string("c\0r", 3));
    EXPECT_EQ(m->user_properties, (UserProperties{{"k", "v"}}));
  }
  sub.Disconnect();
  EXPECT_TRUE(sub.WaitDisconnected(milliseconds(100)));
  EXPECT_FALSE(sub.IsConnected());
}

INSTANTIATE_TEST_SUITE_P(FixtureMqtt, FixtureBrokerVersionTest, ::testing::Values(5, 4),
                         [](const auto& info) { return info.param == 5 ? "V5" : "V311"; });

// Plain Mosquitto 2.0.11 refuses nothing at SUBSCRIBE time (acl_file filters on delivery), so
// refused SUBACKs are left to the plugin's own tests.
TEST(FixtureBrokerTest, ReturnsPubackAndConnackReasonCodes) {
  BrokerOptions options = PlainBroker();
  options.files = {{"acl", "topic readwrite open/#\n"}};
  options.extra_conf = "acl_file ${DIR}/acl";
  BrokerProcess broker(options);
  if (!broker.Start()) return;

  MqttTestClient v5;
  ASSERT_EQ(v5.Connect(On(broker, 5)), 0) << v5.last_error();
  EXPECT_EQ(v5.Subscribe("open/x", 2), 2);
  EXPECT_EQ(v5.Publish("closed/x", "x", 1), 0x87);
  // Mosquitto sends PUBACK 0x10 (no matching subscribers), but Paho C 1.3.12 reports every
  // PUBACK code below 0x80 as 0.
  EXPECT_EQ(v5.Publish("open/nobody", "x", 1), 0);
  EXPECT_EQ(v5.Publish("open/nobody", "x", 0), 0);

  MqttTestClient v3;
  ASSERT_EQ(v3.Connect(On(broker, 4)), 0) << v3.last_error();
  EXPECT_EQ(v3.Subscribe("open/x", 1), 1);
  EXPECT_EQ(v3.Publish("closed/x", "x", 1), 0);  // a v3.1.1 PUBACK carries no reason

  BrokerOptions closed_options = PlainBroker();
  closed_options.allow_anonymous = false;
  BrokerProcess closed(closed_options);
  if (!closed.Start()) return;
  MqttTestClient refused;
  EXPECT_EQ(refused.Connect(On(closed, 5)), 0x87);
  EXPECT_FALSE(refused.IsConnected());
  EXPECT_EQ(refused.Connect(On(closed, 4)), 5);
  ConnectOptions nobody_listening = On(closed, 5);
  closed.Stop();
  EXPECT_LT(refused.Connect(nobody_listening), 0);  // local failure, not a reason code
}

TEST(FixtureBrokerTest, ReportsServerDisconnectReason) {
  BrokerOptions options = PlainBroker();
  options.extra_conf = "max_packet_size 200";
  BrokerProcess broker(options);
  if (!broker.Start()) return;
  MqttTestClient client;
  ASSERT_EQ(client.Connect(On(broker)), 0);
  client.Publish("big", std::string(1000, 'x'), 1);
  ASSERT_TRUE(client.WaitDisconnected(seconds(5)));
  EXPECT_EQ(client.server_disconnect_reason(), 0x95);  // packet too large
  EXPECT_FALSE(client.IsConnected());

  // A takeover (same client id) closes the old connection without a DISCONNECT in 2.0.11.
  ConnectOptions same_id = On(broker);
  same_id.client_id = "same-id";
  MqttTestClient first, second;
  ASSERT_EQ(first.Connect(same_id), 0);
  ASSERT_EQ(second.Connect(same_id), 0);
  EXPECT_TRUE(first.WaitDisconnected(seconds(5)));
  EXPECT_TRUE(second.IsConnected());
}

TEST(FixtureBrokerTest, RestartAndKillKeepPortAndConfig) {
  BrokerProcess broker(PlainBroker());
  if (!broker.Start()) return;
  const int port = broker.port();
  MqttTestClient client;
  ASSERT_EQ(client.Connect(On(broker)), 0);

  ASSERT_TRUE(broker.Restart());
  EXPECT_EQ(broker.port(), port);
  EXPECT_TRUE(client.WaitDisconnected(seconds(5)));
  ASSERT_EQ(client.Connect(On(broker)), 0) << client.last_error();

  broker.Kill();
  EXPECT_TRUE(client.WaitDisconnected(seconds(5)));
  ASSERT_TRUE(broker.Start());
  EXPECT_EQ(client.Connect(On(broker)), 0) << client.last_error();
}

TEST(FixtureBrokerTest, PausedBrokerTimesOutThenRecovers) {
  BrokerProcess broker(PlainBroker());
  if (!broker.Start()) return;
  broker.Pause();
  MqttTestClient client;
  ConnectOptions options = On(broker);
  options.timeout = milliseconds(300);
  EXPECT_EQ(client.Connect(options), MqttTestClient::kTimedOut);
  broker.Resume();
  options.timeout = seconds(5);
  EXPECT_EQ(client.Connect(options), 0) << client.last_error();
}

TEST(FixtureBrokerTest, WebsocketsListener) {
  BrokerOptions options = PlainBroker();
  options.websockets = true;
  BrokerProcess broker(options);
  if (!broker.Start()) return;
  ASSERT_NE(broker.ws_port(), 0);
  MqttTestClient ws, tcp;
  ConnectOptions ws_options = On(broker);
  ws_options.port = broker.ws_port();
  ws_options.websockets = true;
  ASSERT_EQ(ws.Connect(ws_options), 0) << ws.last_error();
  ASSERT_EQ(tcp.Connect(On(broker)), 0);
  ASSERT_EQ(ws.Subscribe("a/b", 1), 1);
  EXPECT_EQ(tcp.Publish("a/b", "over ws"), 0);
  auto m = ws.WaitMessage(seconds(5));
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->payload, "over ws");
}

TEST(FixtureBrokerTest, StartExpectingExitReportsCodeAndLog) {
  BrokerOptions options = PlainBroker();
  options.extra_conf = "plugin ${DIR}/missing.so";
  BrokerProcess broker(options);
  BrokerExit result = broker.StartExpectingExit();
  EXPECT_TRUE(result.exited);
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.log.find("missing.so"), std::string::npos) << result.log;
}

TEST(FixtureBrokerTest, TopicMatches) {
  EXPECT_TRUE(TopicMatches("a/+/c", "a/b/c"));
  EXPECT_TRUE(TopicMatches("a/#", "a"));
  EXPECT_TRUE(TopicMatches("#", "a/b"));
  EXPECT_FALSE(TopicMatches("a/+", "a/b/c"));
  EXPECT_FALSE(TopicMatches("a/b", "a"));
}

TEST(FixtureRedisTest, PingWorksAfterStopAndStart) {
  RedisInstance redis;
  if (!redis.Start()) return;
  const int port = redis.port();
  EXPECT_TRUE(redis.Ping());
  auto set = redis.Command({"SET", "k", "v"});
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(set->str, "OK");
  auto get = redis.Command({"GET", "k"});
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(get->type, RedisReply::Type::kBulk);
  EXPECT_EQ(get->str, "v");

  redis.Stop();
  EXPECT_FALSE(redis.Ping(milliseconds(200)));
  ASSERT_TRUE(redis.Start());
  EXPECT_EQ(redis.port(), port);
  EXPECT_TRUE(redis.Ping());
  auto gone = redis.Command({"GET", "k"});  // nothing is saved across restarts
  ASSERT_TRUE(gone.has_value());
  EXPECT_EQ(gone->type, RedisReply::Type::kNil);
}

}  // namespace
}  // namespace mqchat::test
