// FakeChatStore: an in-memory ChatStore for unit tests of the request path. Several instances
// may share one FakeChatData, as the plugin's writer and readers share one database; each
// instance counts the calls made on it, so a test can tell which worker ran a request. Enough
// of the real stores' rules for the request path (membership, duplicates, gapless seqs,
// members_version); the store tests check the real ones. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "store/chat_store.h"

namespace mqchat::test {

// The "database": shared by the stores opened on it.
struct FakeChatData {
  std::mutex mu;
  std::set<std::string> users;                                         // guarded by mu
  std::map<store::ConversationId, store::Conversation> conversations;  // guarded by mu
  std::map<store::ConversationId, std::vector<store::StoredMessage>> messages;  // guarded by mu
  std::map<std::string, store::PrivacySettings> privacy;  // guarded by mu
  // Set: the next AppendBatch fails with it and commits nothing (then it is cleared).
  Status fail_next_append = Status::Ok();  // guarded by mu
};

class FakeChatStore final : public store::ChatStore {
 public:
  explicit FakeChatStore(std::shared_ptr<FakeChatData> data) : data_(std::move(data)) {}

  // Calls made on this instance, by method name ("AppendBatch", "ReadHistory", ...).
  int Calls(const std::string& method) const;
  // The size of every AppendBatch call on this instance, in order.
  std::vector<size_t> BatchSizes() const;

  Result<std::vector<store::AppendResult>> AppendBatch(
      const std::vector<store::AppendRequest>& batch) override;
  Status EnsureUsers(const std::vector<NewUser>& users) override;
  Result<store::Conversation> OpenDirect(store::ConversationId new_id, const std::string& a,
                                         const std::string& b, int64_t now_ms) override;
  Result<store::Conversation> CreateGroup(store::ConversationId new_id, const std::string& owner,
                                          const std::string& name,
                                          const std::vector<std::string>& members,
                                          int max_members, int64_t now_ms) override;
  Result<std::vector<std::string>> AddMembers(store::ConversationId id, const std::string& actor,
                                              const std::vector<std::string>& users,
                                              int max_members, int64_t now_ms) override;
  Status RemoveMember(store::ConversationId id, const std::string& actor,
                      const std::string& user) override;
  Status RenameGroup(store::ConversationId id, const std::string& actor,
                     const std::string& name) override;
  Result<int64_t> MarkRead(store::ConversationId id, const std::string& user,
                           int64_t seq) override;
  // Channels are not faked: no conversation is one.
  Result<int64_t> MarkChannelRead(store::ConversationId id, const std::string&,
                                  int64_t) override {
    return Status::NotFound("no channel " + std::to_string(id));
  }
  Result<store::Conversation> GetConversation(store::ConversationId id) override;
  Result<std::vector<store::ConversationSummary>> ListConversations(
      const std::string& user) override;
  Result<std::vector<store::StoredMessage>> ReadHistory(store::ConversationId id,
                                                        int64_t after_seq, int64_t before_seq,
                                                        int limit) override;
  Result<std::vector<store::MessageView>> ReadMessages(store::ConversationId id,
                                                       const std::string& reader,
                                                       int64_t after_seq, int64_t before_seq,
                                                       int limit) override;
  Result<int64_t> MaxIssuedId() override;
  // Blocks are kept, but neither OpenDirect nor AppendBatch applies them (the store tests
  // check the real stores' refusals).
  Result<std::vector<store::BlockedUser>> Block(const std::string& blocker,
                                                const std::string& blocked, int max_blocks,
                                                int64_t now_ms) override;
  Result<std::vector<store::BlockedUser>> Unblock(const std::string& blocker,
                                                  const std::string& blocked) override;
  Status SetDmPolicy(const std::string& user, store::DmPolicy policy) override;
  Result<store::PrivacySettings> GetPrivacy(const std::string& user) override;
  Result<std::vector<std::string>> BlockedBy(const std::string& user) override;

 private:
  void Count(const std::string& method);
  // With data_->mu held: the member entry of `user` in `c`, or null.
  static store::Member* FindMember(store::Conversation& c, const std::string& user);

  std::shared_ptr<FakeChatData> data_;
  mutable std::mutex calls_mu_;
  std::map<std::string, int> calls_;  // guarded by calls_mu_
  std::vector<size_t> batch_sizes_;   // guarded by calls_mu_
};

}  // namespace mqchat::test
