#include "protocol/requests.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "protocol/call_record.h"

namespace mqchat::protocol {
namespace {

using nlohmann::json;

const RequestLimits kLimits;
constexpr const char* kSendTopic = "mqchat/v1/c/42/send";

ParsedRequest Parse(const std::string& topic, const std::string& payload) {
  return ParseRequest(topic, payload, kLimits);
}

// Expects `payload` on `topic` to fail with `code`; returns the message.
std::string ExpectError(const std::string& topic, const std::string& payload, ErrorCode code) {
  ParsedRequest parsed = Parse(topic, payload);
  EXPECT_TRUE(parsed.error.has_value()) << topic << " " << payload.substr(0, 200);
  if (!parsed.error) return "";
  EXPECT_EQ(parsed.error->code, code)
      << topic << " " << payload.substr(0, 200) << " -> " << parsed.error->message;
  return parsed.error->message;
}

TEST(ParseRequestTest, SendWithReqId) {
  ParsedRequest parsed =
      Parse(kSendTopic, R"({"req_id":"r1","client_msg_id":"c-1","text":"hi","extra":[1,2]})");
  ASSERT_FALSE(parsed.error.has_value()) << parsed.error->message;
  EXPECT_EQ(parsed.op, Op::kSend);
  EXPECT_EQ(parsed.conversation_id, 42);
  EXPECT_EQ(parsed.req_id, "r1");
  EXPECT_EQ(parsed.request.op, Op::kSend);
  EXPECT_EQ(parsed.request.conversation_id, 42);
  EXPECT_EQ(parsed.request.req_id, "r1");
  const auto* body = std::get_if<SendRequest>(&parsed.request.body);
  ASSERT_NE(body, nullptr);
  EXPECT_EQ(body->client_msg_id, "c-1");
  EXPECT_EQ(body->text, "hi");
  EXPECT_EQ(parsed.request.body.index(), static_cast<size_t>(Op::kSend));
}

TEST(ParseRequestTest, EveryOpParsesFromItsTopic) {
  const std::pair<Op, const char*> cases[] = {
      {Op::kSend, R"({"client_msg_id":"c","text":"t"})"},
      {Op::kHistory, "{}"},
      {Op::kRead, R"({"seq":3})"},
      {Op::kMembers, "{}"},
      {Op::kAddMembers, R"({"users":["bob"]})"},
      {Op::kRemoveMember, R"({"user":"bob"})"},
      {Op::kLeave, "{}"},
      {Op::kRename, R"({"name":"New"})"},
      {Op::kTyping, "{}"},
      {Op::kMute, R"({"until_ms":-1})"},
      {Op::kEdit, R"({"client_msg_id":"e","seq":1,"text":"t"})"},
      {Op::kDelete, R"({"client_msg_id":"d","seq":1})"},
      {Op::kReact, R"({"client_msg_id":"r","seq":1,"emoji":"❤"})"},
      {Op::kOpenDirect, R"({"user":"bob"})"},
      {Op::kCreateGroup, R"({"name":"Team"})"},
      {Op::kConversations, "{}"},
      {Op::kSync, "{}"},
      {Op::kPushRegister, R"({"platform":"fcm","token":"t"})"},
      {Op::kPushUnregister, "{}"},
      {Op::kPushSettings, R"({"preview":false})"},
      {Op::kBlock, R"({"user":"bob"})"},
      {Op::kUnblock, R"({"user":"bob"})"},
      {Op::kBlocks, "{}"},
      {Op::kSetDmPolicy, R"({"dm_policy":"shared_group"})"},
      {Op::kReport, R"({"client_msg_id":"p","user":"bob","reason":"spam"})"},
      {Op::kSearch, R"({"query":"lunch"})"},
      {Op::kSetRetention, R"({"conversation_id":"5","days":30})"},
      {Op::kSetSlowMode, R"({"conversation_id":"5","seconds":30})"},
  };
  ASSERT_EQ(std::size(cases), kOpCount);
  for (const auto& [op, payload] : cases) {
    ParsedRequest parsed = Parse(RequestTopic(op, 5), payload);
    ASSERT_FALSE(parsed.error.has_value()) << OpName(op) << ": " << parsed.error->message;
    EXPECT_EQ(parsed.op, op);
    EXPECT_EQ(parsed.request.op, op);
    EXPECT_EQ(parsed.request.body.index(), static_cast<size_t>(op)) << OpName(op);
    EXPECT_EQ(parsed.request.conversation_id, IsConversationOp(op) ? 5 : 0);
    EXPECT_EQ(ResponseOpName(parsed), OpName(op));
  }
}

TEST(ParseRequestTest, Defaults) {
  auto history = Parse("mqchat/v1/c/1/history", "{}");
  ASSERT_FALSE(history.error);
  const auto& h = std::get<HistoryRequest>(history.request.body);
  EXPECT_EQ(h.after_seq, 0);
  EXPECT_EQ(h.before_seq, 0);
  EXPECT_EQ(h.limit, 50);

  auto sync = Parse("mqchat/v1/req/sync", "{}");
  ASSERT_FALSE(sync.error);
  EXPECT_EQ(std::get<SyncRequest>(sync.request.body).limit, 100);
  EXPECT_TRUE(std::get<SyncRequest>(sync.request.body).cursors.empty());

  auto typing = Parse("mqchat/v1/c/1/typing", "{}");
  ASSERT_FALSE(typing.error);
  EXPECT_TRUE(std::get<TypingRequest>(typing.request.body).typing);

  auto group = Parse("mqchat/v1/req/create_group", R"({"name":"T","members":null})");
  ASSERT_FALSE(group.error);
  EXPECT_TRUE(std::get<CreateGroupRequest>(group.request.body).members.empty());
}

TEST(ParseRequestTest, TopicErrorsStillEchoReqId) {
  auto unknown = Parse("mqchat/v1/c/1/frobnicate", R"({"req_id":"r9"})");
  ASSERT_TRUE(unknown.error);
  EXPECT_EQ(unknown.error->code, ErrorCode::kUnknownOp);
  EXPECT_EQ(unknown.req_id, "r9");
  EXPECT_FALSE(unknown.op.has_value());
  EXPECT_EQ(ResponseOpName(unknown), "frobnicate") << "the op requested";
  EXPECT_EQ(ResponseOpName(Parse("mqchat/v1/req/fly", "{}")), "fly");
  // An op valid only at the other place is named too.
  EXPECT_EQ(ResponseOpName(Parse("mqchat/v1/req/send", "{}")), "send");

  auto bad_id = Parse("mqchat/v1/c/abc/send", R"({"req_id":"r10","client_msg_id":"c","text":"t"})");
  ASSERT_TRUE(bad_id.error);
  EXPECT_EQ(bad_id.error->code, ErrorCode::kBadRequest);
  EXPECT_EQ(bad_id.req_id, "r10");
  EXPECT_EQ(bad_id.op, Op::kSend);
  EXPECT_EQ(ResponseOpName(bad_id), "send");

  const char* bad_topics[] = {"mqchat/v1/c//send", "mqchat/v1/c/-1/send",
                              "mqchat/v1/c/99999999999999999999/send"};
  for (const char* topic : bad_topics) {
    ExpectError(topic, R"({"client_msg_id":"c","text":"t"})", ErrorCode::kBadRequest);
  }
  ExpectError("mqchat/v1/req/send", R"({"client_msg_id":"c","text":"t"})", ErrorCode::kUnknownOp);
  ExpectError("mqchat/v1/c/1/send/x", R"({"client_msg_id":"c","text":"t"})", ErrorCode::kUnknownOp);
}

// A payload the JSON parser refuses still has its req_id echoed when the object can be read up
// to it (MQTT 3.1.1 clients match responses by req_id alone), or read once ill-formed UTF-8 is
// replaced.
TEST(ParseRequestTest, UnparsablePayloadsKeepTheirReqId) {
  struct Case {
    std::string payload;
    ErrorCode code;
  };
  const Case cases[] = {
      {R"({"req_id":"r1","client_msg_id":"c","text":"t",})", ErrorCode::kBadRequest},
      {R"({"req_id":"r1","client_msg_id":"c","text":"t")", ErrorCode::kBadRequest},
      {R"({"req_id":"r1","client_msg_id":"c","text":"t"} trailing)", ErrorCode::kBadRequest},
      {"{\"req_id\":\"r1\",\"client_msg_id\":\"c\",\"text\":\"ab\xc3\x28\"}",
       ErrorCode::kInvalidUtf8},
      {"{\"client_msg_id\":\"c\",\"text\":\"ab\xff\xfe\",\"req_id\":\"r1\"}",
       ErrorCode::kInvalidUtf8},
  };
  for (const Case& c : cases) {
    ParsedRequest parsed = Parse(kSendTopic, c.payload);
    ASSERT_TRUE(parsed.error) << c.payload;
    EXPECT_EQ(parsed.error->code, c.code) << c.payload << " -> " << parsed.error->message;
    EXPECT_EQ(parsed.req_id, "r1") << c.payload;
  }
  // Unknown op and unparsable payload: both echoed.
  ParsedRequest both = Parse("mqchat/v1/req/fly", R"({"req_id":"r2",)");
  EXPECT_EQ(both.req_id, "r2");
  EXPECT_EQ(ResponseOpName(both), "fly");
  // Not recoverable: the req_id comes after the syntax error, or is not a string.
  EXPECT_EQ(Parse(kSendTopic, R"({"text":"t",, "req_id":"r3"})").req_id, "");
  EXPECT_EQ(Parse(kSendTopic, R"({"req_id":3,)").req_id, "");
  EXPECT_EQ(Parse(kSendTopic, R"(["req_id","r4")").req_id, "");
  // A req_id that was itself ill-formed comes back as its replacement, which cannot match
  // anything the client sent; an over-long one not at all.
  EXPECT_EQ(Parse(kSendTopic, "{\"req_id\":\"r\xff\",").req_id, "r\xef\xbf\xbd");
  EXPECT_EQ(Parse(kSendTopic, "{\"req_id\":\"" + std::string(200, 'x') + "\",").req_id, "");
}

TEST(ParseRequestTest, PayloadMustBeAJsonObject) {
  const std::string not_objects[] = {
      "[]", "\"x\"", "1",   "null",     "true", "",  "{",
      "{]", "{} {}", "nul", "{\"a\":}", "[{}]", " ", "{\"client_msg_id\":\"c\",\"text\":\"t\",}"};
  for (const auto& payload : not_objects) {
    ExpectError(kSendTopic, payload, ErrorCode::kBadRequest);
  }
  std::string garbage;
  uint32_t state = 12345;  // deterministic pseudo-random bytes, all values 0..255
  for (int i = 0; i < (1 << 20); ++i) {
    state = state * 1103515245u + 12345u;
    garbage.push_back(static_cast<char>(state >> 24));
  }
  garbage[0] = 'x';
  ExpectError(kSendTopic, garbage, ErrorCode::kBadRequest);
  ExpectError(kSendTopic, "\xFF\xFE{}", ErrorCode::kBadRequest);
  // Deep nesting must not overflow the stack (parse or destruction).
  ExpectError(kSendTopic, std::string(1 << 20, '['), ErrorCode::kBadRequest);
  ExpectError(kSendTopic, std::string(100000, '[') + std::string(100000, ']'),
              ErrorCode::kBadRequest);
}

TEST(ParseRequestTest, InvalidUtf8InPayloadIsInvalidUtf8) {
  std::string payload = "{\"client_msg_id\":\"c\",\"text\":\"bad \xED\xA0\x80 surrogate\"}";
  ExpectError(kSendTopic, payload, ErrorCode::kInvalidUtf8);
  ExpectError(kSendTopic, "{\"client_msg_id\":\"c\",\"text\":\"\xC0\x80\"}",
              ErrorCode::kInvalidUtf8);
  // A NUL escaped in JSON is a valid string, but text may not contain it.
  std::string message = ExpectError(kSendTopic, R"({"client_msg_id":"c","text":"a\u0000b"})",
                                    ErrorCode::kInvalidUtf8);
  EXPECT_EQ(message, "text contains NUL");
  // A lone surrogate escape is refused by the JSON parser.
  ExpectError(kSendTopic, R"({"client_msg_id":"c","text":"\ud800"})", ErrorCode::kBadRequest);
}

// A call's log entry is keyed "call/<call id>" (CallEntryKey): a client that sent that key first
// would pre-empt its own call's entry (the plugin's append would find the key taken and store
// nothing), so no client request may use the prefix, in any op that carries a client_msg_id.
TEST(ParseRequestTest, CallEntryKeyPrefixIsReservedForTheServer) {
  const std::string key = CallEntryKey("00a0123456789abcd");
  for (const auto& [topic, body] : std::vector<std::pair<std::string, std::string>>{
           {kSendTopic, R"({"client_msg_id":")" + key + R"(","text":"t"})"},
           {RequestTopic(Op::kEdit, 7), R"({"client_msg_id":")" + key + R"(","seq":1,"text":"t"})"},
           {RequestTopic(Op::kDelete, 7), R"({"client_msg_id":"call/x","seq":1})"},
           {RequestTopic(Op::kReact, 7), R"({"client_msg_id":"call/","seq":1,"emoji":"❤"})"},
           {RequestTopic(Op::kReport, 0),
            R"({"client_msg_id":"call/1","user":"bob","reason":"spam"})"}}) {
    EXPECT_EQ(ExpectError(topic, body, ErrorCode::kBadRequest),
              "client_msg_id may not start with \"call/\" (the server's call entries)");
  }
  EXPECT_FALSE(Parse(kSendTopic, R"({"client_msg_id":"calls/1","text":"t"})").error.has_value());
  EXPECT_FALSE(Parse(kSendTopic, R"({"client_msg_id":"x-call/1","text":"t"})").error.has_value());
}

TEST(ParseRequestTest, SendValidation) {
  ExpectError(kSendTopic, R"({"text":"hi"})", ErrorCode::kBadRequest);
  ExpectError(kSendTopic, R"({"client_msg_id":"","text":"hi"})", ErrorCode::kBadRequest);
  ExpectError(kSendTopic, R"({"client_msg_id":5,"text":"hi"})", ErrorCode::kBadRequest);
  ExpectError(kSendTopic, json{{"client_msg_id", std::string(65, 'c')}, {"text", "x"}}.dump(),
              ErrorCode::kBadRequest);
  EXPECT_FALSE(
      Parse(kSendTopic, json{{"client_msg_id", std::string(64, 'c')}, {"text", "x"}}.dump()).error);
  ExpectError(kSendTopic, R"({"client_msg_id":"a\nb","text":"hi"})", ErrorCode::kBadRequest);
  ExpectError(kSendTopic, R"({"client_msg_id":"c"})", ErrorCode::kBadRequest);
  ExpectError(kSendTopic, R"({"client_msg_id":"c","text":42})", ErrorCode::kBadRequest);
  ExpectError(kSendTopic, R"({"client_msg_id":"c","text":["a"]})", ErrorCode::kBadRequest);
  ExpectError(kSendTopic, R"({"client_msg_id":"c","text":""})", ErrorCode::kEmptyText);

  std::string emoji;
  for (int i = 0; i < 100000; ++i) emoji += "\xF0\x9F\x98\x80";
  EXPECT_FALSE(Parse(kSendTopic, json{{"client_msg_id", "c"}, {"text", emoji}}.dump()).error);
  std::string message = ExpectError(
      kSendTopic, json{{"client_msg_id", "c"}, {"text", emoji + "!"}}.dump(), ErrorCode::kTooLong);
  EXPECT_EQ(message, "text has 100001 characters; the limit is 100000");

  RequestLimits small;
  small.max_message_chars = 3;
  EXPECT_EQ(ParseRequest(kSendTopic, R"({"client_msg_id":"c","text":"abcd"})", small).error->code,
            ErrorCode::kTooLong);
}

TEST(ParseRequestTest, ReqIdRules) {
  ExpectError(kSendTopic, R"({"req_id":5,"client_msg_id":"c","text":"t"})", ErrorCode::kBadRequest);
  auto too_long =
      Parse(kSendTopic,
            json{{"req_id", std::string(129, 'r')}, {"client_msg_id", "c"}, {"text", "t"}}.dump());
  ASSERT_TRUE(too_long.error);
  EXPECT_EQ(too_long.error->code, ErrorCode::kBadRequest);
  EXPECT_TRUE(too_long.req_id.empty());  // never echo an invalid req_id
  auto max =
      Parse(kSendTopic,
            json{{"req_id", std::string(128, 'r')}, {"client_msg_id", "c"}, {"text", "t"}}.dump());
  EXPECT_FALSE(max.error);
  EXPECT_EQ(max.req_id.size(), 128u);
  // Body errors echo it.
  auto body_error = Parse(kSendTopic, R"({"req_id":"r2","client_msg_id":"c","text":""})");
  EXPECT_EQ(body_error.req_id, "r2");
  EXPECT_EQ(body_error.error->code, ErrorCode::kEmptyText);
}

TEST(ParseRequestTest, HistoryValidation) {
  const std::string topic = "mqchat/v1/c/9/history";
  auto parsed = Parse(topic, R"({"before_seq":100,"limit":100})");
  ASSERT_FALSE(parsed.error);
  EXPECT_EQ(std::get<HistoryRequest>(parsed.request.body).before_seq, 100);
  EXPECT_EQ(std::get<HistoryRequest>(parsed.request.body).limit, 100);
  EXPECT_FALSE(Parse(topic, R"({"after_seq":0,"before_seq":5})").error);
  ExpectError(topic, R"({"after_seq":1,"before_seq":5})", ErrorCode::kBadRequest);
  ExpectError(topic, R"({"after_seq":-1})", ErrorCode::kBadRequest);
  ExpectError(topic, R"({"after_seq":1.5})", ErrorCode::kBadRequest);
  ExpectError(topic, R"({"after_seq":"1"})", ErrorCode::kBadRequest);
  ExpectError(topic, R"({"after_seq":18446744073709551615})", ErrorCode::kBadRequest);
  ExpectError(topic, R"({"limit":0})", ErrorCode::kBadRequest);
  ExpectError(topic, R"({"limit":101})", ErrorCode::kBadRequest);
  ExpectError(topic, R"({"limit":"10"})", ErrorCode::kBadRequest);
  ExpectError(topic, R"({"limit":1e2})", ErrorCode::kBadRequest);
  ExpectError("mqchat/v1/c/9/read", "{}", ErrorCode::kBadRequest);
  ExpectError("mqchat/v1/c/9/read", R"({"seq":-3})", ErrorCode::kBadRequest);
  ExpectError("mqchat/v1/c/9/read", R"({"seq":true})", ErrorCode::kBadRequest);
}

TEST(ParseRequestTest, UserListsAndNames) {
  const std::string add = "mqchat/v1/c/9/add_members";
  auto parsed = Parse(add, R"({"users":["bob","carol","bob"]})");
  ASSERT_FALSE(parsed.error);
  EXPECT_EQ(std::get<AddMembersRequest>(parsed.request.body).users,
            (std::vector<std::string>{"bob", "carol"}));
  ExpectError(add, R"({"users":[]})", ErrorCode::kBadRequest);
  ExpectError(add, R"({"users":"bob"})", ErrorCode::kBadRequest);
  ExpectError(add, R"({"users":["bob",7]})", ErrorCode::kBadRequest);
  std::string message = ExpectError(add, R"({"users":["bob","b/ad"]})", ErrorCode::kBadRequest);
  EXPECT_NE(message.find("users[1]"), std::string::npos) << message;
  ExpectError(add, R"({"users":["+"]})", ErrorCode::kBadRequest);
  json many = json::array();
  for (int i = 0; i < 1001; ++i) many.push_back("u" + std::to_string(i));
  ExpectError(add, json{{"users", many}}.dump(), ErrorCode::kBadRequest);
  many.erase(many.begin());
  EXPECT_FALSE(Parse(add, json{{"users", many}}.dump()).error);

  message = ExpectError("mqchat/v1/c/9/remove_member", R"({"user":"#"})", ErrorCode::kBadRequest);
  EXPECT_NE(message.find("user"), std::string::npos);
  ExpectError("mqchat/v1/c/9/remove_member", "{}", ErrorCode::kBadRequest);
  ExpectError("mqchat/v1/req/open_direct", R"({"user":""})", ErrorCode::kBadRequest);
  ExpectError("mqchat/v1/req/open_direct", R"({"user":["bob"]})", ErrorCode::kBadRequest);

  ExpectError("mqchat/v1/c/9/rename", R"({"name":""})", ErrorCode::kBadRequest);
  ExpectError("mqchat/v1/c/9/rename", json{{"name", std::string(201, 'n')}}.dump(),
              ErrorCode::kBadRequest);
  ExpectError("mqchat/v1/c/9/rename", "{}", ErrorCode::kBadRequest);
  ExpectError("mqchat/v1/req/create_group", R"({"members":["bob"]})", ErrorCode::kBadRequest);
  ExpectError("mqchat/v1/req/create_group", R"({"name":"T","members":["bob","$x"]})",
              ErrorCode::kBadRequest);
  ExpectError("mqchat/v1/c/9/typing", R"({"typing":"yes"})", ErrorCode::kBadRequest);
}

TEST(ParseRequestTest, SyncCursors) {
  const std::string topic = "mqchat/v1/req/sync";
  auto parsed = Parse(topic, R"({"cursors":{"12":40,"9223372036854775807":0,"7":3},"limit":10})");
  ASSERT_FALSE(parsed.error) << parsed.error->message;
  const auto& sync = std::get<SyncRequest>(parsed.request.body);
  EXPECT_EQ(sync.limit, 10);
  ASSERT_EQ(sync.cursors.size(), 3u);
  std::map<int64_t, int64_t> cursors(sync.cursors.begin(), sync.cursors.end());
  EXPECT_EQ(cursors[12], 40);
  EXPECT_EQ(cursors[7], 3);
  EXPECT_EQ(cursors[INT64_MAX], 0);

  ExpectError(topic, R"({"cursors":[]})", ErrorCode::kBadRequest);
  ExpectError(topic, R"({"cursors":{"abc":1}})", ErrorCode::kBadRequest);
  ExpectError(topic, R"({"cursors":{"0":1}})", ErrorCode::kBadRequest);
  ExpectError(topic, R"({"cursors":{"-4":1}})", ErrorCode::kBadRequest);
  ExpectError(topic, R"({"cursors":{"12":-1}})", ErrorCode::kBadRequest);
  ExpectError(topic, R"({"cursors":{"12":"5"}})", ErrorCode::kBadRequest);
  ExpectError(topic, R"({"cursors":{"99999999999999999999":1}})", ErrorCode::kBadRequest);
  ExpectError(topic, R"({"limit":101})", ErrorCode::kBadRequest);
  json big = json::object();
  for (int i = 1; i <= 10001; ++i) big[std::to_string(i)] = 0;
  ExpectError(topic, json{{"cursors", big}}.dump(), ErrorCode::kBadRequest);
  big.erase("10001");
  EXPECT_FALSE(Parse(topic, json{{"cursors", big}}.dump()).error);
}

TEST(ParseRequestTest, Mute) {
  const std::string topic = "mqchat/v1/c/5/mute";
  for (int64_t until : {int64_t{-1}, int64_t{0}, int64_t{1700000000000}, INT64_MAX}) {
    auto parsed = Parse(topic, json{{"until_ms", until}}.dump());
    ASSERT_FALSE(parsed.error) << until << ": " << parsed.error->message;
    EXPECT_EQ(std::get<MuteRequest>(parsed.request.body).until_ms, until);
    EXPECT_EQ(parsed.request.conversation_id, 5);
  }
  for (const char* bad : {R"({})", R"({"until_ms":-2})", R"({"until_ms":"5"})",
                          R"({"until_ms":1.5})", R"({"until_ms":18446744073709551615})"}) {
    auto parsed = Parse(topic, bad);
    ASSERT_TRUE(parsed.error) << bad;
    EXPECT_EQ(parsed.error->code, ErrorCode::kBadRequest) << bad;
  }
  EXPECT_EQ(Parse("mqchat/v1/req/mute", R"({"until_ms":0})").error->code, ErrorCode::kUnknownOp);
}

TEST(ParseRequestTest, PushRegister) {
  const std::string topic = "mqchat/v1/req/push_register";
  for (const char* platform : {"fcm", "apns", "webpush", "webhook"}) {
    auto parsed = Parse(topic, json{{"platform", platform}, {"token", "abc:123"}}.dump());
    ASSERT_FALSE(parsed.error) << platform << ": " << parsed.error->message;
    const auto& body = std::get<PushRegisterRequest>(parsed.request.body);
    EXPECT_EQ(body.platform, platform);
    EXPECT_EQ(body.token, "abc:123");
  }
  const std::string long_token(kMaxPushTokenBytes + 1, 'x');
  for (const std::string& bad :
       {std::string(R"({"token":"t"})"), std::string(R"({"platform":"fcm"})"),
        std::string(R"({"platform":"FCM","token":"t"})"),
        std::string(R"({"platform":"sms","token":"t"})"),
        std::string(R"({"platform":"fcm","token":""})"), std::string(R"({"platform":"fcm","token":"a
b"})"),
        json{{"platform", "fcm"}, {"token", long_token}}.dump()}) {
    auto parsed = Parse(topic, bad);
    ASSERT_TRUE(parsed.error) << bad.substr(0, 60);
    EXPECT_EQ(parsed.error->code, ErrorCode::kBadRequest) << bad.substr(0, 60);
  }
  EXPECT_FALSE(
      Parse(topic, json{{"platform", "fcm"}, {"token", long_token.substr(1)}}.dump()).error);
}

TEST(ParseRequestTest, PushSettingsNeedsPreview) {
  auto on = Parse("mqchat/v1/req/push_settings", R"({"preview":true})");
  ASSERT_FALSE(on.error);
  EXPECT_TRUE(std::get<PushSettingsRequest>(on.request.body).preview);
  EXPECT_EQ(Parse("mqchat/v1/req/push_settings", "{}").error->code, ErrorCode::kBadRequest);
  EXPECT_EQ(Parse("mqchat/v1/req/push_settings", R"({"preview":1})").error->code,
            ErrorCode::kBadRequest);
  EXPECT_FALSE(Parse("mqchat/v1/req/push_unregister", "{}").error);
}

TEST(ParseRequestTest, BlockAndDmPolicyValidation) {
  auto block = Parse("mqchat/v1/req/block", R"({"user":"bob"})");
  ASSERT_FALSE(block.error);
  EXPECT_EQ(std::get<BlockRequest>(block.request.body).user, "bob");
  ExpectError("mqchat/v1/req/block", "{}", ErrorCode::kBadRequest);
  ExpectError("mqchat/v1/req/block", R"({"user":"a/b"})", ErrorCode::kBadRequest);
  ExpectError("mqchat/v1/req/unblock", R"({"user":5})", ErrorCode::kBadRequest);
  for (const auto& [name, policy] : {std::pair{"everyone", DmPolicy::kEveryone},
                                     std::pair{"shared_group", DmPolicy::kSharedGroup},
                                     std::pair{"existing_only", DmPolicy::kExistingOnly}}) {
    auto set =
        Parse("mqchat/v1/req/set_dm_policy", std::string(R"({"dm_policy":")") + name + R"("})");
    ASSERT_FALSE(set.error) << name;
    EXPECT_EQ(std::get<SetDmPolicyRequest>(set.request.body).dm_policy, policy);
  }
  ExpectError("mqchat/v1/req/set_dm_policy", "{}", ErrorCode::kBadRequest);
  ExpectError("mqchat/v1/req/set_dm_policy", R"({"dm_policy":"nobody"})", ErrorCode::kBadRequest);
  ExpectError("mqchat/v1/req/set_dm_policy", R"({"dm_policy":1})", ErrorCode::kBadRequest);
}

TEST(EncodeRequestTest, RoundTripsEveryOp) {
  const int64_t kBigId = 9007199254740993;  // 2^53 + 1: must survive as a string
  std::vector<Request> requests;
  requests.push_back({Op::kSend, kBigId, "r1", SendRequest{"c-1", "h\xC3\xA9llo \"quoted\"\n"}});
  requests.push_back({Op::kHistory, 3, "", HistoryRequest{0, 77, 20}});
  requests.push_back({Op::kHistory, 3, "", HistoryRequest{5, 0, 1}});
  requests.push_back({Op::kRead, 3, "r", ReadRequest{42}});
  requests.push_back({Op::kMembers, 3, "", MembersRequest{}});
  requests.push_back({Op::kAddMembers, 3, "", AddMembersRequest{{"bob", "carol"}}});
  requests.push_back({Op::kRemoveMember, 3, "", RemoveMemberRequest{"bob"}});
  requests.push_back({Op::kLeave, 3, "", LeaveRequest{}});
  requests.push_back({Op::kRename, 3, "", RenameRequest{"N\xC3\xA9w"}});
  requests.push_back({Op::kTyping, 3, "", TypingRequest{false}});
  requests.push_back({Op::kOpenDirect, 0, "", OpenDirectRequest{"bob"}});
  requests.push_back({Op::kCreateGroup, 0, "g", CreateGroupRequest{"Team", {"bob"}}});
  requests.push_back({Op::kConversations, 0, "", ConversationsRequest{}});
  requests.push_back({Op::kMute, 3, "", MuteRequest{kMuteForever}});
  requests.push_back({Op::kMute, 3, "", MuteRequest{1700000000000}});
  requests.push_back({Op::kPushRegister, 0, "p", PushRegisterRequest{"apns", "tok/\"1\""}});
  requests.push_back({Op::kPushUnregister, 0, "", PushUnregisterRequest{}});
  requests.push_back({Op::kPushSettings, 0, "", PushSettingsRequest{false}});
  requests.push_back({Op::kEdit, 3, "", EditRequest{"e-1", 2, "new text"}});
  requests.push_back({Op::kDelete, 3, "", DeleteRequest{"d-1", 2}});
  requests.push_back({Op::kReact, 3, "", ReactRequest{"r-1", 2, "\xF0\x9F\x91\x8D", false}});
  requests.push_back({Op::kSend, 3, "", SendRequest{"s-1", "a reply", 2}});
  requests.push_back({Op::kBlock, 0, "b", BlockRequest{"bob"}});
  requests.push_back({Op::kUnblock, 0, "", UnblockRequest{"bob"}});
  requests.push_back({Op::kBlocks, 0, "", BlocksRequest{}});
  requests.push_back({Op::kSetDmPolicy, 0, "", SetDmPolicyRequest{DmPolicy::kExistingOnly}});
  requests.push_back({Op::kReport, 0, "", ReportRequest{"p-1", "", kBigId, 4, "hate", "why"}});
  requests.push_back({Op::kReport, 0, "", ReportRequest{"p-2", "bob", 0, 0, "other", ""}});
  requests.push_back(
      {Op::kSearch, 0, "q", SearchRequest{"점심 lunch", kBigId, "bob", 5, 9, 7, "123"}});
  requests.push_back({Op::kSearch, 0, "", SearchRequest{"x", 0, "", 0, 0, 20, ""}});
  requests.push_back({Op::kSetRetention, 0, "", SetRetentionRequest{kBigId, 90}});
  requests.push_back({Op::kSetRetention, 0, "", SetRetentionRequest{7, 0}});
  requests.push_back({Op::kSetRetention, 0, "", SetRetentionRequest{7, kRetentionServerDefault}});
  requests.push_back({Op::kSetSlowMode, 0, "", SetSlowModeRequest{kBigId, 30}});
  requests.push_back({Op::kSetSlowMode, 0, "", SetSlowModeRequest{7, 0}});
  requests.push_back({Op::kSync, 0, "", SyncRequest{{{kBigId, 5}, {INT64_MAX, 0}, {12, 1}}, 30}});

  for (const Request& request : requests) {
    const std::string payload = EncodeRequest(request);
    ParsedRequest parsed =
        ParseRequest(RequestTopic(request.op, request.conversation_id), payload, kLimits);
    ASSERT_FALSE(parsed.error) << OpName(request.op) << ": " << parsed.error->message;
    const Request& back = parsed.request;
    EXPECT_EQ(back.op, request.op);
    EXPECT_EQ(back.conversation_id, request.conversation_id);
    EXPECT_EQ(back.req_id, request.req_id);
    ASSERT_EQ(back.body.index(), request.body.index());
    // Re-encoding the parsed request gives the same payload: nothing was lost or changed.
    EXPECT_EQ(EncodeRequest(back), payload) << OpName(request.op);
  }

  json sync = json::parse(EncodeRequest(requests.back()));
  ASSERT_EQ(requests.back().op, Op::kSync);
  EXPECT_TRUE(sync["cursors"].contains("9007199254740993"));
  EXPECT_EQ(json::parse(EncodeRequest(requests[0])).count("req_id"), 1u);
  EXPECT_EQ(json::parse(EncodeRequest(requests[1])).count("req_id"), 0u);
}

TEST(ParseRequestTest, SetRetentionTakesDaysOrNullForTheServerDefault) {
  auto parse = [](const std::string& payload) {
    return ParseRequest(RequestTopic(Op::kSetRetention, 0), payload, kLimits);
  };
  auto code = [&](const std::string& payload) {
    ParsedRequest p = parse(payload);
    return p.error ? std::string(ErrorCodeName(p.error->code)) : std::string("ok");
  };
  ParsedRequest days = parse(R"({"conversation_id":"7","days":90})");
  ASSERT_FALSE(days.error);
  EXPECT_EQ(std::get<SetRetentionRequest>(days.request.body).conversation_id, 7);
  EXPECT_EQ(std::get<SetRetentionRequest>(days.request.body).days, 90);
  ParsedRequest null = parse(R"({"conversation_id":"7","days":null})");
  ASSERT_FALSE(null.error);
  EXPECT_EQ(std::get<SetRetentionRequest>(null.request.body).days, kRetentionServerDefault);
  EXPECT_EQ(code(R"({"conversation_id":"7","days":0})"), "ok");
  EXPECT_EQ(code(R"({"conversation_id":"7","days":36500})"), "ok");
  EXPECT_EQ(code(R"({"conversation_id":"7","days":36501})"), "BAD_REQUEST");
  EXPECT_EQ(code(R"({"conversation_id":"7","days":-1})"), "BAD_REQUEST");
  EXPECT_EQ(code(R"({"conversation_id":"7","days":"90"})"), "BAD_REQUEST");
  EXPECT_EQ(code(R"({"conversation_id":"7"})"), "BAD_REQUEST");
  EXPECT_EQ(code(R"({"days":3})"), "BAD_REQUEST");
}

TEST(ParseRequestTest, SetSlowModeTakesSecondsWithinTheBound) {
  auto parse = [](const std::string& payload) {
    return ParseRequest(RequestTopic(Op::kSetSlowMode, 0), payload, kLimits);
  };
  auto code = [&](const std::string& payload) {
    ParsedRequest p = parse(payload);
    return p.error ? std::string(ErrorCodeName(p.error->code)) : std::string("ok");
  };
  ParsedRequest ok = parse(R"({"conversation_id":"7","seconds":30})");
  ASSERT_FALSE(ok.error);
  EXPECT_EQ(std::get<SetSlowModeRequest>(ok.request.body).conversation_id, 7);
  EXPECT_EQ(std::get<SetSlowModeRequest>(ok.request.body).seconds, 30);
  EXPECT_EQ(code(R"({"conversation_id":"7","seconds":0})"), "ok");
  EXPECT_EQ(code(R"({"conversation_id":"7","seconds":21600})"), "ok");
  EXPECT_EQ(code(R"({"conversation_id":"7","seconds":21601})"), "BAD_REQUEST");
  EXPECT_EQ(code(R"({"conversation_id":"7","seconds":-1})"), "BAD_REQUEST");
  EXPECT_EQ(code(R"({"conversation_id":"7","seconds":null})"), "BAD_REQUEST");
  EXPECT_EQ(code(R"({"conversation_id":"7"})"), "BAD_REQUEST");
  EXPECT_EQ(code(R"({"seconds":3})"), "BAD_REQUEST");
}

TEST(ParseRequestTest, ReportNamesAUserOrAMessageWithAReasonFromTheList) {
  auto code = [](const std::string& payload) {
    ParsedRequest p = ParseRequest(RequestTopic(Op::kReport, 0), payload, kLimits);
    return p.error ? std::string(ErrorCodeName(p.error->code)) : std::string("ok");
  };
  EXPECT_EQ(code(R"({"client_msg_id":"p","user":"bob","reason":"spam"})"), "ok");
  EXPECT_EQ(code(R"({"client_msg_id":"p","conversation_id":"7","seq":3,"reason":"hate"})"), "ok");
  const std::string long_details(1001, 'x');
  const std::vector<std::string> bads = {
      R"({"client_msg_id":"p","reason":"spam"})",                        // nothing
      R"({"client_msg_id":"p","conversation_id":"7","reason":"spam"})",  // no seq
      R"({"client_msg_id":"p","seq":3,"user":"bob","reason":"spam"})",   // no conv
      R"({"client_msg_id":"p","user":"bob","reason":"rude"})",           // not listed
      R"({"client_msg_id":"p","user":"bob"})",                           // no reason
      R"({"user":"bob","reason":"spam"})",                               // no id
      R"({"client_msg_id":"p","user":"b b","reason":"spam"})",           // bad name
      R"({"client_msg_id":"p","user":"bob","reason":"spam","details":")" + long_details + R"("})"};
  for (const std::string& bad : bads) {
    EXPECT_EQ(code(bad), "BAD_REQUEST") << bad;
  }
  const std::string most(1000, 'x');
  EXPECT_EQ(
      code(R"({"client_msg_id":"p","user":"bob","reason":"spam","details":")" + most + R"("})"),
      "ok");
}

}  // namespace
}  // namespace mqchat::protocol

namespace mqchat::protocol {
namespace {

// A valid send with an unknown field "x" holding `inner` (appended raw).
std::string SendWithExtra(const std::string& inner) {
  return R"({"req_id":"r9","client_msg_id":"c","text":"t","x":)" + inner + "}";
}

TEST(ParseRequestBoundsTest, PayloadOverTheLimitIsTooLargeBeforeParsing) {
  RequestLimits limits;
  limits.max_message_chars = 100000;
  EXPECT_EQ(MaxRequestBytes(limits), 12u * 100000 + kRequestHeadroomBytes);
  // Not JSON at all: refused from its length alone, so nothing was parsed.
  std::string junk(MaxRequestBytes(limits) + 1, '[');
  ParsedRequest parsed = ParseRequest(kSendTopic, junk, limits);
  ASSERT_TRUE(parsed.error);
  EXPECT_EQ(parsed.error->code, ErrorCode::kTooLarge);
  EXPECT_EQ(parsed.error->message, "payload has " + std::to_string(junk.size()) +
                                       " bytes; the limit is " +
                                       std::to_string(MaxRequestBytes(limits)));
  EXPECT_EQ(parsed.op, Op::kSend);  // the topic still names the op for the response
  // A topic error wins, as for every other payload error.
  EXPECT_EQ(ParseRequest("mqchat/v1/c/42/nope", junk, limits).error->code, ErrorCode::kUnknownOp);
  // Small limits never go below what a full sync needs.
  limits.max_message_chars = 1;
  EXPECT_EQ(MaxRequestBytes(limits), kMinRequestLimitBytes);
}

TEST(ParseRequestBoundsTest, LargestValidSendFitsEvenFullyEscaped) {
  RequestLimits limits;
  limits.max_message_chars = 1000;
  std::string text;
  for (size_t i = 0; i < limits.max_message_chars; ++i) text += "\\ud83d\\ude00";  // one emoji
  const std::string payload = R"({"req_id":")" + std::string(kMaxReqIdBytes, 'r') +
                              R"(","client_msg_id":")" + std::string(kMaxClientMsgIdBytes, 'c') +
                              R"(","text":")" + text + "\"}";
  limits.max_message_chars = 1000;
  ParsedRequest parsed = ParseRequest(kSendTopic, payload, limits);
  ASSERT_FALSE(parsed.error) << parsed.error->message;
  EXPECT_EQ(std::get<SendRequest>(parsed.request.body).text.size(), 4000u);
  // Up to the byte limit itself with padding in an unknown field: still parsed.
  limits.max_message_chars = 100000;
  std::string padded = SendWithExtra("\"\"");
  padded.insert(padded.size() - 3, MaxRequestBytes(limits) - padded.size(), ' ');
  ASSERT_EQ(padded.size(), MaxRequestBytes(limits));
  EXPECT_FALSE(ParseRequest(kSendTopic, padded, limits).error);
}

TEST(ParseRequestBoundsTest, DeepNestingInAnOtherwiseValidSendIsRefused) {
  // Under the byte limit (so only the depth bound can refuse it); a tree of this would be
  // ~40 times its size.
  const std::string deep = std::string(1 << 20, '[') + std::string(1 << 20, ']');
  RequestLimits limits;
  limits.max_message_chars = 1000000;
  ParsedRequest parsed = ParseRequest(kSendTopic, SendWithExtra(deep), limits);
  ASSERT_TRUE(parsed.error);
  EXPECT_EQ(parsed.error->code, ErrorCode::kTooLarge);
  EXPECT_EQ(parsed.error->message, "payload nests deeper than 4 levels");
  EXPECT_EQ(parsed.req_id, "r9");  // met before the excess, so the client can match the error
  // An unterminated one is refused the same way: the scan stops at the excess, never reads on.
  EXPECT_EQ(
      ParseRequest(kSendTopic, SendWithExtra(std::string(1 << 20, '[')), limits).error->message,
      "payload nests deeper than 4 levels");
  // Depth 4 (the object, x, and two more) is still fine.
  EXPECT_FALSE(Parse(kSendTopic, SendWithExtra("[[[1]]]")).error);
  EXPECT_FALSE(Parse(kSendTopic, SendWithExtra("[{\"a\":[]}]")).error);
  EXPECT_EQ(ExpectError(kSendTopic, SendWithExtra("[[[[1]]]]"), ErrorCode::kTooLarge),
            "payload nests deeper than 4 levels");
  EXPECT_EQ(ExpectError(kSendTopic, SendWithExtra("[{\"a\":[{}]}]"), ErrorCode::kTooLarge),
            "payload nests deeper than 4 levels");
}

TEST(ParseRequestBoundsTest, TooManyValuesAreRefusedAtTheFirstExcess) {
  std::string flat = "[0";
  for (size_t i = 1; i < kMaxRequestElements; ++i) flat += ",0";
  flat += "]";
  EXPECT_EQ(ExpectError(kSendTopic, SendWithExtra(flat), ErrorCode::kTooLarge),
            "payload has more than " + std::to_string(kMaxRequestElements) + " JSON values");
  // A sync over the cursor limit but within the value bound keeps its own message.
  json big = json::object();
  for (size_t i = 1; i <= kMaxSyncCursors + 1; ++i) big[std::to_string(i)] = 0;
  EXPECT_EQ(
      ExpectError("mqchat/v1/req/sync", json{{"cursors", big}}.dump(), ErrorCode::kBadRequest),
      "cursors has 10001 entries; the limit is 10000");
  // Far beyond it: refused by the value bound, before any tree.
  for (size_t i = kMaxSyncCursors + 2; i <= kMaxRequestElements + 1; ++i)
    big[std::to_string(i)] = 0;
  ExpectError("mqchat/v1/req/sync", json{{"cursors", big}}.dump(), ErrorCode::kTooLarge);
}

TEST(ParseRequestBoundsTest, OverlongStringsAndKeysAreRefused) {
  RequestLimits limits;
  limits.max_message_chars = 10;
  const size_t max = MaxRequestStringBytes(limits);
  EXPECT_EQ(max, 4u * 10 + 4096);
  limits.max_message_chars = 0;
  EXPECT_EQ(MaxRequestStringBytes(limits), kMaxPushTokenBytes);  // never below a push token
  limits.max_message_chars = 10;
  const std::string at_limit = SendWithExtra("\"" + std::string(max, 'a') + "\"");
  EXPECT_FALSE(ParseRequest(kSendTopic, at_limit, limits).error);
  for (const std::string& payload : {SendWithExtra("\"" + std::string(max + 1, 'a') + "\""),
                                     SendWithExtra("{\"" + std::string(max + 1, 'k') + "\":1}")}) {
    ParsedRequest parsed = ParseRequest(kSendTopic, payload, limits);
    ASSERT_TRUE(parsed.error);
    EXPECT_EQ(parsed.error->code, ErrorCode::kTooLarge);
    EXPECT_EQ(parsed.error->message,
              "payload has a string of more than " + std::to_string(max) + " bytes");
  }
  // A text just over max_message_chars is still TOO_LONG, not TOO_LARGE.
  limits.max_message_chars = 2000;
  std::string emoji;
  for (int i = 0; i < 2001; ++i) emoji += "\xF0\x9F\x98\x80";
  EXPECT_EQ(ParseRequest(kSendTopic, json{{"client_msg_id", "c"}, {"text", emoji}}.dump(), limits)
                .error->code,
            ErrorCode::kTooLong);
}

TEST(ParseRequestBoundsTest, SyntaxErrorsKeepTheirCodes) {
  ExpectError(kSendTopic, "{\"client_msg_id\":\"c\",", ErrorCode::kBadRequest);
  ExpectError(kSendTopic, "{\"client_msg_id\":\"c\",\"text\":\"\xff\"}", ErrorCode::kInvalidUtf8);
}

}  // namespace
}  // namespace mqchat::protocol
