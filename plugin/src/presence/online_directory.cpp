#include "presence/online_directory.h"

namespace mqchat::presence {

OnlineDirectory::~OnlineDirectory() = default;

}  // namespace mqchat::presence
