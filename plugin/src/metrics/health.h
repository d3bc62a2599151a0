// HealthProbe: what the metrics listener's /healthz and /readyz answer (issue 19).
//   live:  the broker's loop is turning (its TICK, which fires at least ten times a second even
//          when idle, came within kStaleMs), so a process stuck on its only thread is restarted.
//   ready: live, and the store answers a query, Redis answers PING (when configured), and the
//          writer's queue is below its bound, so a load balancer sends no new clients to a
//          broker that could not store their messages.
// Ticked() is the broker thread's only call (one relaxed store); the rest runs on the
// listener's thread, over connections of its own, so a check never touches the broker thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "config/config.h"
#include "metrics/metrics_server.h"
#include "presence/redis_handles.h"
#include "store/pg/pg_handles.h"
#include "util/clock.h"

struct sqlite3;

namespace mqchat::metrics {

class HealthProbe {
 public:
  static constexpr int64_t kStaleMs = 5000;
  static constexpr int64_t kCacheMs = 500;  // readiness is recomputed at most this often

  // `queued_writes` reads the writer's queue depth (any thread); `max_queue` is its bound.
  HealthProbe(const Config& config, const Clock& clock, std::function<size_t()> queued_writes,
              size_t max_queue);
  ~HealthProbe();
  HealthProbe(const HealthProbe&) = delete;
  HealthProbe& operator=(const HealthProbe&) = delete;

  void Ticked() { last_tick_ms_.store(clock_.MonotonicMs(), std::memory_order_relaxed); }

  HealthReport Live() const;
  HealthReport Ready();

 private:
  std::string CheckLoop() const;  // "" when fine, else why not
  std::string CheckStore();
  std::string CheckRedis();
  std::string CheckQueue() const;

  const Config& config_;
  const Clock& clock_;
  std::function<size_t()> queued_writes_;
  size_t max_queue_;
  std::atomic<int64_t> last_tick_ms_;

  std::mutex mu_;  // the listener may serve probes on several threads
  sqlite3* sqlite_ = nullptr;
  store::PgConnPtr pg_;
  presence::RedisContextPtr redis_;
  int64_t cached_at_ms_ = -1;
  HealthReport cached_;
};

}  // namespace mqchat::metrics
