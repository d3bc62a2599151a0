// AppendPlan: the backend-independent half of ChatStore::AppendBatch. A backend locks the
// batch's conversations, looks up what the plan asks for, and writes what the plan decides;
// the plan classifies each request (stored, duplicate, not a member) and numbers the new ones.
// Pure logic; confined to the thread running the batch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "mqchat/status.h"
#include "store/chat_store.h"

namespace mqchat::store {

// Identifies a message for idempotent resend.
struct MessageKey {
  ConversationId conversation_id = 0;
  std::string sender;
  std::string client_msg_id;
};

class AppendPlan {
 public:
  // One conversation's seq allocation: last_seq goes from `last_seq - count` to `last_seq`.
  struct SeqAdvance {
    ConversationId conversation_id = 0;
    int64_t count = 0;
    int64_t last_seq = 0;
    int64_t activity_ms = 0;  // newest created_at_ms among the new messages
  };
  // A sender's read_seq moves up to their newest new message in the conversation.
  struct ReadAdvance {
    ConversationId conversation_id = 0;
    std::string username;
    int64_t read_seq = 0;
  };

  // Keeps a reference to `batch`, which must outlive the plan.
  explicit AppendPlan(const std::vector<AppendRequest>& batch);

  // Every conversation the batch names, ascending. Writers lock conversation rows in this
  // order, so two batches over the same conversations cannot deadlock.
  const std::vector<ConversationId>& conversation_ids() const { return conversation_ids_; }
  // Each distinct (conversation, sender, client_msg_id) of the batch, in order of appearance.
  const std::vector<MessageKey>& keys() const { return keys_; }

  // Lookups, made while holding the conversations' locks (so they are current):
  // the last_seq of an existing conversation of conversation_ids();
  void SetLastSeq(ConversationId id, int64_t last_seq);
  // for keys()[key_index]: whether the sender is a member, and the stored message with that
  // key if there is one (its conversation_id, sender and client_msg_id may be left empty);
  // `refused`: a direct conversation whose other member does not accept the sender's messages
  // (MQCHAT_DM_REFUSED_SQL; a resend of a message stored before is still a duplicate).
  void SetLookup(size_t key_index, bool sender_is_member, std::optional<StoredMessage> existing,
                 bool refused = false);

  // Classifies every request and numbers the new ones. kInternal if a new message's
  // conversation got no SetLastSeq (a member of a conversation that does not exist).
  Status Decide();

  // After the write: the members_version of conversation `id` that its seq allocation saw
  // (under the lock). TakeResults() puts it into the results of its new messages.
  void SetMembersVersion(ConversationId id, int64_t members_version);

  // After Decide(): what to write.
  const std::vector<SeqAdvance>& seq_advances() const { return seq_advances_; }
  const std::vector<ReadAdvance>& read_advances() const { return read_advances_; }
  // Indexes into the batch (and results()) of the new messages, in batch order; each
  // results()[i].message is the row to insert.
  const std::vector<size_t>& new_indexes() const { return new_indexes_; }
  const std::vector<AppendResult>& results() const { return results_; }
  std::vector<AppendResult> TakeResults();

 private:
  struct Lookup {
    bool sender_is_member = false;
    std::optional<StoredMessage> existing;
    bool refused = false;
  };

  const std::vector<AppendRequest>& batch_;
  std::vector<ConversationId> conversation_ids_;
  std::vector<MessageKey> keys_;
  std::vector<size_t> key_of_request_;  // batch index -> keys_ index
  std::vector<Lookup> lookups_;         // parallel to keys_
  std::unordered_map<ConversationId, int64_t> last_seq_;
  std::unordered_map<ConversationId, int64_t> members_version_;

  std::vector<SeqAdvance> seq_advances_;
  std::vector<ReadAdvance> read_advances_;
  std::vector<size_t> new_indexes_;
  std::vector<AppendResult> results_;
};

}  // namespace mqchat::store
