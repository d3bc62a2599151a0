// IsSendTopic: whether a publish is a conversation's send (the broker's ACL check of a client
// told to wait, plugin/src/app/plugin.cpp). Defined in topics.cpp.
#pragma once

#include <string_view>

namespace mqchat::protocol {

// True if `topic` is a conversation's send topic (mqchat/v1/c/<id>/send); no allocation.
bool IsSendTopic(std::string_view topic);

}  // namespace mqchat::protocol
