// libFuzzer target: the plugin's request path, ParseRequest (client-sdk/protocol/requests.h) and
// the bounded first pass it runs, ScanJsonBounds (json_bounds.h). Input: the topic, a newline,
// the payload (no newline: the payload alone, on a `send` topic). Invariants checked besides
// "no crash, no sanitizer report":
// - a payload over MaxRequestBytes is TOO_LARGE; a bad req_id is never echoed (<= 128 bytes);
// - an accepted request has its op's body, bounded fields, and re-encodes to a request that
//   parses back to the same encoding (EncodeRequest/ParseRequest round trip);
// - a scan that reports no excess on a document nlohmann accepts means that document is within
//   the bounds (depth, values, string bytes); a captured req_id is within the string bound.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "fuzz_check.h"
#include "protocol/json_bounds.h"
#include "protocol/requests.h"
#include "protocol/text.h"
#include "protocol/topics.h"

namespace {

using namespace mqchat::protocol;

// Small enough that TOO_LONG texts fit in a fuzz input.
constexpr RequestLimits kLimits{/*max_message_chars=*/40};

struct TreeSize {
  size_t depth = 0;
  size_t values = 0;
  size_t longest_string = 0;
};

// `depth` counts containers only, as the scan does: {"a":{"b":1}} nests 2 levels deep.
void Measure(const nlohmann::json& j, size_t depth, TreeSize* out) {
  ++out->values;
  if (j.is_structured() && depth > out->depth) out->depth = depth;
  if (j.is_string()) {
    out->longest_string = std::max(out->longest_string, j.get_ref<const std::string&>().size());
  }
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      out->longest_string = std::max(out->longest_string, it.key().size());
      Measure(it.value(), depth + 1, out);
    }
  } else if (j.is_array()) {
    for (const auto& item : j) Measure(item, depth + 1, out);
  }
}

void CheckScan(std::string_view payload) {
  const JsonBounds bounds{/*max_depth=*/3, /*max_elements=*/16, /*max_string_bytes=*/24};
  JsonBoundsScan scan = ScanJsonBounds(payload, bounds, "req_id");
  if (scan.captured) FUZZ_CHECK(scan.captured->size() <= bounds.max_string_bytes);
  if (scan.excess || !scan.syntax_ok) return;
  nlohmann::json doc = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return;  // e.g. ill-formed UTF-8, which the scan leaves to the parser
  TreeSize size;
  Measure(doc, 1, &size);
  FUZZ_CHECK(size.depth <= bounds.max_depth);
  FUZZ_CHECK(size.values <= bounds.max_elements);
  FUZZ_CHECK(size.longest_string <= bounds.max_string_bytes);
  FUZZ_CHECK(scan.top_is_object == doc.is_object());
}

void CheckBody(const Request& r) {
  FUZZ_CHECK(r.body.index() == static_cast<size_t>(r.op));
  if (const auto* send = std::get_if<SendRequest>(&r.body)) {
    FUZZ_CHECK(!send->client_msg_id.empty() && send->client_msg_id.size() <= kMaxClientMsgIdBytes);
    FUZZ_CHECK(!ValidateMessageText(send->text, kLimits.max_message_chars));
  } else if (const auto* h = std::get_if<HistoryRequest>(&r.body)) {
    FUZZ_CHECK(h->limit >= 1 && h->limit <= kMaxPageLimit);
    FUZZ_CHECK(h->after_seq >= 0 && h->before_seq >= 0);
    FUZZ_CHECK(!(h->after_seq > 0 && h->before_seq > 0));
  } else if (const auto* add = std::get_if<AddMembersRequest>(&r.body)) {
    FUZZ_CHECK(!add->users.empty() && add->users.size() <= kMaxUsersPerRequest);
  } else if (const auto* group = std::get_if<CreateGroupRequest>(&r.body)) {
    FUZZ_CHECK(group->members.size() <= kMaxUsersPerRequest);
  } else if (const auto* sync = std::get_if<SyncRequest>(&r.body)) {
    FUZZ_CHECK(sync->cursors.size() <= kMaxSyncCursors);
    FUZZ_CHECK(sync->limit >= 1 && sync->limit <= kMaxPageLimit);
    for (const auto& [id, seq] : sync->cursors) FUZZ_CHECK(id > 0 && seq >= 0);
  } else if (const auto* push = std::get_if<PushRegisterRequest>(&r.body)) {
    FUZZ_CHECK(!push->token.empty() && push->token.size() <= kMaxPushTokenBytes);
  }
}

void CheckRequest(std::string_view topic, std::string_view payload) {
  ParsedRequest parsed = ParseRequest(topic, payload, kLimits);
  FUZZ_CHECK(parsed.req_id.size() <= kMaxReqIdBytes);
  if (payload.size() > MaxRequestBytes(kLimits)) {
    FUZZ_CHECK(parsed.error && parsed.error->code == ErrorCode::kTooLarge);
  }
  FUZZ_CHECK(!ResponseOpName(parsed).empty());
  if (parsed.error) return;
  const Request& r = parsed.request;
  FUZZ_CHECK(parsed.op && *parsed.op == r.op);
  FUZZ_CHECK(r.req_id == parsed.req_id && r.conversation_id >= 0);
  CheckBody(r);
  const std::string encoded = EncodeRequest(r);
  ParsedRequest again = ParseRequest(RequestTopic(r.op, r.conversation_id), encoded, kLimits);
  FUZZ_CHECK(!again.error);
  FUZZ_CHECK(again.request.op == r.op && again.request.conversation_id == r.conversation_id);
  FUZZ_CHECK(EncodeRequest(again.request) == encoded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  std::string topic = RequestTopic(Op::kSend, 1);
  std::string_view payload = input;
  if (newline != std::string_view::npos) {
    topic = std::string(input.substr(0, newline));
    payload = input.substr(newline + 1);
  }
  CheckScan(payload);
  CheckRequest(topic, payload);
  return 0;
}
