// PresenceTracker: turns device connects and disconnects into per-user presence changes.
// A user is online while at least one device is connected. Devices are counted per connection
// (the caller reports each broker client once), so a takeover or a second device never makes a
// user flap (the published `devices` count follows them, coalesced like the rest). Going
// offline waits for a grace period when the loss was unclean (a dropped
// network often reconnects at once), and changes of one user are coalesced: at most one
// publish per `min_interval_ms`, carrying the latest state. Pure logic on an injected clock;
// broker thread only, except IsOnline (any thread: it is the plugin's OnlineDirectory).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "presence/online_directory.h"
#include "threads/mutex.h"

namespace mqchat::presence {

struct PresenceState {
  std::string user;
  bool online = false;
  int64_t last_seen_ms = 0;  // when the last device left (or now, while online)
  int devices = 0;
};

struct PresenceOptions {
  int64_t grace_ms = 3000;         // delay before an unclean loss counts as offline
  int64_t min_interval_ms = 1000;  // coalescing window per user
};

class PresenceTracker : public OnlineDirectory {
 public:
  explicit PresenceTracker(PresenceOptions options);

  void DeviceConnected(const std::string& user, int64_t now_ms);
  // A device left. Clean disconnects go offline at the next Poll; `unclean` ones after grace.
  void DeviceDisconnected(const std::string& user, int64_t now_ms);
  // The device's loss turned out to be unclean (its will fired): apply the grace period.
  void MarkUnclean(const std::string& user, int64_t now_ms);
  // Devices of `user` on other brokers (shared presence); they count toward "online".
  void SetRemoteDevices(const std::string& user, int devices, int64_t now_ms);
  // Devices of `user` on this broker.
  int LocalDevices(const std::string& user) const;

  // Changes due at `now_ms`, one per user, to publish. Cheap when nothing is pending.
  std::vector<PresenceState> Poll(int64_t now_ms);
  // Every user with a device connected here or on another broker (to refresh their retained
  // presence).
  std::vector<std::string> OnlineUsers() const;
  // The state as last published, or nullopt-like (online=false, last_seen 0) if never.
  PresenceState Current(const std::string& user) const;
  bool HasPending() const { return !pending_.empty(); }
  // True while `user` has no device anywhere but an unclean loss keeps them online until the
  // grace is over.
  bool InGrace(const std::string& user, int64_t now_ms) const;
  // True while `user` has a device here or on another broker. Thread-safe.
  bool IsOnline(const std::string& user) const override;

 private:
  struct UserPresence {
    int devices = 0;         // on this broker
    int remote_devices = 0;  // on other brokers
    bool published = false;  // has any state been published
    bool published_online = false;
    int published_devices = 0;
    int64_t published_ms = 0;  // when the last publish happened
    int64_t last_seen_ms = 0;
    int64_t offline_not_before = 0;  // grace deadline for going offline
  };
  const PresenceOptions options_;
  // Held by every method that touches users_: IsOnline reads it from other threads. Uncontended
  // on the broker thread but for IsOnline, and never held for long.
  mutable Mutex mu_;
  std::unordered_map<std::string, UserPresence> users_ GUARDED_BY(mu_);
  // Broker thread only: users whose published state may be stale.
  std::unordered_set<std::string> pending_;
};

}  // namespace mqchat::presence
