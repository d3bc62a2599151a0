#include "protocol/wire.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace mqchat::protocol {
namespace {

using nlohmann::json;

constexpr int64_t kBigConversation = 9007199254740993;  // 2^53 + 1: a double would round it
constexpr int64_t kBigMessage = 7170981234567168001;

WireMessage SampleMessage() {
  return WireMessage{kBigConversation, 42,    kBigMessage,
                     "alice",          "c-1", "h\xC3\xA9llo \xF0\x9F\x98\x80",
                     1700000000000};
}

WireConversation SampleConversation() {
  return WireConversation{
      kBigConversation, "group", "Team", 42, {{"alice", "owner", 41}, {"bob", "member", 0}}};
}

void ExpectSameMessage(const WireMessage& a, const WireMessage& b) {
  EXPECT_EQ(a.conversation_id, b.conversation_id);
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.message_id, b.message_id);
  EXPECT_EQ(a.sender, b.sender);
  EXPECT_EQ(a.client_msg_id, b.client_msg_id);
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.sent_at_ms, b.sent_at_ms);
}

TEST(WireTest, MessageEncodesIdsAsStringsAndRoundTrips) {
  json j = EncodeMessage(SampleMessage());
  EXPECT_EQ(j["conversation_id"], "9007199254740993");
  EXPECT_EQ(j["message_id"], "7170981234567168001");
  EXPECT_TRUE(j["seq"].is_number_integer());
  EXPECT_TRUE(j["sent_at_ms"].is_number_integer());
  // Through text, as on the wire.
  auto back = DecodeMessage(json::parse(j.dump()));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSameMessage(*back, SampleMessage());
}

TEST(WireTest, DecodersAcceptNumericIds) {
  json j = EncodeMessage(SampleMessage());
  j["conversation_id"] = kBigConversation;
  j["message_id"] = static_cast<uint64_t>(kBigMessage);
  auto back = DecodeMessage(j);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->conversation_id, kBigConversation);
  EXPECT_EQ(back->message_id, kBigMessage);
}

TEST(WireTest, DecodersRefuseMissingOrMistypedFields) {
  const json good = EncodeMessage(SampleMessage());
  for (const char* field :
       {"conversation_id", "seq", "message_id", "sender", "client_msg_id", "text", "sent_at_ms"}) {
    json missing = good;
    missing.erase(field);
    EXPECT_FALSE(DecodeMessage(missing).ok()) << field;
    json wrong = good;
    wrong[field] = json::array();
    EXPECT_FALSE(DecodeMessage(wrong).ok()) << field;
  }
  json bad_id = good;
  bad_id["conversation_id"] = "12x";
  EXPECT_FALSE(DecodeMessage(bad_id).ok());
  bad_id["conversation_id"] = -5;
  EXPECT_FALSE(DecodeMessage(bad_id).ok());
  bad_id["conversation_id"] = 1.5;
  EXPECT_FALSE(DecodeMessage(bad_id).ok());
  json bad_seq = good;
  bad_seq["seq"] = "42";
  EXPECT_FALSE(DecodeMessage(bad_seq).ok());
  EXPECT_FALSE(DecodeMessage(json::array()).ok());
  EXPECT_FALSE(DecodeMessage(json()).ok());
  EXPECT_FALSE(DecodeConversation(json("x")).ok());
}

