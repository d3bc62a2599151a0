// The children of mqchat_requests_total{op,outcome}, resolved once (issue 19). Every response
// the plugin sends is counted here, most on the broker thread. A reply carries the op its
// request parsed to (chat::ReplyTo: a protocol::Op, a protocol::CommunityOp, or neither), so
// after the first reply of an (op, outcome) pair counting is an array index and one relaxed
// atomic add: no string compare, no allocation and no lock. The op label is a name the protocol
// defines, or "unknown" for a request whose op did not parse: a client's made-up op is never a
// label, so clients cannot grow the family (each label set is a counter kept for the life of
// the process). Any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <optional>
#include <string_view>

#include "metrics/registry.h"
#include "protocol/community.h"
#include "protocol/errors.h"
#include "protocol/ops.h"

namespace mqchat::metrics {

// The op a reply answers: at most one of the two is set; neither is the "unknown" op.
struct CountedOp {
  std::optional<protocol::Op> op;
  std::optional<protocol::CommunityOp> community;
};

class RequestCounters {
 public:
  explicit RequestCounters(CounterFamily& family);
  RequestCounters(const RequestCounters&) = delete;
  RequestCounters& operator=(const RequestCounters&) = delete;

  void CountOk(CountedOp op);
  void CountError(CountedOp op, protocol::ErrorCode code);

  // The op label a reply is counted under (the op's wire name, or "unknown").
  static std::string_view OpLabel(CountedOp op);

 private:
  // Rows: conversation ops from 0, community ops from kCommunityBase, the unknown op last.
  // Columns: "ok" first, then the error codes by value. A row or column past the table (an
  // op or code added without growing it) takes the family's slower, locked path.
  static constexpr size_t kCommunityBase = 48;
  static constexpr size_t kRows = 96;
  static constexpr size_t kColumns = 64;
  static constexpr size_t kUnknownRow = kRows - 1;

  // The row of an op: kUnknownRow for neither, kRows for a protocol op past the table.
  static size_t Row(CountedOp op);
  void Count(CountedOp op, size_t column, std::string_view outcome);

  CounterFamily& family_;
  std::array<std::array<std::atomic<Counter*>, kColumns>, kRows> slots_{};
};

}  // namespace mqchat::metrics
