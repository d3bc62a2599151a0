// Response bodies (protocol/responses.h): each encoder's exact wire text, and a round trip
// through text (encode, dump, parse, decode) giving back the struct that was encoded.
#include "protocol/responses.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <tuple>

namespace mqchat::protocol {
namespace {

using nlohmann::json;

constexpr int64_t kBigConversation = 9007199254740993;  // 2^53 + 1: a double would round it
constexpr int64_t kBigMessage = 7170981234567168001;

WireMessage Message(int64_t seq) {
  return WireMessage{kBigConversation, seq, kBigMessage + seq, "alice", "c-" + std::to_string(seq),
                     "h\xC3\xA9llo", 1700000000000 + seq};
}

WireConversation Conversation() {
  return WireConversation{
      kBigConversation, "group", "Team", 42, {{"alice", "owner", 41}, {"bob", "member", 0}}};
}

auto Tie(const WireMessage& m) {
  return std::tie(m.conversation_id, m.seq, m.message_id, m.sender, m.client_msg_id, m.text,
                  m.sent_at_ms);
}
auto Tie(const WireMember& m) { return std::tie(m.user, m.role, m.read_seq); }

// Declared first so that the vector and optional templates below find every overload.
bool Same(const WireConversation& a, const WireConversation& b);
bool Same(const WireSummary& a, const WireSummary& b);
bool Same(const WireSyncConversation& a, const WireSyncConversation& b);

bool Same(const WireMessage& a, const WireMessage& b) { return Tie(a) == Tie(b); }
bool Same(const WireMember& a, const WireMember& b) { return Tie(a) == Tie(b); }
template <typename T>
bool Same(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!Same(a[i], b[i])) return false;
  }
  return true;
}
template <typename T>
bool Same(const std::optional<T>& a, const std::optional<T>& b) {
  return a.has_value() == b.has_value() && (!a || Same(*a, *b));
}
bool Same(const WireConversation& a, const WireConversation& b) {
  return std::tie(a.conversation_id, a.kind, a.name, a.last_seq) ==
             std::tie(b.conversation_id, b.kind, b.name, b.last_seq) &&
         Same(a.members, b.members);
}
bool Same(const WireSummary& a, const WireSummary& b) {
  return std::tie(a.conversation_id, a.kind, a.name, a.last_seq, a.read_seq, a.unread,
                  a.members) == std::tie(b.conversation_id, b.kind, b.name, b.last_seq,
                                         b.read_seq, b.unread, b.members) &&
         Same(a.last_message, b.last_message);
}
bool Same(const WireSyncConversation& a, const WireSyncConversation& b) {
  return std::tie(a.conversation_id, a.last_seq, a.has_more) ==
             std::tie(b.conversation_id, b.last_seq, b.has_more) &&
         Same(a.messages, b.messages);
}

// As on the wire: through text.
json ThroughText(const json& body) { return json::parse(body.dump()); }

TEST(ResponsesTest, HistoryPageWireTextAndRoundTrip) {
  WireHistoryPage page{kBigConversation, {Message(1), Message(2)}, true};
  EXPECT_EQ(OkResponse(Op::kHistory, "r1", EncodeHistoryPage(WireHistoryPage{7, {}, false})),
            R"({"conversation_id":"7","has_more":false,"messages":[],"ok":true,"op":"history",)"
            R"("req_id":"r1"})");
  auto back = DecodeHistoryPage(ThroughText(EncodeHistoryPage(page)));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->conversation_id, kBigConversation);
  EXPECT_TRUE(Same(back->messages, page.messages));
  EXPECT_TRUE(back->has_more);

  json broken = EncodeHistoryPage(page);
  broken.erase("has_more");
  EXPECT_FALSE(DecodeHistoryPage(broken).ok());

  // Retention's marker: only when some seqs expired, and read back.
  EXPECT_FALSE(EncodeHistoryPage(page).contains("expired_through_seq"));
  page.expired_through_seq = 41;
  auto expired = DecodeHistoryPage(ThroughText(EncodeHistoryPage(page)));
  ASSERT_TRUE(expired.ok()) << expired.status().ToString();
  EXPECT_EQ(expired->expired_through_seq, 41);
  json negative = EncodeHistoryPage(page);
  negative["expired_through_seq"] = -1;
  EXPECT_FALSE(DecodeHistoryPage(negative).ok());
}

TEST(ResponsesTest, MembersListWireTextAndRoundTrip) {
  WireMembersList list{kBigConversation, Conversation().members};
  EXPECT_EQ(
      OkResponse(Op::kMembers, "", EncodeMembersList(WireMembersList{7, {{"bob", "admin", 3}}})),
      R"({"conversation_id":"7","members":[{"read_seq":3,"role":"admin","user":"bob"}],)"
      R"("ok":true,"op":"members"})");
  auto back = DecodeMembersList(ThroughText(EncodeMembersList(list)));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->conversation_id, kBigConversation);
  EXPECT_TRUE(Same(back->members, list.members));
}