TEST(WireTest, ConversationSummaryAckSyncRoundTrip) {
  auto conversation =
      DecodeConversation(json::parse(EncodeConversation(SampleConversation()).dump()));
  ASSERT_TRUE(conversation.ok()) << conversation.status().ToString();
  EXPECT_EQ(conversation->conversation_id, kBigConversation);
  EXPECT_EQ(conversation->kind, "group");
  EXPECT_EQ(conversation->name, "Team");
  EXPECT_EQ(conversation->last_seq, 42);
  ASSERT_EQ(conversation->members.size(), 2u);
  EXPECT_EQ(conversation->members[0].user, "alice");
  EXPECT_EQ(conversation->members[0].role, "owner");
  EXPECT_EQ(conversation->members[0].read_seq, 41);

  WireSummary summary{kBigConversation, "direct", "", 42, 40, 2, {"alice", "bob"}, SampleMessage()};
  auto s = DecodeSummary(json::parse(EncodeSummary(summary).dump()));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->unread, 2);
  EXPECT_EQ(s->read_seq, 40);
  EXPECT_EQ(s->members, summary.members);
  ASSERT_TRUE(s->last_message.has_value());
  ExpectSameMessage(*s->last_message, SampleMessage());
  summary.last_message.reset();
  json no_last = EncodeSummary(summary);
  EXPECT_TRUE(no_last["last_message"].is_null());
  auto s2 = DecodeSummary(no_last);
  ASSERT_TRUE(s2.ok());
  EXPECT_FALSE(s2->last_message.has_value());

  WireAck ack{kBigConversation, 42, kBigMessage, "c-1", 1700000000000, true};
  auto a = DecodeAck(json::parse(EncodeAck(ack).dump()));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->message_id, kBigMessage);
  EXPECT_EQ(a->conversation_id, kBigConversation);
  EXPECT_EQ(a->seq, 42);
  EXPECT_EQ(a->client_msg_id, "c-1");
  EXPECT_EQ(a->server_time_ms, 1700000000000);
  EXPECT_TRUE(a->duplicate);

  WireSyncConversation sync{kBigConversation, 43, {SampleMessage(), SampleMessage()}, true};
  sync.messages[1].seq = 43;
  auto y = DecodeSyncConversation(json::parse(EncodeSyncConversation(sync).dump()));
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(y->last_seq, 43);
  ASSERT_EQ(y->messages.size(), 2u);
  EXPECT_EQ(y->messages[1].seq, 43);
  EXPECT_TRUE(y->has_more);
  EXPECT_EQ(y->expired_through_seq, 0);
  EXPECT_FALSE(EncodeSyncConversation(sync).contains("expired_through_seq"));
  sync.expired_through_seq = 40;  // retention: seqs 1..40 expired
  auto expired = DecodeSyncConversation(json::parse(EncodeSyncConversation(sync).dump()));
  ASSERT_TRUE(expired.ok()) << expired.status().ToString();
  EXPECT_EQ(expired->expired_through_seq, 40);

  json broken = EncodeSyncConversation(sync);
  broken["messages"][1].erase("text");
  auto bad = DecodeSyncConversation(broken);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("messages[1]"), std::string::npos)
      << bad.status().message();
}

TEST(WireTest, SummaryCarriesTheCallersMute) {
  WireSummary summary{kBigConversation, "group", "Team", 5, 2, 3, {"alice"}, std::nullopt};
  summary.muted_until_ms = -1;
  json encoded = json::parse(EncodeSummary(summary).dump());
  EXPECT_EQ(encoded["muted_until_ms"], -1);
  auto forever = DecodeSummary(encoded);
  ASSERT_TRUE(forever.ok()) << forever.status().ToString();
  EXPECT_EQ(forever->muted_until_ms, -1);

  encoded["muted_until_ms"] = 1700000000000;
  auto until = DecodeSummary(encoded);
  ASSERT_TRUE(until.ok());
  EXPECT_EQ(until->muted_until_ms, 1700000000000);

  encoded.erase("muted_until_ms");  // an older server: not muted
  auto absent = DecodeSummary(encoded);
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ(absent->muted_until_ms, 0);

  for (json bad : {json(-2), json("1"), json(1.5), json(UINT64_MAX)}) {
    encoded["muted_until_ms"] = bad;
    EXPECT_FALSE(DecodeSummary(encoded).ok()) << bad.dump();
  }
}

TEST(WireTest, MuteEventRoundTrips) {
  json event = json::parse(MuteEvent(kBigConversation, -1));
  EXPECT_EQ(event["type"], "mute");
  auto e = DecodeMuteEvent(event);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->conversation_id, kBigConversation);
  EXPECT_EQ(e->until_ms, -1);
  event.erase("until_ms");
  EXPECT_FALSE(DecodeMuteEvent(event).ok());
  event["until_ms"] = -5;
  EXPECT_FALSE(DecodeMuteEvent(event).ok());
}

