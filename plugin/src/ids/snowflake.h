// SnowflakeGenerator: unique, strictly increasing 63-bit message ids (time | node | counter).
// Broker thread only: no locks; one generator per process (per node id).
#pragma once

#include <cstdint>

#include "util/clock.h"

namespace mqchat {

// Layout, high to low: 0 sign bit | 41 bits ms since kEpochMs | 10 bits node | 12 bits counter.
// Positive int64 until 2093. Ids from one generator strictly increase even if the wall clock
// steps back: it keeps the last timestamp and, when 4096 ids used up one millisecond, borrows
// the next one (never blocks or sleeps). Ids sort roughly by creation time across nodes.
class SnowflakeGenerator {
 public:
  static constexpr int64_t kEpochMs = 1704067200000;  // 2024-01-01T00:00:00Z
  static constexpr int kTimestampBits = 41;
  static constexpr int kNodeBits = 10;
  static constexpr int kCounterBits = 12;
  static constexpr int kMaxNodeId = (1 << kNodeBits) - 1;

  // `node_id` must be 0..1023 (the config checks it; other bits are dropped). `clock` must
  // outlive the generator.
  SnowflakeGenerator(int node_id, const Clock& clock);

  SnowflakeGenerator(const SnowflakeGenerator&) = delete;
  SnowflakeGenerator& operator=(const SnowflakeGenerator&) = delete;

  // The next id: > every id this generator returned or was told about by ObserveIssued.
  int64_t Next();

  // Makes later ids greater than `id` (e.g. the largest stored message id at startup, so a clock
  // that stepped back across a restart cannot reuse ids). Ids of other nodes are fine to pass.
  void ObserveIssued(int64_t id);

  // Unix milliseconds encoded in `id`.
  static int64_t TimestampMs(int64_t id);
  static int NodeId(int64_t id);
  static int Counter(int64_t id);

 private:
  const int node_id_;
  const Clock& clock_;
  int64_t last_ms_ = -1;  // ms since kEpochMs of the last id
  int counter_ = 0;       // counter of the last id within last_ms_
};

}  // namespace mqchat
