#include "store/message_view.h"

#include <algorithm>
#include <utility>

namespace mqchat::store {

std::string ReplySnippet(std::string_view text) {
  size_t code_points = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    // A byte that is not a continuation byte (10xxxxxx) starts a code point.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (code_points == kReplySnippetChars) {
        return std::string(text.substr(0, i)) + "\xE2\x80\xA6";  // U+2026 HORIZONTAL ELLIPSIS
      }
      ++code_points;
    }
  }
  return std::string(text);
}

void AddReactionToPage(std::vector<MessageView>& page, int64_t seq, ReactionCount reaction) {
  auto it = std::lower_bound(page.begin(), page.end(), seq, [](const MessageView& v, int64_t s) {
    return v.message.seq < s;
  });
  if (it != page.end() && it->message.seq == seq) {
    it->reactions.push_back(std::move(reaction));
  }
}

}  // namespace mqchat::store
