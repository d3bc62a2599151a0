// ApiConfig: everything mqchat-api is configured with, from command-line flags
// (`--key value`) and/or a config file (`--config FILE`: one `key value` per line, the value
// being the rest of the line, e.g. a libpq conninfo; `#` comments; the same keys as the
// flags). A key given twice keeps the last value, except `broker` and `cors_origin`, which
// add one value per occurrence. Pure parsing; no file but the config file is read here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "attachment_config.h"
#include "mqchat/status.h"
#include "network_hash_budget.h"
#include "presence/redis_handles.h"
#include "request_gate_config.h"
#include "store/store_config.h"

namespace mqchat::api {

// invite: sign-up needs an invite code (`mqchatctl invite create`; api/src/invites.h).
enum class SignupMode { kOpen, kInvite, kClosed };

struct ApiConfig {
  std::string listen_host = "127.0.0.1";  // `listen`
  int port = 8080;                        // `port` (0: any free port, printed at start)
  // HTTPS: `tls_cert_file` (PEM chain) and `tls_key_file` (PEM private key), both or neither.
  // Without them the service speaks plain HTTP, which it does only on a loopback address
  // (127.0.0.0/8, ::1, localhost) unless `allow_plain_http true` says a TLS-terminating proxy
  // sits in front (ParseApiArgs refuses the rest).
  std::string tls_cert_file;
  std::string tls_key_file;
  bool allow_plain_http = false;
  store::StoreConfig store;               // `sqlite PATH` or `pg CONNINFO` (exactly one)
  SignupMode signup = SignupMode::kOpen;  // `signup open|invite|closed`
  // `jwt_private_key_file`: RSA private key (PEM) that signs access tokens (RS256); the brokers
  // hold its public key (plugin_opt_jwt_rs256_public_key_file).
  std::string jwt_private_key_file;
  std::string jwt_issuer;    // `jwt_issuer` (iss; match plugin_opt_jwt_issuer)
  std::string jwt_audience;  // `jwt_audience` (aud; match plugin_opt_jwt_audience)
  int64_t access_token_ttl_s = 900;  // `access_token_ttl_s`, 60..86400
  int64_t refresh_token_ttl_s = 30 * 86400;  // `refresh_token_ttl_s`, 3600..31536000
  size_t max_body_bytes = 16384;     // `max_body_bytes`, 1024..1048576
  // Password hashing: `hash_workers` threads (1..64) and at most `hash_queue` hashes waiting
  // (0..10000); beyond that a request gets 503 OVERLOADED with Retry-After.
  int hash_workers = 2;
  int hash_queue = 16;
  // What one /24 or /56 network may spend of that: hashes a second with bursts, and at once
  // (`hash_rate_per_prefix`, `hash_burst_per_prefix`, `hash_concurrent_per_prefix`;
  // network_hash_budget.h), and the hash workers' nice value (`hash_worker_nice`, 0..19).
  NetworkHashLimits hash_per_prefix;
  int hash_worker_nice = 10;
  int store_connections = 4;  // `store_connections`, 1..64
  // `http_threads`, 1..1024: connections served at once. More than the password checks that may
  // be in flight (hash_workers + hash_queue), each of which holds its HTTP thread while it waits,
  // so a login flood holding every hash slot still leaves threads for everyone else.
  int http_threads = 64;
  // The HTTP server's front gate against floods: request rates per address and per network,
  // connections in flight, keep-alive (request_gate_config.h, request_gate.h).
  RequestGateConfig gate;
  // `broker URL` (repeatable): what GET /v1/connect returns, e.g. mqtt://host:1883, ws://host:8083.
  std::vector<std::string> brokers;
  // `redis URL` (host:port or redis://host:port): the brokers' Redis (plugin_opt_redis_url);
  // GET /v1/connect then lists the live brokers' advertised URLs, least loaded first, and the
  // `broker` list only while Redis is unreachable or none is live (discovery.h).
  std::string redis_url;
  // `redis_sentinels host:port,...` with `redis_master_name NAME` (instead of `redis`, as the
  // plugin's options of the same names): the brokers' Redis behind Sentinel; every connect asks
  // the sentinels for the master and checks its ROLE (presence/redis_handles.h).
  std::string redis_sentinels;
  std::string redis_master_name;
  int discovery_cache_ms = 1000;  // `discovery_cache_ms`, 0..60000: an answer is reused this long
  // `cors_origin ORIGIN` (repeatable): a web page origin (e.g. http://127.0.0.1:8083, the
  // broker's WebSocket listener serving web/dist) allowed to call the API from a browser; any
  // other Origin gets 403 (cors.h).
  std::vector<std::string> cors_origins;
  // `web_dir DIR`: serve the web app (web/dist) from this directory at `/` on the API's own port
  // (static_files.h), with real Content-Types, so its service worker registers. Empty: no files.
  std::string web_dir;
  // Profiles (profiles.h). `blob_dir`: where avatars are stored (local_blob_store.h); default
  // "<directory of the SQLite file>/blobs", none with PostgreSQL (then avatar uploads get 503
  // until it is set; several API processes must share it, e.g. over NFS).
  std::string blob_dir;
  size_t avatar_max_bytes = 1048576;  // `avatar_max_bytes`, 1024..16777216
  // User lookup (GET /v1/users): requests per minute per account and per client address.
  int lookup_per_minute = 30;              // `lookup_per_minute`, 1..10000
  int lookup_per_minute_per_address = 120;  // `lookup_per_minute_per_address`, 1..100000
  // Login throttles (login_limits.h): failed logins per username and per address
  // (`login_fail_max`, 1..1000000), per /24 or /56 network (`login_fail_max_per_prefix`,
  // 1..1000000), in a window of `login_fail_window_s` (1..86400) seconds.
  int login_fail_max = 10;
  int login_fail_max_per_prefix = 100;
  int64_t login_fail_window_s = 60;
  // Sign-up throttle (signup.h): sign-up attempts per address (`signup_max_per_address`,
  // 1..1000000) and per /24 or /56 (`signup_max_per_prefix`, 1..1000000) in a window of
  // `signup_window_s` (1..86400) seconds.
  int signup_max_per_address = 20;
  int signup_max_per_prefix = 200;
  int64_t signup_window_s = 3600;
  // `admin_key_file`: the admin API's key (admin.h; at least 32 bytes). Empty: the admin API
  // refuses every request.
  std::string admin_key_file;
  // `max_group_members`, 2..100000: the most members a group the admin API makes or grows may
  // have; set it to the brokers' plugin_opt_max_group_members.
  int max_group_members = 100;
  AttachmentConfig attachments;  // uploads and downloads of attachments (attachment_config.h)
  // `metrics_listen HOST:PORT`: GET /metrics (Prometheus; api_metrics.h) on a listener of its
  // own, never the public port. Empty (the default): no metrics listener.
  std::string metrics_listen;
};

// Whether `host` (a `listen` value) is a loopback address: 127.0.0.0/8, ::1 or localhost.
bool IsLoopbackHost(const std::string& host);

// The Redis `config` names (`redis`, or `redis_sentinels` with `redis_master_name`), nullopt
// without one. Used by discovery and by the shared throttles. ParseApiArgs has checked it parses.
std::optional<presence::RedisAddress> ApiRedisAddress(const ApiConfig& config);

// Parses argv[1..] (argv[0] excluded). kInvalidArgument naming the flag or line on any error.
Result<ApiConfig> ParseApiArgs(const std::vector<std::string>& args);

// The usage text for --help and errors.
std::string ApiUsage();

}  // namespace mqchat::api
