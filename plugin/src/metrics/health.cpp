#include "metrics/health.h"

#include <sqlite3.h>

#include "presence/presence_service.h"

namespace mqchat::metrics {

HealthProbe::HealthProbe(const Config& config, const Clock& clock,
                         std::function<size_t()> queued_writes, size_t max_queue)
    : config_(config),
      clock_(clock),
      queued_writes_(std::move(queued_writes)),
      max_queue_(max_queue),
      last_tick_ms_(clock.MonotonicMs()) {}

HealthProbe::~HealthProbe() {
  if (sqlite_ != nullptr) sqlite3_close_v2(sqlite_);
}

std::string HealthProbe::CheckLoop() const {
  const int64_t since = clock_.MonotonicMs() - last_tick_ms_.load(std::memory_order_relaxed);
  if (since <= kStaleMs) return "";
  return "the broker loop has not turned for " + std::to_string(since) + " ms";
}

HealthReport HealthProbe::Live() const {
  const std::string loop = CheckLoop();
  HealthReport r;
  r.ok = loop.empty();
  r.body = {{"status", r.ok ? "ok" : "fail"}, {"checks", {{"loop", r.ok ? "ok" : loop}}}};
  return r;
}

std::string HealthProbe::CheckStore() {
  if (config_.store.backend == store::Backend::kSqlite) {
    // Through SQLite (never a raw open of the file, which would drop the process's locks).
    if (sqlite_ == nullptr && sqlite3_open_v2(config_.store.sqlite_path.c_str(), &sqlite_,
                                              SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      std::string why = sqlite_ ? sqlite3_errmsg(sqlite_) : "out of memory";
      sqlite3_close_v2(sqlite_);
      sqlite_ = nullptr;
      return "store: " + why;
    }
    sqlite3_busy_timeout(sqlite_, 1000);
    char* err = nullptr;
    if (sqlite3_exec(sqlite_, "SELECT count(*) FROM schema_migrations", nullptr, nullptr, &err) !=
        SQLITE_OK) {
      std::string why = err ? err : "query failed";
      sqlite3_free(err);
      return "store: " + why;
    }
    return "";
  }
  if (!pg_ || PQstatus(pg_.get()) != CONNECTION_OK) {
    // connect_timeout bounds a server that does not answer; later keywords override the
    // conninfo's own (expand_dbname).
    const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
    const char* values[] = {config_.store.pg_conninfo.c_str(), "2", "mqchat-health", nullptr};
    pg_.reset(PQconnectdbParams(keys, values, 1));
    if (!pg_ || PQstatus(pg_.get()) != CONNECTION_OK) {
      std::string why = pg_ ? PQerrorMessage(pg_.get()) : "out of memory";
      pg_.reset();
      while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
      return "store: " + why;
    }
  }
  store::PgResultPtr res(PQexec(pg_.get(), "SELECT 1"));
  if (!res || PQresultStatus(res.get()) != PGRES_TUPLES_OK) {
    std::string why = PQerrorMessage(pg_.get());
    pg_.reset();  // reconnect next time
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return "store: " + why;
  }
  return "";
}

std::string HealthProbe::CheckRedis() {
  if (!redis_) {
    auto address = presence::SharedRedisAddress(config_.presence);
    if (!address.ok()) return "redis: " + address.status().message();
    auto connected = presence::ConnectRedis(*address, 1000);
    if (!connected.ok()) return "redis: " + connected.status().message();
    redis_ = std::move(connected).value();
  }
  auto pong = presence::RedisCommand(redis_.get(), "PING");
  if (!pong.ok()) {
    redis_.reset();
    return "redis: " + pong.status().message();
  }
  return "";
}

std::string HealthProbe::CheckQueue() const {
  const size_t queued = queued_writes_ ? queued_writes_() : 0;
  if (queued < max_queue_) return "";
  return "the store writer's queue is full (" + std::to_string(queued) + ")";
}

HealthReport HealthProbe::Ready() {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now = clock_.MonotonicMs();
  if (cached_at_ms_ >= 0 && now - cached_at_ms_ < kCacheMs) return cached_;
  nlohmann::json checks = nlohmann::json::object();
  bool ok = true;
  auto record = [&](const char* name, const std::string& why) {
    checks[name] = why.empty() ? "ok" : why;
    ok = ok && why.empty();
  };
  record("loop", CheckLoop());
  record("store", CheckStore());
  if (config_.presence.shared()) record("redis", CheckRedis());
  record("queue", CheckQueue());
  cached_.ok = ok;
  cached_.body = {{"status", ok ? "ok" : "fail"}, {"checks", std::move(checks)}};
  cached_at_ms_ = now;
  return cached_;
}

}  // namespace mqchat::metrics