TEST(WireTest, SyncPageKeepsGoodEntriesAndSetsAsideBadOnes) {
  WireSyncConversation done{kBigConversation, 1, {SampleMessage()}, false};
  WireSyncConversation partial{kBigConversation + 1, 9, {SampleMessage()}, true};
  json body = {{"conversations",
                json::array({EncodeSyncConversation(done), json{{"conversation_id", "x"}},
                             EncodeSyncConversation(partial)})}};
  WireSyncPage page = DecodeSyncPage(body);
  ASSERT_EQ(page.conversations.size(), 2u);
  EXPECT_EQ(page.conversations[0].conversation_id, kBigConversation);
  EXPECT_EQ(page.conversations[1].conversation_id, kBigConversation + 1);
  ASSERT_EQ(page.bad_entries.size(), 1u);
  EXPECT_TRUE(page.more) << "one entry has more";

  body["conversations"].erase(2);
  EXPECT_FALSE(DecodeSyncPage(body).more);
  EXPECT_TRUE(DecodeSyncPage(json::object()).conversations.empty());
  EXPECT_TRUE(DecodeSyncPage(json{{"conversations", 3}}).conversations.empty());
}

TEST(WireTest, OkResponseMatchesProtocol) {
  WireAck ack{123, 42, kBigMessage, "c-1", 1700000000000, false};
  std::string payload = OkResponse(Op::kSend, "r1", EncodeAck(ack));
  json j = json::parse(payload);
  EXPECT_EQ(j, json::parse(R"({"op":"send","ok":true,"req_id":"r1","conversation_id":"123",
      "seq":42,"message_id":"7170981234567168001","client_msg_id":"c-1",
      "server_time_ms":1700000000000,"duplicate":false})"));

  auto response = DecodeResponse(payload);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->op, "send");
  EXPECT_TRUE(response->ok);
  EXPECT_EQ(response->req_id, "r1");
  EXPECT_FALSE(response->error.has_value());
  auto decoded_ack = DecodeAck(response->body);
  ASSERT_TRUE(decoded_ack.ok());
  EXPECT_EQ(decoded_ack->message_id, kBigMessage);

  // No req_id: no field; fields cannot override the envelope.
  json hostile = {{"op", "evil"}, {"ok", false}, {"req_id", "x"}, {"read_seq", 3}};
  json k = json::parse(OkResponse(Op::kRead, "", hostile));
  EXPECT_EQ(k, json::parse(R"({"op":"read","ok":true,"read_seq":3})"));
  EXPECT_EQ(json::parse(OkResponse(Op::kLeave, "", json())),
            json::parse(R"({"op":"leave","ok":true})"));
}

TEST(WireTest, ErrorResponseMatchesProtocol) {
  ProtocolError error{ErrorCode::kTooLong, "text has 100001 characters; the limit is 100000"};
  std::string payload = ErrorResponse("send", "r1", error);
  EXPECT_EQ(json::parse(payload), json::parse(R"({"op":"send","ok":false,"req_id":"r1",
      "error":{"code":"TOO_LONG","message":"text has 100001 characters; the limit is 100000",
      "retryable":false}})"));
  auto response = DecodeResponse(payload);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_FALSE(response->ok);
  ASSERT_TRUE(response->error.has_value());
  EXPECT_EQ(*response->error, error);

  json overloaded = json::parse(ErrorResponse("", "", {ErrorCode::kOverloaded, "busy"}));
  EXPECT_EQ(overloaded["op"], "unknown");
  EXPECT_FALSE(overloaded.contains("req_id"));
  EXPECT_EQ(overloaded["error"]["retryable"], true);

  auto future_code = DecodeResponse(
      R"({"op":"send","ok":false,"error":{"code":"FROM_THE_FUTURE","message":"slow down"}})");
  ASSERT_TRUE(future_code.ok());
  EXPECT_EQ(future_code->error->code, ErrorCode::kInternal);
  EXPECT_EQ(future_code->error->message, "FROM_THE_FUTURE: slow down");
}

