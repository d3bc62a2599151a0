#include "config.h"

#include <cctype>
#include <fstream>
#include <utility>

#include "metrics/listen_address.h"
#include "option_parse.h"
#include "presence/redis_handles.h"
#include "store/shard_map.h"

namespace mqchat::api {

Status ParseIntOption(const std::string& key, const std::string& value, int64_t min, int64_t max,
                      int64_t* out) {
  size_t used = 0;
  int64_t parsed = 0;
  try {
    parsed = std::stoll(value, &used, 10);
  } catch (...) {
    used = 0;
  }
  if (used == 0 || used != value.size() || parsed < min || parsed > max) {
    return Status::InvalidArgument(key + " must be an integer in " + std::to_string(min) + ".." +
                                   std::to_string(max) + " (got '" + value + "')");
  }
  *out = parsed;
  return Status::Ok();
}

namespace {

using KeyValues = std::vector<std::pair<std::string, std::string>>;


Status ReadConfigFile(const std::string& path, KeyValues* out) {
  std::ifstream in(path);
  if (!in) return Status::InvalidArgument("cannot read config file " + path);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    // '#' starts a comment at the start of a line or after whitespace (not inside a value).
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '#' && (i == 0 || std::isspace(static_cast<unsigned char>(line[i - 1])))) {
        line.erase(i);
        break;
      }
    }
    const char* kSpace = " \t\r";
    size_t start = line.find_first_not_of(kSpace);
    if (start == std::string::npos) continue;
    size_t key_end = line.find_first_of(kSpace, start);
    size_t value_start =
        key_end == std::string::npos ? std::string::npos : line.find_first_not_of(kSpace, key_end);
    if (value_start == std::string::npos) {
      return Status::InvalidArgument(path + ":" + std::to_string(number) +
                                     ": expected 'key value'");
    }
    size_t value_end = line.find_last_not_of(kSpace);
    out->emplace_back(line.substr(start, key_end - start),
                      line.substr(value_start, value_end + 1 - value_start));
  }
  return Status::Ok();
}

