#include "metrics/request_counters.h"

#include <string>

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

size_t RequestCounters::Row(CountedOp op) {
  if (op.op) {
    const auto i = static_cast<size_t>(*op.op);
    return i < kCommunityBase ? i : kRows;
  }
  if (op.community) {
    const size_t i = kCommunityBase + static_cast<size_t>(*op.community);
    return i < kUnknownRow ? i : kRows;
  }
  return kUnknownRow;
}

std::string_view RequestCounters::OpLabel(CountedOp op) {
  if (op.op) return protocol::OpName(*op.op);
  if (op.community) return protocol::CommunityOpName(*op.community);
  return kUnknownOp;
}

void RequestCounters::CountOk(CountedOp op) { Count(op, 0, kOk); }

void RequestCounters::CountError(CountedOp op, protocol::ErrorCode code) {
  Count(op, 1 + static_cast<size_t>(code), protocol::ErrorCodeName(code));
}

void RequestCounters::Count(CountedOp op, size_t column, std::string_view outcome) {
  const size_t row = Row(op);
  if (row >= kRows || column >= kColumns) {
    family_.With({std::string(OpLabel(op)), std::string(outcome)}).Inc();
    return;
  }
  std::atomic<Counter*>& slot = slots_[row][column];
  Counter* counter = slot.load(std::memory_order_acquire);
  if (counter == nullptr) {
    // First reply of this pair: find the family's child (a stable address) and keep it. Two
    // threads racing here find the same child.
    counter = &family_.With({std::string(OpLabel(op)), std::string(outcome)});
    slot.store(counter, std::memory_order_release);
  }
  counter->Inc();
}

}  // namespace mqchat::metrics
