#include "profile_lines.h"

namespace mqchat::cli {

std::vector<std::string> ShownProfileChange(const std::optional<Profile>& before,
                                            const Profile& after) {
  std::vector<std::string> out;
  const std::string who = "* " + after.user;
  if (!before || before->display_name != after.display_name) {
    out.push_back(after.display_name.empty() ? who + " no longer has a display name"
                                             : who + " is now known as " + after.display_name);
  }
  if (before && before->status_text != after.status_text) {
    out.push_back(after.status_text.empty() ? who + " cleared their status"
                                            : who + "'s status: " + after.status_text);
  }
  if (before && before->avatar_url != after.avatar_url) {
    out.push_back(after.avatar_url.empty() ? who + " removed their avatar"
                                           : who + " changed their avatar");
  }
  return out;
}

}  // namespace mqchat::cli