// Applies one key; kInvalidArgument for an unknown key or a bad value.
Status Apply(const std::string& key, const std::string& value, ApiConfig* c, int* stores) {
  int64_t n = 0;
  auto int_option = [&](int64_t min, int64_t max) { return ParseIntOption(key, value, min, max, &n); };
  if (key == "listen") {
    c->listen_host = value;
  } else if (key == "port") {
    if (auto s = int_option(0, 65535); !s.ok()) return s;
    c->port = static_cast<int>(n);
  } else if (key == "tls_cert_file") {
    c->tls_cert_file = value;
  } else if (key == "tls_key_file") {
    c->tls_key_file = value;
  } else if (key == "allow_plain_http") {
    if (value != "true" && value != "false") {
      return Status::InvalidArgument("allow_plain_http must be true or false (got '" + value +
                                     "')");
    }
    c->allow_plain_http = value == "true";
  } else if (key == "sqlite") {
    c->store.backend = store::Backend::kSqlite;
    c->store.sqlite_path = value;
    ++*stores;
  } else if (key == "pg") {
    c->store.backend = store::Backend::kPostgres;
    c->store.pg_conninfo = value;
    ++*stores;
  } else if (key == "pg_shards") {
    // The brokers' plugin_opt_pg_shards, the same list in the same order (docs/OPERATIONS.md).
    auto shards = store::ParseShardList(value);
    if (!shards.ok()) return shards.status();
    c->store.pg_shards = std::move(shards).value();
  } else if (key == "signup") {
    if (value == "open") {
      c->signup = SignupMode::kOpen;
    } else if (value == "closed") {
      c->signup = SignupMode::kClosed;
    } else if (value == "invite") {
      c->signup = SignupMode::kInvite;
    } else {
      return Status::InvalidArgument("signup must be open, invite or closed (got '" + value +
                                     "')");
    }
  } else if (key == "jwt_private_key_file") {
    c->jwt_private_key_file = value;
  } else if (key == "jwt_issuer") {
    c->jwt_issuer = value;
  } else if (key == "jwt_audience") {
    c->jwt_audience = value;
  } else if (key == "access_token_ttl_s") {
    if (auto s = int_option(60, 86400); !s.ok()) return s;
    c->access_token_ttl_s = n;
  } else if (key == "refresh_token_ttl_s") {
    if (auto s = int_option(3600, 31536000); !s.ok()) return s;
    c->refresh_token_ttl_s = n;
  } else if (key == "max_body_bytes") {
    if (auto s = int_option(1024, 1048576); !s.ok()) return s;
    c->max_body_bytes = static_cast<size_t>(n);
  } else if (key == "hash_workers") {
    if (auto s = int_option(1, 64); !s.ok()) return s;
    c->hash_workers = static_cast<int>(n);
  } else if (key == "hash_queue") {
    if (auto s = int_option(0, 10000); !s.ok()) return s;
    c->hash_queue = static_cast<int>(n);
  } else if (key == "hash_rate_per_prefix") {
    if (auto s = int_option(0, 100000); !s.ok()) return s;
    c->hash_per_prefix.rate_per_s = static_cast<int>(n);
  } else if (key == "hash_burst_per_prefix") {
    if (auto s = int_option(1, 100000); !s.ok()) return s;
    c->hash_per_prefix.burst = static_cast<int>(n);
  } else if (key == "hash_concurrent_per_prefix") {
    if (auto s = int_option(0, 10000); !s.ok()) return s;
    c->hash_per_prefix.concurrent = static_cast<int>(n);
  } else if (key == "hash_worker_nice") {
    if (auto s = int_option(0, 19); !s.ok()) return s;
    c->hash_worker_nice = static_cast<int>(n);
  } else if (key == "store_connections") {
    if (auto s = int_option(1, 64); !s.ok()) return s;
    c->store_connections = static_cast<int>(n);
  } else if (key == "http_threads") {
    if (auto s = int_option(1, 1024); !s.ok()) return s;
    c->http_threads = static_cast<int>(n);
  } else if (key == "web_dir") {
    c->web_dir = value;
  } else if (key == "blob_dir") {
    c->blob_dir = value;
  } else if (key == "avatar_max_bytes") {
    if (auto s = int_option(1024, 16777216); !s.ok()) return s;
    c->avatar_max_bytes = static_cast<size_t>(n);
  } else if (key == "lookup_per_minute") {
    if (auto s = int_option(1, 10000); !s.ok()) return s;
    c->lookup_per_minute = static_cast<int>(n);
  } else if (key == "lookup_per_minute_per_address") {
    if (auto s = int_option(1, 100000); !s.ok()) return s;
    c->lookup_per_minute_per_address = static_cast<int>(n);
  } else if (key == "login_fail_max" || key == "login_fail_max_per_prefix") {
    if (auto s = int_option(1, 1000000); !s.ok()) return s;
    (key == "login_fail_max" ? c->login_fail_max : c->login_fail_max_per_prefix) =
        static_cast<int>(n);
  } else if (key == "login_fail_window_s") {
    if (auto s = int_option(1, 86400); !s.ok()) return s;
    c->login_fail_window_s = n;
  } else if (key == "signup_max_per_address" || key == "signup_max_per_prefix") {
    if (auto s = int_option(1, 1000000); !s.ok()) return s;
    (key == "signup_max_per_address" ? c->signup_max_per_address : c->signup_max_per_prefix) =
        static_cast<int>(n);
  } else if (key == "signup_window_s") {
    if (auto s = int_option(1, 86400); !s.ok()) return s;
    c->signup_window_s = n;
  } else if (key == "broker") {
    c->brokers.push_back(value);
  } else if (key == "redis") {
    if (auto parsed = presence::ParseRedisAddress(value); !parsed.ok()) {
      return Status::InvalidArgument("redis: " + parsed.status().message());
    }
    c->redis_url = value;
  } else if (key == "redis_sentinels") {
    c->redis_sentinels = value;
  } else if (key == "redis_master_name") {
    c->redis_master_name = value;
  } else if (key == "admin_key_file") {
    c->admin_key_file = value;
  } else if (key == "max_group_members") {
    if (auto s = int_option(2, 100000); !s.ok()) return s;
    c->max_group_members = static_cast<int>(n);
  } else if (key == "metrics_listen") {
    if (auto parsed = metrics::ParseListenAddress(value); !parsed.ok()) {
      return Status::InvalidArgument("metrics_listen: " + parsed.status().message());
    }
    c->metrics_listen = value;
  } else if (key == "discovery_cache_ms") {
    if (auto s = int_option(0, 60000); !s.ok()) return s;
    c->discovery_cache_ms = static_cast<int>(n);
  } else if (key == "cors_origin") {
    // An origin is scheme://host[:port]: no path, so "http://a/" (a common slip) is refused.
    const size_t scheme = value.find("://");
    if (scheme == std::string::npos || value.find('/', scheme + 3) != std::string::npos) {
      return Status::InvalidArgument("cors_origin must be scheme://host[:port] (got '" + value +
                                     "')");
    }
    c->cors_origins.push_back(value);
  } else if (auto applied = ApplyAttachmentOption(key, value, &c->attachments)) {
    return *applied;
  } else if (auto applied = ApplyRequestGateOption(key, value, &c->gate)) {
    return *applied;
  } else {
    return Status::InvalidArgument("unknown option '" + key + "'");
  }
  return Status::Ok();
}

