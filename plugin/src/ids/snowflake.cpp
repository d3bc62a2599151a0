#include "ids/snowflake.h"

#include <cassert>

namespace mqchat {
namespace {

constexpr int kCounterShift = 0;
constexpr int kNodeShift = SnowflakeGenerator::kCounterBits;
constexpr int kTimestampShift = SnowflakeGenerator::kCounterBits + SnowflakeGenerator::kNodeBits;
constexpr int kMaxCounter = (1 << SnowflakeGenerator::kCounterBits) - 1;
constexpr int64_t kMaxTimestamp = (int64_t{1} << SnowflakeGenerator::kTimestampBits) - 1;

}  // namespace

SnowflakeGenerator::SnowflakeGenerator(int node_id, const Clock& clock)
    : node_id_(node_id & kMaxNodeId), clock_(clock) {
  assert(node_id >= 0 && node_id <= kMaxNodeId);
}

int64_t SnowflakeGenerator::Next() {
  int64_t now = clock_.NowMs() - kEpochMs;
  if (now < 0) now = 0;  // a clock before 2024 is broken; still hand out increasing ids
  if (now > last_ms_) {
    last_ms_ = now;
    counter_ = 0;
  } else if (counter_ < kMaxCounter) {
    ++counter_;  // same millisecond, or the clock stepped back: stay on last_ms_
  } else {
    ++last_ms_;  // 4096 ids in this millisecond: borrow the next one rather than wait
    counter_ = 0;
  }
  // Past 2093 the timestamp would spill into the sign bit; wrap inside 41 bits instead
  // (ids stay positive; monotonicity is lost only then).
  const int64_t ms = last_ms_ & kMaxTimestamp;
  return (ms << kTimestampShift) | (int64_t{node_id_} << kNodeShift) |
         (int64_t{counter_} << kCounterShift);
}

void SnowflakeGenerator::ObserveIssued(int64_t id) {
  if (id <= 0) return;
  const int64_t ms = id >> kTimestampShift;
  // Next() must return more than `id`. Ids of a later ms are larger whatever their node bits,
  // so claim all of `ms`: the next id lands on ms + 1 (or on a later clock reading).
  if (ms >= last_ms_) {
    last_ms_ = ms;
    counter_ = kMaxCounter;
  }
}

int64_t SnowflakeGenerator::TimestampMs(int64_t id) { return (id >> kTimestampShift) + kEpochMs; }

int SnowflakeGenerator::NodeId(int64_t id) {
  return static_cast<int>((id >> kNodeShift) & kMaxNodeId);
}

int SnowflakeGenerator::Counter(int64_t id) {
  return static_cast<int>((id >> kCounterShift) & kMaxCounter);
}

}  // namespace mqchat
