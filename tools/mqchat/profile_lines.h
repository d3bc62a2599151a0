// How the interactive terminal client shows a profile change (Client::OnProfile): what the
// user will see differ from what they saw. Pure; any thread (SDK callbacks print these).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mqchat/types.h"

namespace mqchat::cli {

// The lines for `after` given the profile seen before (nullopt: none seen; then the name as it
// is now): "* alice is now known as Alice B.", "* alice no longer has a display name",
// "* alice's status: On holiday" (or "* alice cleared their status"), "* alice changed their
// avatar" (or "removed their avatar"). Nothing seen changed: none.
std::vector<std::string> ShownProfileChange(const std::optional<Profile>& before,
                                            const Profile& after);

}  // namespace mqchat::cli
