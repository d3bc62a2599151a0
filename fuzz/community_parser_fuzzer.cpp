// libFuzzer target: the community ops' parser, ParseCommunityRequest (client-sdk/protocol/
// community.h), which the plugin runs on the broker thread for every publish on a community
// topic. Input: the op's wire name, a newline, the payload. Invariants checked besides "no
// crash, no sanitizer report":
// - a payload over kMaxCommunityRequestBytes is TOO_LARGE; an echoed req_id is at most 128 bytes;
// - an accepted request has positive ids where given, permission bits within the nine flags,
//   names within bounds, and a page limit of 1..1000.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "protocol/community.h"
#include "protocol/text.h"

namespace {

using namespace mqchat::protocol;

void CheckAccepted(const CommunityRequest& r) {
  FUZZ_CHECK(r.server_id >= 0 && r.channel_id >= 0 && r.role_id >= 0);
  FUZZ_CHECK((r.allow & ~int64_t{511}) == 0 && (r.deny & ~int64_t{511}) == 0);
  FUZZ_CHECK(!r.permissions || (*r.permissions & ~int64_t{511}) == 0);
  FUZZ_CHECK(!r.name || (!r.name->empty() && IsValidUtf8(*r.name) &&
                         CountCodePoints(*r.name) <= kMaxCommunityNameChars));
  FUZZ_CHECK(!r.topic || CountCodePoints(*r.topic) <= kMaxChannelTopicChars);
  FUZZ_CHECK(r.limit >= 1 && r.limit <= kMaxServerMembersPage);
  FUZZ_CHECK(r.code.size() <= kMaxInviteCodeBytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const auto op = ParseCommunityOpName(input.substr(0, newline));
  if (!op) return 0;
  const std::string_view payload = input.substr(newline + 1);
  const ParsedCommunityRequest parsed = ParseCommunityRequest(*op, payload);
  FUZZ_CHECK(parsed.req_id.size() <= 128);
  if (payload.size() > kMaxCommunityRequestBytes) {
    FUZZ_CHECK(parsed.error && parsed.error->code == ErrorCode::kTooLarge);
  }
  if (!parsed.error) CheckAccepted(parsed.request);
  return 0;
}
