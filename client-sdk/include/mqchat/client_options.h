// ClientOptions: how a Client connects and where it keeps its cache, validated once by
// ClientOptions::Builder::Build(). Plain data; any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "mqchat/export.h"
#include "mqchat/status.h"

namespace mqchat {

struct MQCHAT_SDK_API ClientOptions {
  class Builder;

  // "tcp://host:port" (also "mqtt://"), "ws://host:port[/path]", or over TLS
  // "ssl://host:port" (also "mqtts://") and "wss://host:port[/path]".
  std::string server_uri;
  // More brokers of the same deployment (same store), same forms. The client connects to the
  // first of ServerUris(); when that broker cannot be reached or its connection is lost, it
  // moves to the next (after the last, the first again), resends its unacknowledged sends there
  // with their client_msg_id and catches up by sync, as after any reconnect.
  std::vector<std::string> server_uris;
  // TLS: the PEM file of the certificate authorities trusted to sign the brokers'
  // certificates. Empty: the system's trust store. Either way the client verifies the chain and
  // that the certificate names the host it connects to (an IP address needs an IP SAN), and
  // refuses the connection otherwise (kUnavailable, retried like any unreachable broker).
  std::string ca_file;
  std::string username;
  std::string password;  // the user's password, or a login JWT whose "sub" is `username`
  // Optional, instead of `password`: where the client gets its login token (for example from
  // the app's refresh through the API service). Called before every connection attempt, on an
  // SDK thread of its own (it may block on the network; the client waits for it), so the
  // client never reconnects with a token that expired meanwhile. `refused` is true when the
  // server has just refused the token the provider gave last: return a fresh one, not the
  // cached one. The client retries once at once with it; refused again, it stops
  // (kUnauthenticated). An error from the provider: kUnauthenticated (the user must log in
  // again) stops connecting the same way; other errors are retried with the backoff.
  std::function<Result<std::string>(bool refused)> token_provider;
  // Identifies this installation; the MQTT client id is "<username>/<device_id>". Two running
  // clients must not share it (the broker would disconnect the older one).
  std::string device_id;
  std::chrono::seconds keepalive{30};
  std::chrono::milliseconds connect_timeout{10000};  // per connection attempt
  std::chrono::milliseconds request_timeout{30000};  // for one request's response
  // The SQLite cache file (messages, conversations, outbox, sync cursors). Empty: in memory,
  // so nothing survives the Client (no offline outbox across restarts).
  std::string cache_path;
  bool auto_reconnect = true;
  std::chrono::milliseconds reconnect_min{500};  // first backoff step (before jitter)
  // The longest backoff step. 60 s (not less) for phones: a phone without a network retries
  // at most once a minute, and EnterForeground() and NetworkChanged() skip the wait whenever
  // the platform says a retry could succeed (client-sdk/README.md, "On a phone").
  std::chrono::milliseconds reconnect_max{60000};
  // After Client::EnterBackground(): how long the connection is kept (so a quick app switch
  // does not reconnect) before a clean disconnect hands the user over to push. 0 (default):
  // disconnect at once, so presence goes offline and push takes over at once. 0..10 min.
  std::chrono::milliseconds background_grace{0};
  // clean_start=false with this session expiry: the broker queues QoS 1 inbox deliveries while
  // the device is offline. Off: a clean session each time (sync still catches up).
  bool persistent_session = true;
  std::chrono::seconds session_expiry{7 * 24 * 3600};
  int send_window = 32;  // sends in flight at once (1..1000); order is kept either way
  // Events that have no callback registered wait for NextEvent(); beyond this many the oldest
  // is dropped (messages stay in the cache).
  size_t event_queue_capacity = 10000;
  // Optional diagnostics (connection attempts, dropped events, cache errors). Called on SDK
  // threads; must not block or call back into the Client.
  std::function<void(std::string_view)> log;

  // server_uri (if set), then server_uris, in that order: the brokers the client uses.
  std::vector<std::string> ServerUris() const;

  // OK if every field is usable; Builder::Build() and Client::Create() call it.
  Status Validate() const;
};

class MQCHAT_SDK_API ClientOptions::Builder {
 public:
  Builder& Server(std::string uri);
  // Several brokers, tried in this order (replaces what earlier Server/Servers calls set).
  Builder& Servers(std::vector<std::string> uris);
  // ClientOptions::ca_file.
  Builder& TrustedCaFile(std::string path);
  Builder& Credentials(std::string username, std::string password);
  // Same as Credentials: the plugin accepts a JWT in the password field.
  Builder& Token(std::string username, std::string jwt);
  // Tokens from `provider` (ClientOptions::token_provider) instead of a fixed one.
  Builder& TokenProvider(std::string username,
                         std::function<Result<std::string>(bool refused)> provider);
  Builder& Device(std::string device_id);
  Builder& KeepAlive(std::chrono::seconds keepalive);
  Builder& ConnectTimeout(std::chrono::milliseconds timeout);
  Builder& RequestTimeout(std::chrono::milliseconds timeout);
  Builder& CachePath(std::string path);
  Builder& AutoReconnect(bool on, std::chrono::milliseconds min = std::chrono::milliseconds(500),
                         std::chrono::milliseconds max = std::chrono::seconds(60));
  Builder& PersistentSession(bool on,
                             std::chrono::seconds expiry = std::chrono::hours(7 * 24));
  Builder& SendWindow(int window);
  // ClientOptions::background_grace.
  Builder& BackgroundGrace(std::chrono::milliseconds grace);
  Builder& EventQueueCapacity(size_t capacity);
  Builder& Logger(std::function<void(std::string_view)> log);

  // The options, or kInvalidArgument naming the first bad field.
  Result<ClientOptions> Build() const;

 private:
  ClientOptions options_;
};

}  // namespace mqchat