TEST(WireTest, RateLimitedCarriesRetryAfterMs) {
  ProtocolError error{ErrorCode::kRateLimited, "too many messages", 180};
  std::string payload = ErrorResponse("send", "r1", error);
  EXPECT_EQ(json::parse(payload), json::parse(R"({"op":"send","ok":false,"req_id":"r1",
      "error":{"code":"RATE_LIMITED","message":"too many messages","retryable":true,
      "retry_after_ms":180}})"));
  auto response = DecodeResponse(payload);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(*response->error, error);
  EXPECT_FALSE(DecodeResponse(R"({"op":"send","ok":false,"error":{"code":"RATE_LIMITED",)"
                              R"("retry_after_ms":-5}})")
                   .ok());
}

TEST(WireTest, DecodeResponseRefusesGarbage) {
  const char* bad[] = {"",
                       "[]",
                       "null",
                       "{",
                       R"({"ok":true})",
                       R"({"op":"send"})",
                       R"({"op":1,"ok":true})",
                       R"({"op":"send","ok":"yes"})",
                       R"({"op":"send","ok":false})",
                       R"({"op":"send","ok":false,"error":"x"})",
                       R"({"op":"send","ok":false,"error":{"message":"m"}})",
                       R"({"op":"send","ok":true,"req_id":7})"};
  for (const char* payload : bad) {
    EXPECT_FALSE(DecodeResponse(payload).ok()) << payload;
  }
  EXPECT_FALSE(DecodeResponse(std::string(1 << 20, '{')).ok());
  EXPECT_FALSE(DecodeInboxEvent("{\"type\":\"message\",\"text\":\"\xFF\"}").ok());
}

TEST(WireTest, InboxEventsMatchProtocolAndDecode) {
  auto message = DecodeInboxEvent(MessageEvent(SampleMessage()));
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(message->type, "message");
  auto m = DecodeMessage(message->body);
  ASSERT_TRUE(m.ok());
  ExpectSameMessage(*m, SampleMessage());

  std::string read = ReadEvent(123, "bob", 42);
  EXPECT_EQ(json::parse(read),
            json::parse(R"({"type":"read","conversation_id":"123","user":"bob","read_seq":42})"));
  auto r = DecodeReadEvent(DecodeInboxEvent(read)->body);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->conversation_id, 123);
  EXPECT_EQ(r->user, "bob");
  EXPECT_EQ(r->read_seq, 42);

  std::string conv = ConversationEvent("members_added", SampleConversation(), "alice", {"bob"});
  json cj = json::parse(conv);
  EXPECT_EQ(cj["type"], "conversation");
  EXPECT_EQ(cj["event"], "members_added");
  EXPECT_EQ(cj["actor"], "alice");
  EXPECT_EQ(cj["users"], json::array({"bob"}));
  EXPECT_EQ(cj["conversation"]["conversation_id"], "9007199254740993");
  auto c = DecodeConversationEvent(DecodeInboxEvent(conv)->body);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->event, "members_added");
  EXPECT_EQ(c->conversation.members.size(), 2u);
  EXPECT_EQ(c->users, std::vector<std::string>{"bob"});

  std::string typing = TypingEvent(5, "carol", true);
  EXPECT_EQ(json::parse(typing),
            json::parse(R"({"type":"typing","conversation_id":"5","user":"carol","typing":true})"));
  auto t = DecodeTypingEvent(DecodeInboxEvent(typing)->body);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->typing);
  EXPECT_EQ(t->user, "carol");

  EXPECT_FALSE(DecodeInboxEvent(R"({"conversation_id":"5"})").ok());
  EXPECT_FALSE(DecodeInboxEvent(R"({"type":5})").ok());
  auto unknown = DecodeInboxEvent(R"({"type":"presence","x":1})");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->type, "presence");
}

TEST(WireTest, EncodersNeverThrowOnBadUtf8) {
  WireMessage m = SampleMessage();
  m.text = "bad \xFF byte";
  std::string event;
  ASSERT_NO_THROW(event = MessageEvent(m));
  auto decoded = DecodeMessage(DecodeInboxEvent(event)->body);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->text, "bad \xEF\xBF\xBD byte");  // U+FFFD
}

}  // namespace
}  // namespace mqchat::protocol