// Plain HTTP only where nobody else can listen in: loopback, or behind a TLS proxy the
// operator vouches for.
Status CheckTransport(const ApiConfig& c) {
  if (c.tls_cert_file.empty() != c.tls_key_file.empty()) {
    return Status::InvalidArgument("give both tls_cert_file and tls_key_file, or neither");
  }
  if (c.tls_cert_file.empty() && !c.allow_plain_http && !IsLoopbackHost(c.listen_host)) {
    return Status::InvalidArgument(
        "listen " + c.listen_host +
        " is not a loopback address: serve HTTPS (tls_cert_file and tls_key_file), or set "
        "allow_plain_http true if a TLS-terminating proxy sits in front");
  }
  return Status::Ok();
}

Status CheckRedis(const ApiConfig& c) {
  if (!c.redis_sentinels.empty() && !c.redis_url.empty()) {
    return Status::InvalidArgument("redis and redis_sentinels exclude each other");
  }
  if (c.redis_sentinels.empty() != c.redis_master_name.empty()) {
    return Status::InvalidArgument("redis_sentinels and redis_master_name go together");
  }
  if (c.redis_sentinels.empty()) return Status::Ok();
  auto parsed = presence::ParseRedisSentinels(c.redis_sentinels, c.redis_master_name);
  if (!parsed.ok()) return Status::InvalidArgument("redis_sentinels: " + parsed.status().message());
  return Status::Ok();
}

}  // namespace

std::optional<presence::RedisAddress> ApiRedisAddress(const ApiConfig& config) {
  Result<presence::RedisAddress> address = Status::NotFound("no redis");
  if (!config.redis_sentinels.empty()) {
    address = presence::ParseRedisSentinels(config.redis_sentinels, config.redis_master_name);
  } else if (!config.redis_url.empty()) {
    address = presence::ParseRedisAddress(config.redis_url);
  }
  if (!address.ok()) return std::nullopt;
  return *address;
}

bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

Result<ApiConfig> ParseApiArgs(const std::vector<std::string>& args) {
  KeyValues options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      return Status::InvalidArgument("unexpected argument '" + arg + "'");
    }
    if (i + 1 >= args.size()) return Status::InvalidArgument(arg + " needs a value");
    const std::string key = arg.substr(2);
    const std::string& value = args[++i];
    if (key == "config") {
      if (auto s = ReadConfigFile(value, &options); !s.ok()) return s;
    } else {
      options.emplace_back(key, value);
    }
  }
  ApiConfig config;
  int stores = 0;
  for (const auto& [key, value] : options) {
    if (auto s = Apply(key, value, &config, &stores); !s.ok()) return s;
  }
  if (stores != 1) {
    return Status::InvalidArgument("give exactly one store: --sqlite PATH or --pg CONNINFO");
  }
  if (!config.store.pg_shards.empty() && config.store.backend != store::Backend::kPostgres) {
    return Status::InvalidArgument("--pg_shards needs --pg (the global database)");
  }
  if (config.blob_dir.empty() && config.store.backend == store::Backend::kSqlite) {
    const size_t slash = config.store.sqlite_path.rfind('/');
    config.blob_dir =
        (slash == std::string::npos ? "." : config.store.sqlite_path.substr(0, slash)) + "/blobs";
  }
  if (auto s = CheckTransport(config); !s.ok()) return s;
  if (auto s = CheckRedis(config); !s.ok()) return s;
  if (config.jwt_private_key_file.empty()) {
    return Status::InvalidArgument("--jwt_private_key_file is required (it signs access tokens)");
  }
  return config;
}

