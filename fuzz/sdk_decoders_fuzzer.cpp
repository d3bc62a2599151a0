// libFuzzer target: the SDK's decoders of what the server sends (client-sdk/protocol/wire.h,
// responses.h, presence.h), fed one payload as the SDK would meet it: as a response
// (DecodeResponse, then every result-body decoder), as an inbox event (DecodeInboxEvent, then
// the event decoders ingest.cpp runs) and as a presence payload (DecodePresence). Invariants
// checked besides "no crash, no sanitizer report": nothing decoded is negative (ids > 0, seqs,
// times, counts and device counts >= 0), a failed response carries its error, and what decodes
// re-encodes to JSON that decodes to the same encoding (the plugin's encoders are the inverse).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "protocol/presence.h"
#include "protocol/responses.h"
#include "protocol/wire.h"

namespace {

using namespace mqchat::protocol;
using nlohmann::json;

void CheckMessage(const WireMessage& m) {
  FUZZ_CHECK(m.conversation_id > 0 && m.message_id > 0);
  FUZZ_CHECK(m.seq >= 0 && m.sent_at_ms >= 0);
}
void CheckMember(const WireMember& m) { FUZZ_CHECK(m.read_seq >= 0); }
void CheckConversation(const WireConversation& c) {
  FUZZ_CHECK(c.conversation_id > 0 && c.last_seq >= 0);
  for (const auto& m : c.members) CheckMember(m);
}

// Decodes `j` with `decode`; if it decodes, checks it and that encode/decode is a fixed point.
template <typename Decode, typename Encode, typename Check>
void RoundTrip(const json& j, Decode decode, Encode encode, Check check) {
  auto decoded = decode(j);
  if (!decoded.ok()) return;
  check(*decoded);
  const json encoded = encode(*decoded);
  auto again = decode(encoded);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(encode(*again) == encoded);
}

void CheckBodies(const json& body) {
  RoundTrip(body, DecodeMessage, EncodeMessage, CheckMessage);
  RoundTrip(body, DecodeConversation, EncodeConversation, CheckConversation);
  RoundTrip(body, DecodeSummary, EncodeSummary, [](const WireSummary& s) {
    FUZZ_CHECK(s.conversation_id > 0 && s.last_seq >= 0 && s.read_seq >= 0 && s.unread >= 0);
    if (s.last_message) CheckMessage(*s.last_message);
  });
  RoundTrip(body, DecodeAck, EncodeAck, [](const WireAck& a) {
    FUZZ_CHECK(a.conversation_id > 0 && a.message_id > 0);
    FUZZ_CHECK(a.seq >= 0 && a.server_time_ms >= 0);
  });
  RoundTrip(body, DecodeHistoryPage, EncodeHistoryPage, [](const WireHistoryPage& p) {
    FUZZ_CHECK(p.conversation_id > 0);
    for (const auto& m : p.messages) CheckMessage(m);
  });
  RoundTrip(body, DecodeMembersList, EncodeMembersList, [](const WireMembersList& l) {
    FUZZ_CHECK(l.conversation_id > 0);
    for (const auto& m : l.members) CheckMember(m);
  });
  RoundTrip(body, DecodeConversationsList, EncodeConversationsList,
            [](const WireConversationsList& l) {
              for (const auto& s : l.conversations) FUZZ_CHECK(s.unread >= 0);
            });
  RoundTrip(body, DecodeReadMarker, EncodeReadMarker, [](const WireReadMarker& m) {
    FUZZ_CHECK(m.conversation_id > 0 && m.read_seq >= 0);
  });
  RoundTrip(body, DecodeConversationChange, EncodeConversationChange,
            [](const WireConversationChange& c) {
              if (c.conversation) CheckConversation(*c.conversation);
            });
  WireSyncPage page = DecodeSyncPage(body);
  bool more = false;
  for (const auto& entry : page.conversations) {
    FUZZ_CHECK(entry.conversation_id > 0 && entry.last_seq >= 0);
    for (const auto& m : entry.messages) CheckMessage(m);
    more = more || entry.has_more;
  }
  FUZZ_CHECK(page.more == more);
  for (const auto& bad : page.bad_entries) FUZZ_CHECK(!bad.ok());
}

void CheckResponse(std::string_view payload) {
  auto response = DecodeResponse(payload);
  if (!response.ok()) return;
  FUZZ_CHECK(response->ok != response->error.has_value());
  FUZZ_CHECK(response->body.is_object());
  CheckBodies(response->body);
}

void CheckEvent(std::string_view payload) {
  auto event = DecodeInboxEvent(payload);
  if (!event.ok()) return;
  FUZZ_CHECK(event->body.is_object());
  if (auto r = DecodeReadEvent(event->body); r.ok()) {
    FUZZ_CHECK(r->conversation_id > 0 && r->read_seq >= 0);
  }
  if (auto c = DecodeConversationEvent(event->body); c.ok()) CheckConversation(c->conversation);
  if (auto t = DecodeTypingEvent(event->body); t.ok()) FUZZ_CHECK(t->conversation_id > 0);
}

void CheckPresence(std::string_view payload) {
  auto p = DecodePresence(payload);
  if (!p.ok()) return;
  FUZZ_CHECK(p->devices >= 0 && p->last_seen_ms >= 0);
  auto again = DecodePresence(EncodePresence(*p));
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->user == p->user && again->online == p->online);
  FUZZ_CHECK(again->devices == p->devices && again->last_seen_ms == p->last_seen_ms);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  CheckResponse(payload);
  CheckEvent(payload);
  CheckPresence(payload);
  return 0;
}
