// Plugin: the composition root. Owns every module, builds them from Config, and exposes one
// method per broker event. The extern "C" entry translates mosquitto structs into these calls.
// Broker thread only, except where a member says otherwise.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "acl/acl.h"
#include "auth/authenticator.h"
#include "auth/directory_refresher.h"
#include "auth/user_directory.h"
#include "broker/broker_api.h"
#include "chat/chat_service.h"
#include "chat/client_session.h"
#include "chat/device_index.h"
#include "config/config.h"
#include "mqchat/status.h"
#include "presence/online_directory.h"
#include "presence/presence_tracker.h"
#include "presence/remote_devices.h"
#include "presence/cluster_bus.h"
#include "push/push_worker.h"
#include "util/broker_task_queue.h"
#include "util/clock.h"
#include "util/main_thread_waker.h"

namespace mqchat {

// A connected client as the broker identifies it: `handle` is the broker's client pointer,
// valid from a successful BASIC_AUTH until its DISCONNECT.
using ClientHandle = const void*;

class Plugin {
 public:
  // Opens and migrates the store, loads the user directory and starts background threads.
  // `broker` and `clock` must outlive the plugin.
  static Result<std::unique_ptr<Plugin>> Create(Config config, BrokerApi& broker,
                                                const Clock& clock);
  ~Plugin();  // stops and joins every thread
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  // BASIC_AUTH. OK admits the client; on failure the reason has been logged.
  Status OnBasicAuth(ClientHandle client, const auth::LoginRequest& request,
                     int protocol_version);
  // ACL_CHECK for a client admitted by OnBasicAuth (unknown handles are denied).
  bool OnAclCheck(ClientHandle client, std::string_view topic, acl::Access access, bool retain);
  // MESSAGE: a client's PUBLISH that passed the WRITE ACL.
  enum class MessageVerdict { kPass, kAccepted, kRefused };
  MessageVerdict OnMessage(ClientHandle client, std::string_view topic, std::string_view payload,
                           std::string_view response_topic, std::string_view correlation_data);
  // DISCONNECT; idempotent (the broker may report one client twice).
  void OnDisconnect(ClientHandle client);
  // TICK: runs work that other threads handed to the broker thread, publishes due presence.
  void OnTick();

  // Thread-safe: the queue background threads post broker-thread work to.
  BrokerTaskQueue& tasks() { return tasks_; }
  const auth::AuthStats& auth_stats() const { return authenticator_->stats(); }
  size_t connected_clients() const { return sessions_.size(); }

 private:
  Plugin(Config config, BrokerApi& broker, const Clock& clock);
  Status Start();

  const Config config_;
  BrokerApi& broker_;
  const Clock& clock_;
  BrokerTaskQueue tasks_;
  auth::UserDirectory directory_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<auth::DirectoryRefresher> refresher_;
  std::unique_ptr<MainThreadWaker> waker_;
  chat::DeviceIndex devices_;  // connected devices by user; declared before chat_, which reads it
  std::unique_ptr<chat::ChatService> chat_;
  void PublishPresence(const presence::PresenceState& state);
  void RefreshOnlinePresence();

  std::unordered_map<ClientHandle, chat::ClientSession> sessions_;
  // Clients whose DISCONNECT ran this loop iteration: their will's WRITE check follows it and
  // tells an unclean loss from a clean one. Cleared every TICK.
  std::unordered_map<ClientHandle, chat::ClientSession> just_disconnected_;
  // Also the thread-safe OnlineDirectory (who has a device connected anywhere) for push.
  presence::PresenceTracker presence_;
  presence::RemoteDevices remote_;                // devices on other brokers (shared presence)
  std::unique_ptr<presence::ClusterBus> shared_;  // null without plugin_opt_redis_url
  void LocalDevicesChanged(const std::string& user);
  void RemoteDevicesChanged(const std::string& user, int total);
  // Contacts (users sharing a conversation) of users with a connected device: who they may
  // watch. Loaded at their first device's login, grown on membership changes. Users without
  // contacts have no entry (most idle connections), which the ACL treats like an empty set.
  std::unordered_map<std::string, std::unordered_set<std::string>> contacts_;
  void AddContacts(const std::vector<std::string>& members);
  int64_t next_presence_refresh_ms_ = 0;
  std::unique_ptr<push::PushWorker> push_;  // null unless plugin_opt_push_gateway_url is set
};

}  // namespace mqchat
