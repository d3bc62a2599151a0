#include "presence/online_directory.h"

namespace mqchat::presence {

void OnlineDirectory::SetLocal(const std::string& user, bool online) {
  std::lock_guard<std::mutex> lock(mu_);
  if (online) {
    local_.insert(user);
  } else {
    local_.erase(user);
  }
}

void OnlineDirectory::SetRemote(const std::string& user, bool online) {
  std::lock_guard<std::mutex> lock(mu_);
  if (online) {
    remote_.insert(user);
  } else {
    remote_.erase(user);
  }
}

bool OnlineDirectory::IsOnline(const std::string& user) const {
  std::lock_guard<std::mutex> lock(mu_);
  return local_.count(user) > 0 || remote_.count(user) > 0;
}

size_t OnlineDirectory::local_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return local_.size();
}

}  // namespace mqchat::presence
