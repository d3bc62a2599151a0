// Fleet: many connections on one EventLoop, driven by the calling (main) thread: connects with at
// most --connect-window CONNECTs awaiting their CONNACK, subscriptions, disconnects, and Pump,
// which runs the loop until a condition holds. The building block of the idle, reconnect-storm
// and presence scenarios (the messaging scenarios keep their own Driver).
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "connection.h"
#include "event_loop.h"
#include "mqchat/status.h"
#include "options.h"
#include "protocol/requests.h"

namespace mqchat::bench {

class Fleet {
 public:
  static Result<std::unique_ptr<Fleet>> Create(const Options& options);

  // A config for the client id <user>/<device>: JWT login (signed with --jwt-secret) when
  // `chat`, anonymous otherwise.
  Result<ConnectionConfig> Config(const std::string& user, const std::string& device,
                                  bool chat) const;
  // Adds a connection, not yet connected; the fleet owns it. Failures of any connection are
  // counted (errors()) before `handlers.on_error` runs.
  Result<Connection*> Add(ConnectionConfig config, Connection::Handlers handlers);

  // Queues a connect (or a reconnect of a closed connection); Pump starts queued connects in
  // order while fewer than --connect-window are awaiting their CONNACK.
  void QueueConnect(Connection* c);
  // Starts a connect (or a reconnect of a closed connection) now, outside the window.
  Status StartConnect(Connection* c);
  // Connects all of `conns` and waits for every CONNACK.
  Status ConnectAll(const std::vector<Connection*>& conns, double timeout_s);
  // Subscribes each of `conns` to filter(c) at QoS 1 and waits for every SUBACK.
  Status SubscribeAll(const std::vector<Connection*>& conns,
                      const std::function<std::string(const Connection&)>& filter,
                      double timeout_s);
  // Sends DISCONNECT on the live ones of `conns` and waits (up to 10 s) until they are closed.
  void DisconnectAll(const std::vector<Connection*>& conns);

  // Runs the loop until done() holds. Fails when `timeout_s` passes, and, unless
  // `tolerate_errors`, as soon as any connection fails. done() runs after every loop turn.
  Status Pump(const std::string& what, double timeout_s, const std::function<bool()>& done,
              bool tolerate_errors = false);

  EventLoop& loop() { return *loop_; }
  int errors() const { return errors_; }
  const std::vector<std::string>& error_samples() const { return error_samples_; }
  // Connects queued or awaiting their CONNACK.
  size_t connects_pending() const { return queued_.size() + awaiting_.size(); }
  // Records a failure that is not a connection's own (a refused request, say).
  void RecordError(std::string what);

 private:
  explicit Fleet(const Options& options) : options_(options) {}
  void StartQueued();

  const Options& options_;
  std::unique_ptr<EventLoop> loop_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::deque<Connection*> queued_;
  std::vector<Connection*> awaiting_;  // connect started, no CONNACK yet
  int errors_ = 0;
  std::vector<std::string> error_samples_;
};

// Publishes `request` (QoS 1) on its request topic; the response comes on the connection's
// reply topic. Returns the message id, or a negative MOSQ_ERR_* code.
int SendRequest(Connection& c, const protocol::Request& request);

}  // namespace mqchat::bench
