// ParseConfig: the table of plugin options (each name with its setter: config_values.h), read
// in order, each once, then checked as a whole.
#include "config/config.h"

#include <set>

#include "config/config_values.h"
#include "ids/snowflake.h"
#include "metrics/listen_address.h"
#include "store/shard_map.h"

namespace mqchat {
namespace {

using namespace config_values;  // the value parsers and setters the table is made of

struct OptionSpec {
  const char* name;
  Setter set;
};

const std::vector<OptionSpec>& Specs() {
  static const std::vector<OptionSpec> kSpecs = {
      {"store",
       [](Config& c, const std::string& k, const std::string& v) -> Status {
         if (v == "sqlite") {
           c.store.backend = store::Backend::kSqlite;
         } else if (v == "postgres") {
           c.store.backend = store::Backend::kPostgres;
         } else {
           return OptionError(k, "'" + v + "' is not a store; use sqlite or postgres");
         }
         return Status::Ok();
       }},
      {"sqlite_path",
       [](Config& c, const std::string&, const std::string& v) -> Status {
         c.store.sqlite_path = v;
         return Status::Ok();
       }},
      {"pg_conninfo",
       [](Config& c, const std::string&, const std::string& v) -> Status {
         c.store.pg_conninfo = v;
         return Status::Ok();
       }},
      {"pg_shards",
       [](Config& c, const std::string&, const std::string& v) -> Status {
         MQCHAT_ASSIGN_OR_RETURN(c.store.pg_shards, store::ParseShardList(v));
         return Status::Ok();
       }},
      {"store_readers", IntField(&Config::store_readers, 1, 64)},
      // The last node id is mqchatctl's (moderator deletes, tools/mqchatctl/reports.cpp), so
      // no broker's message ids can collide with the ids it makes.
      {"node_id", IntField(&Config::node_id, 0, SnowflakeGenerator::kMaxNodeId - 1)},
      {"max_group_members", IntField(&Config::max_group_members, 2, 100000)},
      {"max_server_members", IntField(&Config::max_server_members, 2, 10000000)},
      {"max_message_chars", IntField(&Config::max_message_chars, 1, 10000000)},
      {"edit_window_s", IntField(&Config::edit_window_s, 0, 2000000000)},
      {"send_rate_per_s", LimitInt(&SendLimitConfig::send_rate_per_s, 1000000)},
      {"send_burst", LimitInt(&SendLimitConfig::send_burst, 1000000)},
      {"fanout_per_s", LimitInt(&SendLimitConfig::fanout_per_s, 100000000)},
      {"fanout_burst", LimitInt(&SendLimitConfig::fanout_burst, 100000000)},
      {"send_puback_refusal", LimitInt(&SendLimitConfig::send_puback_refusal, 1)},
      {"service_users", &SetServiceUsers},
      {"service_send_rate_per_s", LimitInt(&SendLimitConfig::service_send_rate_per_s, 1000000)},
      {"service_send_burst", LimitInt(&SendLimitConfig::service_send_burst, 1000000)},
      {"service_fanout_per_s", LimitInt(&SendLimitConfig::service_fanout_per_s, 100000000)},
      {"service_fanout_burst", LimitInt(&SendLimitConfig::service_fanout_burst, 100000000)},
      {"jwt_hs256_secret", AuthString(&AuthConfig::jwt_hs256_secret)},
      {"jwt_hs256_secret_file", AuthFile(&AuthConfig::jwt_hs256_secret)},
      {"jwt_rs256_public_key_file", AuthFile(&AuthConfig::jwt_rs256_public_key_pem)},
      {"jwt_issuer", AuthString(&AuthConfig::jwt_issuer)},
      {"jwt_audience", AuthString(&AuthConfig::jwt_audience)},
      {"jwt_leeway_s", AuthInt(&AuthConfig::jwt_leeway_s, 0, 3600)},
      {"auth_cache_ttl_s", AuthInt(&AuthConfig::cache_ttl_s, 0, 86400 * 30)},
      {"auth_cache_max_entries", AuthInt(&AuthConfig::cache_max_entries, 0, 100000000)},
      {"auth_fail_max", AuthInt(&AuthConfig::fail_max, 1, 1000000)},
      {"auth_fail_max_per_prefix", AuthInt(&AuthConfig::fail_max_per_prefix, 1, 1000000)},
      {"auth_fail_window_s", AuthInt(&AuthConfig::fail_window_s, 1, 86400)},
      {"password_login", &SetPasswordLogin},
      {"auth_hashes_per_s", AuthInt(&AuthConfig::hashes_per_s, 1, 1000)},
      {"auth_hash_duty_percent", AuthInt(&AuthConfig::hash_duty_percent, 1, 100)},
      {"connect_per_address_per_s", AuthInt(&AuthConfig::connect_per_address_per_s, 0, 1000000)},
      {"connect_per_s", AuthInt(&AuthConfig::connect_per_s, 0, 10000000)},
      {"max_devices_per_user", AuthInt(&AuthConfig::max_devices_per_user, 0, 100000)},
      {"user_refresh_ms", AuthInt(&AuthConfig::user_refresh_ms, 50, 3600000)},
      {"presence_grace_ms", PresenceInt(&PresenceConfig::grace_ms, 0, 600000)},
      {"presence_min_interval_ms", PresenceInt(&PresenceConfig::min_interval_ms, 0, 600000)},
      {"presence_online_expiry_s", PresenceInt(&PresenceConfig::online_expiry_s, 10, 86400)},
      {"typing_per_minute", PresenceInt(&PresenceConfig::typing_per_minute, 1, 100000)},
      {"redis_url",
       [](Config& c, const std::string&, const std::string& v) -> Status {
         c.presence.redis_url = v;
         return Status::Ok();
       }},
      {"redis_sentinels",
       [](Config& c, const std::string&, const std::string& v) -> Status {
         c.presence.redis_sentinels = v;
         return Status::Ok();
       }},
      {"redis_master_name",
       [](Config& c, const std::string&, const std::string& v) -> Status {
         c.presence.redis_master_name = v;
         return Status::Ok();
       }},
      {"redis_ttl_s", PresenceInt(&PresenceConfig::redis_ttl_s, 3, 3600)},
      {"advertise_urls",
       [](Config& c, const std::string&, const std::string& v) -> Status {
         c.presence.advertise_urls = v;
         return Status::Ok();
       }},
      {"push_gateway_url", &SetPushGatewayUrl},
      {"push_timeout_ms", PushInt(&PushConfig::timeout_ms, 100, 120000)},
      {"push_concurrency", PushInt(&PushConfig::concurrency, 1, 64)},
      {"push_tls_verify", &SetPushTlsVerify},
      {"push_max_attempts", PushInt(&PushConfig::max_attempts, 1, 1000)},
      {"push_app_id", &SetPushAppId},
      {"push_backoff_base_ms", PushInt(&PushConfig::backoff_base_ms, 1, 600000)},
      {"push_backoff_max_ms", PushInt(&PushConfig::backoff_max_ms, 1, 86400000)},
      {"push_coalesce_ms", PushInt(&PushConfig::coalesce_ms, 0, 60000)},
      {"push_coalesce_max_ms", PushInt(&PushConfig::coalesce_max_ms, 0, 600000)},
      {"metrics_listen",
       [](Config& c, const std::string& k, const std::string& v) -> Status {
         auto address = metrics::ParseListenAddress(v);
         if (!address.ok()) return OptionError(k, address.status().message());
         c.metrics_listen = v;
         return Status::Ok();
       }},
      {"search_index", &SetSearchIndex},
      {"call_ring_timeout_s", CallInt(&CallConfig::ring_timeout_s, 1, 3600)},
      {"max_call_participants", CallInt(&CallConfig::max_participants, 2, 16)},
      {"call_signals_per_minute", CallInt(&CallConfig::signals_per_minute, 1, 1000000)},
      {"call_turn_ttl_s", CallInt(&CallConfig::turn_ttl_s, 60, 2592000)},
      {"call_stun_urls", CallUrls(&CallConfig::stun_urls, {"stun:", "stuns:"})},
      {"call_turn_urls", CallUrls(&CallConfig::turn_urls, {"turn:", "turns:"})},
      {"call_turn_secret",
       [](Config& c, const std::string&, const std::string& v) -> Status {
         c.calls.turn_secret = v;
         return Status::Ok();
       }},
      {"call_turn_secret_file",
       [](Config& c, const std::string& k, const std::string& v) -> Status {
         MQCHAT_ASSIGN_OR_RETURN(c.calls.turn_secret, ReadKeyFile(k, v));
         c.calls.turn_secret = Trim(c.calls.turn_secret);
         return Status::Ok();
       }},
      {"retention_days", RetentionInt(&RetentionConfig::days, 0, 36500)},
      {"retention_sweep_ms", RetentionInt(&RetentionConfig::sweep_ms, 10, 86400000)},
      {"retention_batch", RetentionInt(&RetentionConfig::batch, 1, 100000)},
      {"retention_batch_us", RetentionInt(&RetentionConfig::batch_us, 0, 10000000)},
      {"retention_max_per_s", RetentionInt(&RetentionConfig::max_per_s, 0, 10000000)},
      {"retention_day_ms", RetentionInt(&RetentionConfig::day_ms, 1, 86400000)},
      {"resend_window_s", RetentionInt(&RetentionConfig::resend_window_s, 21600, 30 * 86400)},
  };
  return kSpecs;
}

const OptionSpec* FindSpec(const std::string& key) {
  for (const auto& spec : Specs()) {
    if (key == spec.name) return &spec;
  }
  return nullptr;
}

Status ValidateWhole(const Config& c) {
  if (c.store.backend == store::Backend::kSqlite && c.store.sqlite_path.empty()) {
    return OptionError("sqlite_path", "is required when plugin_opt_store is sqlite");
  }
  if (c.store.backend == store::Backend::kPostgres && c.store.pg_conninfo.empty()) {
    return OptionError("pg_conninfo", "is required when plugin_opt_store is postgres");
  }
  if (c.store.backend != store::Backend::kPostgres && !c.store.pg_shards.empty()) {
    return OptionError("pg_shards", "needs plugin_opt_store postgres");
  }
  if (!c.auth.jwt_hs256_secret.empty() && c.auth.jwt_hs256_secret.size() < 32) {
    return OptionError("jwt_hs256_secret",
                       "must be at least 32 bytes (a short HMAC secret can be brute-forced)");
  }
  if (!c.presence.redis_sentinels.empty() && !c.presence.redis_url.empty()) {
    return OptionError("redis_sentinels", "and plugin_opt_redis_url exclude each other");
  }
  if (c.presence.redis_sentinels.empty() != c.presence.redis_master_name.empty()) {
    return OptionError("redis_master_name", "and plugin_opt_redis_sentinels go together");
  }
  if (c.push.coalesce_max_ms < c.push.coalesce_ms) {
    return OptionError("push_coalesce_max_ms", "must not be below plugin_opt_push_coalesce_ms");
  }
  if (c.push.backoff_max_ms < c.push.backoff_base_ms) {
    return OptionError("push_backoff_max_ms", "must not be below plugin_opt_push_backoff_base_ms");
  }
  return Status::Ok();
}

}  // namespace

Result<Config> ParseConfig(const OptionList& options) {
  Config config;
  std::set<std::string> seen;
  for (const auto& [raw_key, raw_value] : options) {
    const std::string key = Trim(raw_key);
    const std::string value = Trim(StripInlineComment(Trim(raw_value)));
    const OptionSpec* spec = FindSpec(key);
    if (spec == nullptr) return OptionError(key, "unknown option");
    if (!seen.insert(key).second) return OptionError(key, "given more than once");
    if (value.empty()) {
      return OptionError(key,
                         "has no value (a '#' at the start or after a space begins a comment)");
    }
    MQCHAT_RETURN_IF_ERROR(spec->set(config, key, value));
  }
  MQCHAT_RETURN_IF_ERROR(ValidateWhole(config));
  return config;
}

std::vector<std::string> KnownOptionNames() {
  std::vector<std::string> names;
  for (const auto& spec : Specs()) names.emplace_back(spec.name);
  return names;
}

}  // namespace mqchat
