// The children of mqchat_requests_total{op,outcome}, resolved once (issue 19). Every response
// the plugin sends is counted here, most on the broker thread: after the first reply of an
// (op, outcome) pair, counting is an op-name lookup and one relaxed atomic add, with no
// allocation and no lock. The op label is a name the protocol defines (a conversation or a
// community op) or "unknown": a client's made-up op is never a label, so clients cannot grow
// the family (each label set is a counter kept for the life of the process). Any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <string_view>

#include "metrics/registry.h"
#include "protocol/errors.h"

namespace mqchat::metrics {

class RequestCounters {
 public:
  explicit RequestCounters(CounterFamily& family);
  RequestCounters(const RequestCounters&) = delete;
  RequestCounters& operator=(const RequestCounters&) = delete;

  void CountOk(std::string_view op);
  void CountError(std::string_view op, protocol::ErrorCode code);

  // The op label a request's op name is counted under (its own name, or "unknown").
  static std::string_view OpLabel(std::string_view op);

 private:
  // Rows: conversation ops from 0, community ops from kCommunityBase, the unknown op last.
  // Columns: "ok" first, then the error codes by value. A row or column past the table (an
  // op or code added without growing it) takes the family's slower, locked path.
  static constexpr size_t kCommunityBase = 48;
  static constexpr size_t kRows = 96;
  static constexpr size_t kColumns = 64;
  static constexpr size_t kUnknownRow = kRows - 1;

  // The row of an op name: kUnknownRow for a name the protocol does not define, kRows for a
  // protocol op past the table.
  static size_t Row(std::string_view op);
  void Count(std::string_view op, size_t column, std::string_view outcome);

  CounterFamily& family_;
  std::array<std::array<std::atomic<Counter*>, kColumns>, kRows> slots_{};
};

}  // namespace mqchat::metrics
