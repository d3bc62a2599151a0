#include "session/hidden_users.h"

#include <utility>

namespace mqchat::session {

void HiddenUsers::Track(const std::string& user) {
  Entry& e = entries_[user];
  e = Entry{};
  e.version = ++next_version_;
}

void HiddenUsers::Set(const std::string& user, Users hidden) {
  auto it = entries_.find(user);
  if (it == entries_.end()) return;
  it->second.hidden = std::move(hidden);
  it->second.loaded = true;
}

void HiddenUsers::Hide(const std::string& user, const std::string& other) {
  auto it = entries_.find(user);
  if (it == entries_.end()) return;
  it->second.hidden.insert(other);
  it->second.version = ++next_version_;
}

void HiddenUsers::Touch(const std::string& user) {
  auto it = entries_.find(user);
  if (it != entries_.end()) it->second.version = ++next_version_;
}

bool HiddenUsers::Hidden(const std::string& user, const std::string& other) const {
  auto it = entries_.find(user);
  return it != entries_.end() && it->second.hidden.count(other) > 0;
}

bool HiddenUsers::Loaded(const std::string& user) const {
  auto it = entries_.find(user);
  return it != entries_.end() && it->second.loaded;
}

uint64_t HiddenUsers::Version(const std::string& user) const {
  auto it = entries_.find(user);
  return it == entries_.end() ? 0 : it->second.version;
}

}  // namespace mqchat::session
