// The push gateway protocol (push/gateway_protocol.h): the notification JSON a job becomes, and
// how gateway answers are read.
#include "push/gateway_protocol.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mqchat::push {
namespace {

using nlohmann::json;

store::PushJob Job() {
  store::PushJob job;
  job.job_id = 7;
  job.username = "carol";
  job.conversation_id = 9007199254740993;  // above 2^53: must travel as a string
  job.first_seq = 40;
  job.last_seq = 42;
  job.count = 3;
  job.sender = "alice";
  job.preview_text = "h\xC3\xA9llo";
  return job;
}

std::vector<store::PushTarget> Targets() {
  return {{"carol", "laptop", "webpush", "https://push.example/abc", 1700000000000},
          {"carol", "phone", "fcm", "fcm-token", 1700000000001}};
}

TEST(BuildNotificationTest, MatrixStyleEnvelope) {
  const json body = json::parse(BuildNotification(Job(), Targets(), "com.example.chat", 17));
  ASSERT_TRUE(body.contains("notification"));
  const json& n = body["notification"];
  EXPECT_EQ(n["event_id"], "9007199254740993:42");
  EXPECT_EQ(n["room_id"], "9007199254740993");
  EXPECT_EQ(n["type"], "mqchat.message");
  EXPECT_EQ(n["sender"], "alice");
  EXPECT_EQ(n["user"], "carol");
  EXPECT_EQ(n["prio"], "high");
  EXPECT_EQ(n["first_seq"], 40);
  EXPECT_EQ(n["last_seq"], 42);
  // unread: the user's total (Matrix); messages: what this notification stands for.
  EXPECT_EQ(n["counts"], json({{"unread", 17}, {"messages", 3}}));
  EXPECT_EQ(n["content"]["body"], "h\xC3\xA9llo");
  ASSERT_EQ(n["devices"].size(), 2u);
  const json& d = n["devices"][1];
  EXPECT_EQ(d["app_id"], "com.example.chat");
  EXPECT_EQ(d["platform"], "fcm");
  EXPECT_EQ(d["pushkey"], "fcm-token");
  EXPECT_EQ(d["pushkey_ts"], 1700000000001);
  EXPECT_EQ(d["data"]["device_id"], "phone");
}

TEST(BuildNotificationTest, NoContentWithoutPreview) {
  store::PushJob job = Job();
  job.preview_text.reset();
  const json n = json::parse(BuildNotification(job, Targets(), "a", 5))["notification"];
  EXPECT_FALSE(n.contains("content"));
  EXPECT_EQ(n["counts"]["unread"], 5);
  EXPECT_EQ(n["counts"]["messages"], 3);
}

TEST(BuildNotificationTest, CountsOnlyCarriesTheBadgeAndNoContent) {
  store::PushJob job;
  job.username = "carol";
  job.conversation_id = store::kCountsOnlyJob;
  job.first_seq = 1;
  job.last_seq = 3;  // three reads folded in
  const json n = json::parse(BuildNotification(job, Targets(), "a", 4))["notification"];
  // As the Matrix API's badge update: no event_id (nor room, type, sender, content), low prio.
  EXPECT_EQ(n, json({{"user", "carol"},
                     {"prio", "low"},
                     {"counts", {{"unread", 4}}},
                     {"devices", n["devices"]}}));
  EXPECT_EQ(n["devices"].size(), 2u);
}

TEST(BuildNotificationTest, EventIdIsStableAcrossRetriesAndChangesWithContent) {
  store::PushJob job = Job();
  const std::string first = BuildNotification(job, Targets(), "a", 5);
  job.attempts = 4;
  EXPECT_EQ(BuildNotification(job, Targets(), "a", 5), first);
  job.last_seq = 43;
  EXPECT_NE(json::parse(BuildNotification(job, Targets(), "a", 5))["notification"]["event_id"],
            json::parse(first)["notification"]["event_id"]);
}

HttpResult Http(long status, std::string body = "") {
  HttpResult r;
  r.transport_ok = true;
  r.status = status;
  r.body = std::move(body);
  return r;
}

const std::vector<std::string> kSent = {"a", "b"};

TEST(ClassifyGatewayResponseTest, SuccessWithAndWithoutRejections) {
  auto ok = ClassifyGatewayResponse(Http(200, R"({"rejected":[]})"), kSent);
  EXPECT_EQ(ok.verdict, GatewayVerdict::kDelivered);
  EXPECT_TRUE(ok.invalid_tokens.empty());
  EXPECT_TRUE(ok.reason.empty());

  EXPECT_EQ(ClassifyGatewayResponse(Http(204), kSent).verdict, GatewayVerdict::kDelivered)
      << "an empty or non-JSON body rejects nothing";
  EXPECT_EQ(ClassifyGatewayResponse(Http(200, "not json"), kSent).verdict,
            GatewayVerdict::kDelivered);

  // Tokens not sent, duplicates and non-strings are ignored.
  auto some = ClassifyGatewayResponse(Http(200, R"({"rejected":["b","zzz","b",5]})"), kSent);
  EXPECT_EQ(some.verdict, GatewayVerdict::kDelivered);
  EXPECT_EQ(some.invalid_tokens, std::vector<std::string>({"b"}));
  EXPECT_NE(some.reason.find("rejected 1"), std::string::npos);

  auto all = ClassifyGatewayResponse(Http(200, R"({"rejected":["a","b"]})"), kSent);
  EXPECT_EQ(all.verdict, GatewayVerdict::kTokensInvalid);
  EXPECT_EQ(all.invalid_tokens, kSent);
}

TEST(ClassifyGatewayResponseTest, InvalidTokenStatuses) {
  for (long status : {400L, 404L, 410L}) {
    auto out = ClassifyGatewayResponse(Http(status, "gone"), kSent);
    EXPECT_EQ(out.verdict, GatewayVerdict::kTokensInvalid) << status;
    EXPECT_EQ(out.invalid_tokens, kSent) << status;
    EXPECT_NE(out.reason.find("HTTP " + std::to_string(status)), std::string::npos);
  }
}

TEST(ClassifyGatewayResponseTest, RetryableFailures) {
  for (long status : {500L, 502L, 503L, 504L, 408L, 429L}) {
    auto out = ClassifyGatewayResponse(Http(status), kSent);
    EXPECT_EQ(out.verdict, GatewayVerdict::kRetry) << status;
    EXPECT_TRUE(out.invalid_tokens.empty());
    EXPECT_EQ(out.reason, "HTTP " + std::to_string(status));
  }
  HttpResult refused;
  refused.error = "Failed to connect to 127.0.0.1 port 9: Connection refused";
  auto out = ClassifyGatewayResponse(refused, kSent);
  EXPECT_EQ(out.verdict, GatewayVerdict::kRetry);
  EXPECT_EQ(out.reason, refused.error);
}

TEST(ClassifyGatewayResponseTest, OtherStatusesFailForGoodWithAShortReason) {
  auto out = ClassifyGatewayResponse(Http(401, std::string(1000, 'x')), kSent);
  EXPECT_EQ(out.verdict, GatewayVerdict::kFailed);
  EXPECT_TRUE(out.invalid_tokens.empty());
  EXPECT_LT(out.reason.size(), 250u);
  EXPECT_EQ(ClassifyGatewayResponse(Http(301), kSent).verdict, GatewayVerdict::kFailed);
}

}  // namespace
}  // namespace mqchat::push
