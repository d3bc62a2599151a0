// Config: every plugin setting, parsed once from the broker's plugin_opt_* lines at init.
// Immutable after ParseConfig; safe to read from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mqchat/status.h"
#include "store/store_config.h"

namespace mqchat {

struct AuthConfig {
  std::string jwt_hs256_secret;          // from jwt_hs256_secret or jwt_hs256_secret_file
  std::string jwt_rs256_public_key_pem;  // from jwt_rs256_public_key_file
  std::string jwt_issuer;                // empty: not checked
  std::string jwt_audience;              // empty: not checked
  int jwt_leeway_s = 30;
  int cache_ttl_s = 600;  // verified-credential cache lifetime
  int cache_max_entries = 100000;
  int fail_max = 10;              // failures per window before a username/address is throttled
  int fail_max_per_prefix = 100;  // failures per window before a /24 (IPv4) or /56 (IPv6) is too
  int fail_window_s = 60;
  // Password login over MQTT: every unverified password costs one PBKDF2 on the broker thread.
  // Off by default: clients log in through the API service (which hashes on its own pool) and
  // present its token; an operator may turn it on (docs/OPERATIONS.md).
  bool password_login = false;
  int hashes_per_s = 5;                  // global PBKDF2 budget on the broker thread
  int hash_duty_percent = 20;            // and at most this share of the broker thread's time
  int connect_per_address_per_s = 1000;  // new connections one address may open per second
  int connect_per_s = 2000;              // new connections per second, all addresses together
  // Devices (distinct client ids) one user may have connected to one broker; 0: no bound.
  int max_devices_per_user = 100;
  int user_refresh_ms = 1000;     // how often the user directory polls the store for changes
};

struct PresenceConfig {
  int grace_ms = 3000;         // an unclean loss waits this long before "offline"
  int min_interval_ms = 1000;  // at most one presence publish per user per interval
  int online_expiry_s = 600;   // retained "online" expires unless refreshed (crash safety)
  int typing_per_minute = 60;  // typing requests per user per minute
  std::string redis_url;       // empty (and no sentinels): presence is local to this broker
  // Or Redis behind Sentinel: "host:port,..." of the sentinels and the master's name there.
  std::string redis_sentinels;
  std::string redis_master_name;
  int redis_ttl_s = 15;        // a dead broker's devices stop counting after this
  // The URLs clients should use for this broker (MQTT/TLS, WebSocket), space-separated; kept in
  // its Redis liveness key, where mqchat-api's GET /v1/connect reads them. Empty: none.
  std::string advertise_urls;

  bool shared() const { return !redis_url.empty() || !redis_sentinels.empty(); }
};

// Push notifications (docs/PROTOCOL.md section 7). Off unless gateway_url is set.
struct PushConfig {
  std::string gateway_url;        // empty: push off, no jobs are recorded
  int timeout_ms = 5000;          // per gateway request
  int concurrency = 4;            // gateway requests in flight
  bool tls_verify = true;         // verify the gateway's certificate and host name
  int max_attempts = 10;          // failed attempts before a job is dead-lettered
  std::string app_id = "mqchat";  // "app_id" of every device in a notification
  int backoff_base_ms = 1000;     // first retry within this; doubles per attempt
  int backoff_max_ms = 300000;    // retries at most this far apart
  int coalesce_ms = 1000;         // a job is due this long after its last message; 0: at once
  int coalesce_max_ms = 5000;     // ... but at most this long after its first message

