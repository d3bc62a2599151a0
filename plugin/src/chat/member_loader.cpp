#include "chat/member_loader.h"

namespace mqchat::chat {

Result<MembersPtr> MemberLoader::Load(store::ChatStore& store, store::ConversationId id,
                                      int64_t min_version) {
  MembersPtr cached = Cached(id);
  if (cached && cached->version >= min_version) return cached;
  return Reload(store, id);
}

Result<MembersPtr> MemberLoader::Reload(store::ChatStore& store, store::ConversationId id) {
  MQCHAT_ASSIGN_OR_RETURN(auto conversation, store.GetConversation(id));
  return Put(conversation);
}

}  // namespace mqchat::chat