std::string ApiUsage() {
  return R"(usage: mqchat-api [--config FILE] [--KEY VALUE]...
  --sqlite PATH | --pg CONNINFO   the store the brokers use (exactly one)
  --pg_shards "CONNINFO; ..."   the brokers' conversation shards (--pg is then the global one)
  --jwt_private_key_file FILE     RSA private key (PEM) signing RS256 access tokens
  --jwt_issuer ISS --jwt_audience AUD   claims the brokers check (optional)
  --listen HOST (127.0.0.1) --port N (8080; 0 = any free port)
  --tls_cert_file PEM --tls_key_file PEM   serve HTTPS (plain HTTP: loopback only, unless
    --allow_plain_http true because a TLS-terminating proxy sits in front)
  --signup open|invite|closed (open)   invite: an invite_code from `mqchatctl invite create`
  --broker URL (repeatable; GET /v1/connect without Redis)
  --redis HOST:PORT   the brokers' Redis: GET /v1/connect lists the live brokers, least loaded
    first (--discovery_cache_ms N, 1000), and the login and sign-up throttles are counted
    there, shared by every API process (per process while it is down)
  --redis_sentinels HOST:PORT,... --redis_master_name NAME   instead of --redis: behind Sentinel
  --admin_key_file FILE   the server-to-server admin API's key (none: admin API off)
  --max_group_members N (100)   the admin API's groups (the brokers' max_group_members)
  --metrics_listen HOST:PORT   GET /metrics (Prometheus) on a listener of its own (none: off)
  --cors_origin ORIGIN (repeatable)   a web page origin allowed to call from a browser
  --web_dir DIR   serve the web app (web/dist) at / (none: no files served)
  --access_token_ttl_s N (900)    --refresh_token_ttl_s N (2592000)
  --max_body_bytes N (16384)
  --hash_workers N (2) --hash_queue N (16)   password hashing budget
  --hash_rate_per_prefix N (2; 0: no limit) --hash_burst_per_prefix N (20)
  --hash_concurrent_per_prefix N (4; 0: no limit)   password hashes a second and at once per
    /24 or /56, refused (429 / 503 + Retry-After) before they wait for a worker
  --hash_worker_nice N (10)   the hash workers' nice value (0: the process's)
  --store_connections N (4) --http_threads N (64)
  --request_rate_per_address N (50) --request_burst_per_address N (100)   requests a second
  --request_rate_per_prefix N (200) --request_burst_per_prefix N (400)    per address and per
    /24 or /56, refused (429 + Retry-After) before the body is read; 0: no limit
  --max_connections N (512) --max_connections_per_address N (64; 0: no limit)   connections
    accepted and not yet closed; beyond them 503 / 429 and closed
  --keep_alive_requests N (100) --keep_alive_timeout_s N (2)   per connection
  --blob_dir DIR (SQLite: <store dir>/blobs)   avatars; --avatar_max_bytes N (1048576)
  --lookup_per_minute N (30) --lookup_per_minute_per_address N (120)   GET /v1/users
  --login_fail_max N (10) --login_fail_max_per_prefix N (100) --login_fail_window_s N (60)
                                  failed logins per username and address, per /24 or /56
  --signup_max_per_address N (20) --signup_max_per_prefix N (200) --signup_window_s N (3600)
                                  sign-up attempts per address, per /24 or /56
  --max_attachment_bytes N (26214400) --upload_chunk_bytes N (4194304)   attachments (in
    <blob_dir>/files); --uploads_per_user N (20) --upload_min_free_bytes N (268435456)
  --attachment_url_ttl_s N (300) --attachment_url_secret_file FILE (none: random per process)
  --upload_ttl_s N (86400: unsent uploads purged) --upload_sweep_ms N (60000)
A config file holds the same keys, one 'key value' per line.
)";
}

}  // namespace mqchat::api