TEST(ResponsesTest, ConversationsListWireTextAndRoundTrip) {
  WireSummary with_last{kBigConversation, "direct", "", 42, 40, 2, {"alice", "bob"}, Message(42)};
  WireSummary without_last{8, "group", "Team", 0, 0, 0, {"carol"}, std::nullopt};
  WireConversationsList list{{with_last, without_last}};
  EXPECT_EQ(OkResponse(Op::kConversations, "", EncodeConversationsList(WireConversationsList{})),
            R"({"conversations":[],"ok":true,"op":"conversations"})");
  auto back = DecodeConversationsList(ThroughText(EncodeConversationsList(list)));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(Same(back->conversations, list.conversations));
}

TEST(ResponsesTest, SyncPageWireTextAndRoundTrip) {
  WireSyncPage page;
  page.conversations.push_back({kBigConversation, 43, {Message(42), Message(43)}, true});
  page.conversations.push_back({8, 1, {Message(1)}, false});
  WireSyncPage empty;
  EXPECT_EQ(OkResponse(Op::kSync, "s", EncodeSyncPage(empty)),
            R"({"conversations":[],"ok":true,"op":"sync","req_id":"s"})");
  WireSyncPage back = DecodeSyncPage(ThroughText(EncodeSyncPage(page)));
  EXPECT_TRUE(back.bad_entries.empty());
  EXPECT_TRUE(back.more);
  EXPECT_TRUE(Same(back.conversations, page.conversations));
}

TEST(ResponsesTest, ReadMarkerWireTextAndRoundTrip) {
  EXPECT_EQ(OkResponse(Op::kRead, "r", EncodeReadMarker(WireReadMarker{7, 5})),
            R"({"conversation_id":"7","ok":true,"op":"read","read_seq":5,"req_id":"r"})");
  auto back = DecodeReadMarker(ThroughText(EncodeReadMarker(WireReadMarker{kBigConversation, 9})));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->conversation_id, kBigConversation);
  EXPECT_EQ(back->read_seq, 9);
}

TEST(ResponsesTest, TypingAckWireTextAndRoundTrip) {
  EXPECT_EQ(OkResponse(Op::kTyping, "", EncodeTypingAck(WireTypingAck{7})),
            R"({"conversation_id":"7","ok":true,"op":"typing"})");
  auto back = DecodeTypingAck(ThroughText(EncodeTypingAck(WireTypingAck{kBigConversation})));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->conversation_id, kBigConversation);
}

TEST(ResponsesTest, ConversationChangeWireTextAndRoundTrip) {
  // Nothing to tell (the conversation could not be read back after a committed change).
  EXPECT_EQ(OkResponse(Op::kRename, "", EncodeConversationChange({})),
            R"({"ok":true,"op":"rename"})");
  EXPECT_EQ(OkResponse(Op::kAddMembers, "", EncodeConversationChange({std::nullopt, {{}}})),
            R"({"added":[],"ok":true,"op":"add_members"})");
  WireConversation small{7, "direct", "", 0, {{"alice", "member", 0}}};
  EXPECT_EQ(OkResponse(Op::kOpenDirect, "", EncodeConversationChange({small, std::nullopt})),
            R"({"conversation":{"conversation_id":"7","kind":"direct","last_seq":0,)"
            R"("members":[{"read_seq":0,"role":"member","user":"alice"}],"name":""},)"
            R"("ok":true,"op":"open_direct"})");

  for (const WireConversationChange& change :
       {WireConversationChange{}, WireConversationChange{Conversation(), std::nullopt},
        WireConversationChange{Conversation(), std::vector<std::string>{"bob", "carol"}},
        WireConversationChange{std::nullopt, std::vector<std::string>{}}}) {
    auto back = DecodeConversationChange(ThroughText(EncodeConversationChange(change)));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_TRUE(Same(back->conversation, change.conversation));
    EXPECT_EQ(back->added, change.added);
  }
}

TEST(ResponsesTest, DecodersRefuseMistypedBodies) {
  EXPECT_FALSE(DecodeHistoryPage(json::array()).ok());
  EXPECT_FALSE(DecodeMembersList(json{{"conversation_id", "7"}, {"members", 3}}).ok());
  EXPECT_FALSE(DecodeConversationsList(json::object()).ok());
  EXPECT_FALSE(DecodeReadMarker(json{{"conversation_id", "7"}, {"read_seq", -1}}).ok());
  EXPECT_FALSE(DecodeTypingAck(json{{"conversation_id", "07"}}).ok());
  EXPECT_FALSE(DecodeConversationChange(json{{"added", "bob"}}).ok());
  auto bad = DecodeConversationChange(json{{"conversation", {{"kind", "group"}}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("conversation"), std::string::npos);
}

}  // namespace
}  // namespace mqchat::protocol