  bool enabled() const { return !gateway_url.empty(); }
};

// Per-user send limits (docs/OPERATIONS.md, "Flood protection"); a rate of 0 turns its bucket
// off. Users in `service_users` (application backends, bots) get the service_* limits.
struct SendLimitConfig {
  int send_rate_per_s = 5;  // messages per user per second, sustained
  int send_burst = 20;      // messages at once
  int fanout_per_s = 2000;  // deliveries (messages x conversation members) per user per second
  int fanout_burst = 10000;
  std::vector<std::string> service_users;
  int service_send_rate_per_s = 200;
  int service_send_burst = 1000;
  int service_fanout_per_s = 200000;
  int service_fanout_burst = 400000;
  // 1: an MQTT 5 client that keeps sending while told to wait gets PUBACK 0x87 (not a JSON
  // RATE_LIMITED) for those sends until the wait has passed (chat/send_limits.h).
  int send_puback_refusal = 0;
};

// Retention (issue 24; docs/OPERATIONS.md "Retention"): the sweeper removes messages older than
// a conversation's retention (its own, set by set_retention, or `days`) in batches.
struct RetentionConfig {
  int days = 0;             // the server's default; 0 keeps forever
  int sweep_ms = 60000;     // a sweep of every conversation starts this long after the last
  int batch = 500;          // log entries removed per transaction (SQLite: at most)
  // SQLite only: each batch sized to take about this long (µs), so a send waits for the
  // database's write lock about this long at most; 0: always `batch`. PostgreSQL ignores it
  // (a batch locks one conversation's row there, not the store).
  int batch_us = 1000;
  int day_ms = 86400000;    // the length of a retention "day": shorter only in tests
  // At most this many entries removed a second (and as many resend keys); 0: no ceiling.
  int max_per_s = 10000;
  // A resend is recognised this long (migration 028); at least the longest slow mode (6 h),
  // which reads a sender's last message time from the same keys.
  int resend_window_s = 86400;
};

// Calls (issue 27; docs/PROTOCOL.md section 8).
struct CallConfig {
  int ring_timeout_s = 45;        // a callee rings this long at most
  int max_participants = 4;       // devices in one call (a mesh: each sends to every other)
  int signals_per_minute = 600;   // call_signal requests per device and minute (and burst)
  std::vector<std::string> stun_urls;  // stun:/stuns: URLs handed to clients
  std::vector<std::string> turn_urls;  // turn:/turns: URLs, with credentials from turn_secret
  std::string turn_secret;        // coturn's static-auth-secret (use-auth-secret); empty: no TURN
  int turn_ttl_s = 86400;         // how long TURN credentials last
};

struct Config {
  store::StoreConfig store;
  // Reader workers (1..64), each with its own store connection; a user's reads all go to one
  // of them (chat/reader_pool.h).
  int store_readers = 4;
  int node_id = 0;  // 0..1023, part of every message id; unique per broker node
  AuthConfig auth;
  int max_group_members = 100;
  int max_server_members = 100000;  // most members a community server may have (issue 18)
  int max_message_chars = 100000;
  // How long after sending a message its sender may edit it (issue 16); 0 = forever.
  int edit_window_s = 172800;
  PresenceConfig presence;
  PushConfig push;
  SendLimitConfig send_limits;
  RetentionConfig retention;
  CallConfig calls;
  // The operators' HTTP listener (metrics, /healthz, /readyz), "host:port"; empty: off.
  std::string metrics_listen;
  // Search (issue 17): false runs no indexer and answers `search` with FORBIDDEN ("search is
  // turned off on this server"); turned
  // on again, the indexer's sweep catches up with what was sent meanwhile.
  bool search_index = true;
};

// One plugin_opt_ line: key without the "plugin_opt_" prefix, value as the broker gives it.
using OptionList = std::vector<std::pair<std::string, std::string>>;

// Parses and validates all options. Values are trimmed, after cutting an inline comment: a '#'
// at the start of the value or after a space or tab begins one ("0   # first broker" is 0). Unknown
// keys, bad values and missing required options fail with kInvalidArgument naming the option
// ("plugin_opt_<key>: ..."). Reads the key files named by *_file options.
Result<Config> ParseConfig(const OptionList& options);

// The documented option names, for --help style listings and docs checks.
std::vector<std::string> KnownOptionNames();

}  // namespace mqchat
