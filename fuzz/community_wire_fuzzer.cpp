// libFuzzer target: the SDK's decoders of the community ops' results (client-sdk/protocol/
// community_wire.h), fed one payload as the SDK meets it: a response (DecodeResponse, wire.h), whose
// body goes through every result decoder (server, channel, role, invite fields; the server,
// channel, role and member lists), and the body itself through the object decoders. Invariants
// checked besides "no crash, no sanitizer report": ids are positive, counts, positions and
// seqs are not negative, names and topics are valid UTF-8 within their bounds, usernames are
// valid, an invite code is 1..64 bytes, a member's role list is bounded, and what decodes
// re-encodes (the plugin's encoders, community.h) to JSON that decodes to the same encoding.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "protocol/community.h"
#include "protocol/community_wire.h"
#include "protocol/identity.h"
#include "protocol/text.h"
#include "protocol/wire.h"

namespace {

using namespace mqchat::protocol;
using nlohmann::json;

bool BoundedText(const std::string& s, size_t max_chars) {
  return IsValidUtf8(s) && CountCodePoints(s) <= max_chars;
}

void CheckServer(const WireServer& s) {
  FUZZ_CHECK(s.id > 0 && s.everyone_role_id > 0 && s.member_count >= 0);
  FUZZ_CHECK(BoundedText(s.name, kMaxCommunityNameChars));
  FUZZ_CHECK(ValidateUsername(s.owner).ok());
}
void CheckChannel(const WireChannel& c) {
  FUZZ_CHECK(c.id > 0 && c.server_id > 0 && c.position >= 0 && c.category_id >= 0);
  FUZZ_CHECK(BoundedText(c.name, kMaxCommunityNameChars));
  FUZZ_CHECK(BoundedText(c.topic, kMaxChannelTopicChars));
  FUZZ_CHECK(BoundedText(c.type, 16));
  if (c.read) {
    FUZZ_CHECK(c.read->last_seq >= 0 && c.read->read_seq >= 0);
    FUZZ_CHECK(c.read->unread >= 0 && c.read->unread_mentions >= 0);
  }
}
void CheckRole(const WireRole& r) {
  FUZZ_CHECK(r.id > 0 && r.server_id > 0 && r.permissions >= 0 && r.position >= 0);
  FUZZ_CHECK(BoundedText(r.name, kMaxCommunityNameChars));
}
void CheckMember(const WireServerMember& m) {
  FUZZ_CHECK(ValidateUsername(m.user).ok());
  FUZZ_CHECK(m.role_ids.size() <= 1000);
  for (int64_t id : m.role_ids) FUZZ_CHECK(id > 0);
}
void CheckInvite(const WireInvite& i) {
  FUZZ_CHECK(!i.code.empty() && i.code.size() <= kMaxInviteCodeBytes);
  FUZZ_CHECK(i.server_id > 0 && i.expires_at_ms >= 0 && i.max_uses >= 0 && i.uses >= 0);
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

// A list decoder: every element checked and round-tripped on its own.
template <typename Decode, typename DecodeOne, typename Encode, typename Check>
void RoundTripList(const json& body, Decode decode, DecodeOne decode_one, Encode encode,
                   Check check) {
  auto list = decode(body);
  if (!list.ok()) return;
  for (const auto& item : *list) {
    check(item);
    RoundTrip(encode(item), decode_one, encode, check);
  }
}

void CheckBody(const json& body) {
  RoundTrip(body, DecodeServer, EncodeServer, CheckServer);
  RoundTrip(body, DecodeChannel, EncodeChannel, CheckChannel);
  RoundTrip(body, DecodeRole, EncodeRole, CheckRole);
  RoundTrip(body, DecodeServerMember, EncodeServerMember, CheckMember);
  RoundTrip(body, DecodeInvite, EncodeInvite, CheckInvite);
  if (auto s = DecodeServerField(body); s.ok()) CheckServer(*s);
  if (auto c = DecodeChannelField(body); c.ok()) CheckChannel(*c);
  if (auto r = DecodeRoleField(body); r.ok()) CheckRole(*r);
  if (auto i = DecodeInviteField(body); i.ok()) CheckInvite(*i);
  RoundTripList(body, DecodeServerList, DecodeServer, EncodeServer, CheckServer);
  RoundTripList(body, DecodeChannelList, DecodeChannel, EncodeChannel, CheckChannel);
  RoundTripList(body, DecodeRoleList, DecodeRole, EncodeRole, CheckRole);
  RoundTripList(body, DecodeServerMemberList, DecodeServerMember, EncodeServerMember,
                CheckMember);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  auto response = DecodeResponse(payload);
  if (!response.ok()) return 0;
  FUZZ_CHECK(response->body.is_object());
  CheckBody(response->body);
  return 0;
}
