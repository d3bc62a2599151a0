#include "metrics/request_counters.h"

#include <string>

#include "protocol/community.h"
#include "protocol/ops.h"

namespace mqchat::metrics {

namespace {

constexpr std::string_view kUnknownOp = "unknown";
constexpr std::string_view kOk = "ok";

}  // namespace

RequestCounters::RequestCounters(CounterFamily& family) : family_(family) {
  for (auto& row : slots_) {
    for (auto& slot : row) slot.store(nullptr, std::memory_order_relaxed);
  }
}

size_t RequestCounters::Row(std::string_view op) {
  if (auto known = protocol::ParseOpName(op)) {
    const auto i = static_cast<size_t>(*known);
    return i < kCommunityBase ? i : kRows;
  }
  if (auto community = protocol::ParseCommunityOpName(op)) {
    const size_t i = kCommunityBase + static_cast<size_t>(*community);
    return i < kUnknownRow ? i : kRows;
  }
  return kUnknownRow;
}

std::string_view RequestCounters::OpLabel(std::string_view op) {
  if (protocol::ParseOpName(op) || protocol::ParseCommunityOpName(op)) return op;
  return kUnknownOp;
}

void RequestCounters::CountOk(std::string_view op) { Count(op, 0, kOk); }

void RequestCounters::CountError(std::string_view op, protocol::ErrorCode code) {
  Count(op, 1 + static_cast<size_t>(code), protocol::ErrorCodeName(code));
}

void RequestCounters::Count(std::string_view op, size_t column, std::string_view outcome) {
  const size_t row = Row(op);
  const std::string_view label = row == kUnknownRow ? kUnknownOp : op;
  if (row >= kRows || column >= kColumns) {
    family_.With({std::string(label), std::string(outcome)}).Inc();
    return;
  }
  std::atomic<Counter*>& slot = slots_[row][column];
  Counter* counter = slot.load(std::memory_order_acquire);
  if (counter == nullptr) {
    // First reply of this pair: find the family's child (a stable address) and keep it. Two
    // threads racing here find the same child.
    counter = &family_.With({std::string(label), std::string(outcome)});
    slot.store(counter, std::memory_order_release);
  }
  counter->Inc();
}

}  // namespace mqchat::metrics
