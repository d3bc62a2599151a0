// ProfileCache: the profiles a Client learnt from "profile" events (docs/PROTOCOL.md section 5)
// since it last connected, for Client::CachedProfile. In memory only: the events are not
// stored or synced, so what a device missed while offline is not known, and a connection
// that goes down empties the cache (the app fetches the profiles it shows from the API
// service again). Thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "mqchat/types.h"
#include "threads/mutex.h"

namespace mqchat::sdk {

class ProfileCache {
 public:
  // Keeps `profile` unless the cache holds the same or a newer one (by updated_at_ms) of its
  // user; true if kept (the app is then told).
  bool Put(const Profile& profile) EXCLUDES(mu_);
  std::optional<Profile> Get(const std::string& user) const EXCLUDES(mu_);
  void Clear() EXCLUDES(mu_);

 private:
  mutable Mutex mu_;
  std::map<std::string, Profile> profiles_ GUARDED_BY(mu_);
};

}  // namespace mqchat::sdk
