// AppendPlan: the backend-independent half of ChatStore::AppendBatch. A backend locks the
// batch's conversations, looks up what the plan asks for, and writes what the plan decides;
// the plan classifies each request (stored, duplicate, not a member) and numbers the new ones.
// Pure logic; confined to the thread running the batch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
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

// A message an event (or a reply) names, as the store holds it under the lock.
struct TargetKey {
  ConversationId conversation_id = 0;
  int64_t seq = 0;
};
struct TargetState {
  EventKind kind = EventKind::kMessage;
  std::string sender;
  int64_t created_at_ms = 0;
  bool deleted = false;
};
// A reaction an add or remove names: (conversation, seq, user, emoji).
struct ReactionKey {
  ConversationId conversation_id = 0;
  int64_t seq = 0;
  std::string username;
  std::string emoji;
};
// A user a message or an edit of the batch mentions, in its conversation.
struct MentionKey {
  ConversationId conversation_id = 0;
  std::string username;
};

// An attachment a message of the batch names (migration 020's `attachments` row), as looked
// up under the lock: who uploaded it, whether it is finished, and what a message shows of it.
struct AttachmentState {
  std::string owner;
  bool finished = false;
  protocol::WireAttachment shown;
};
// A row of message_attachments a new message writes (store/attachments.h).
struct AttachmentLink {
  ConversationId conversation_id = 0;
  int64_t seq = 0;
  int64_t position = 0;
  std::string attachment_id;
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
  // A sender's read_seq moves up to their newest new message in the conversation; in a
  // channel (AppendRequest::channel_sender) their channel_reads row (migration 024), made if
  // they have none.
  struct ReadAdvance {
    ConversationId conversation_id = 0;
    std::string username;
    int64_t read_seq = 0;
    bool channel = false;
  };

  // Keeps a reference to `batch`, which must outlive the plan.
  explicit AppendPlan(const std::vector<AppendRequest>& batch);

  // Every conversation the batch names, ascending. Writers lock conversation rows in this
  // order, so two batches over the same conversations cannot deadlock.
  const std::vector<ConversationId>& conversation_ids() const { return conversation_ids_; }
  // Each distinct (conversation, sender, client_msg_id) of the batch, in order of appearance.
  const std::vector<MessageKey>& keys() const { return keys_; }
  // Each distinct message named by an event or a reply of the batch, and each distinct
  // reaction named by a reaction event, in order of appearance.
  const std::vector<TargetKey>& targets() const { return targets_; }
  const std::vector<ReactionKey>& reactions() const { return reactions_; }
  // Each distinct (conversation, mentioned user) of the batch's messages and edits.
  const std::vector<MentionKey>& mentions() const { return mentions_; }
  // Each distinct attachment id the batch's messages name, in order of appearance.
  const std::vector<std::string>& attachment_ids() const { return attachment_ids_; }

  // Lookups, made while holding the conversations' locks (so they are current):
  // the last_seq of an existing conversation of conversation_ids();
  void SetLastSeq(ConversationId id, int64_t last_seq);
  // for keys()[key_index]: whether the sender is a member, and the stored message with that
  // key if there is one (its conversation_id, sender and client_msg_id may be left empty), the
  // sender's role; `refused`: a direct conversation whose other member does not accept the
  // sender's messages (MQCHAT_DM_REFUSED_SQL; a resend of a message stored before is still a
  // duplicate). A moderator's key (AppendRequest::moderator) counts as an owner's, whatever
  // the lookup found.
  void SetLookup(size_t key_index, bool sender_is_member, std::optional<StoredMessage> existing,
                 MemberRole role = MemberRole::kMember, bool refused = false);
  // the slow mode of a conversation of conversation_ids() (a group's: migration 018; a text
  // channel's: migration 026, on its channels row; 0 or absent: off);
  void SetSlowMode(ConversationId id, int64_t interval_ms);
  // after every SetLookup and SetSlowMode, for each PacedSenders() pair: the created_at_ms of
  // the sender's newest message (kind 0) in that conversation (0: none);
  void SetLastMessageAt(ConversationId id, const std::string& sender, int64_t created_at_ms);
  // for targets()[i]: the stored row with that seq, if any;
  void SetTarget(size_t index, std::optional<TargetState> state);
  // for reactions()[i]: whether that reaction is there.
  void SetReaction(size_t index, bool present);
  // for mentions()[i]: whether that user is a member of that conversation.
  void SetMentionMember(size_t index, bool member);
  // for attachment_ids()[i]: its row, if there is one.
  void SetAttachment(size_t index, std::optional<AttachmentState> state);

  // After every SetLookup and SetSlowMode: each distinct (conversation, sender) whose message
  // of the batch slow mode paces (a new message, not an event, of a member who is neither
  // owner nor admin nor a moderator's entry nor AppendRequest::slow_mode_exempt, into a
  // conversation in slow mode), in order.
  std::vector<std::pair<ConversationId, std::string>> PacedSenders() const;

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
  // The new events among them that change another row (every kind but kMessage), in batch
  // order: the backend applies each to the target's current state (and the reactions) in
  // this order, after inserting the rows.
  const std::vector<size_t>& effect_indexes() const { return effect_indexes_; }
  // The message_attachments rows of the new messages, in batch order; the backend also marks
  // each distinct attachment referenced (attachments.referenced_at_ms).
  const std::vector<AttachmentLink>& attachment_links() const { return attachment_links_; }
  const std::vector<AppendResult>& results() const { return results_; }
  std::vector<AppendResult> TakeResults();

 private:
  struct Lookup {
    bool sender_is_member = false;
    std::optional<StoredMessage> existing;
    MemberRole role = MemberRole::kMember;
    bool refused = false;
  };
  using TargetMap = std::map<std::pair<ConversationId, int64_t>, TargetState>;
  using ReactionSet = std::set<std::tuple<ConversationId, int64_t, std::string, std::string>>;

  void CollectTargets();
  void CollectMentions();
  // The first user batch_[i] mentions who is not a member ("": none).
  std::string MentionedNonMember(size_t i) const;
  void CollectAttachments();
  // Why batch_[i]'s attachments are refused (kNone: all are the sender's finished uploads);
  // `*refused_id` names the first refused.
  EventRefusal CheckAttachments(size_t i, std::string* refused_id) const;
  // The targets and reactions as looked up, before the batch.
  void InitialState(TargetMap& targets, ReactionSet& present) const;
  // Why the rules refuse batch_[i] given the state so far (kNone: allowed).
  EventRefusal Check(size_t i, const TargetMap& targets, const ReactionSet& present) const;
  // Whether slow mode paces batch_[i] (see PacedSenders), and if so its wait (0: none).
  bool IsPaced(size_t i) const;
  int64_t SlowModeWait(size_t i) const;
  // Applies stored batch_[i] (seq `seq`) to the state later requests of the batch see.
  void Apply(size_t i, int64_t seq, TargetMap& targets, ReactionSet& present) const;

  const std::vector<AppendRequest>& batch_;
  std::vector<ConversationId> conversation_ids_;
  std::vector<MessageKey> keys_;
  std::vector<size_t> key_of_request_;  // batch index -> keys_ index
  std::vector<bool> moderator_keys_;    // parallel to keys_: AppendRequest::moderator
  std::vector<Lookup> lookups_;         // parallel to keys_
  std::vector<TargetKey> targets_;
  std::vector<std::optional<TargetState>> target_states_;  // parallel to targets_
  std::vector<ReactionKey> reactions_;
  std::vector<bool> reaction_present_;  // parallel to reactions_
  std::vector<MentionKey> mentions_;
  std::vector<bool> mention_member_;  // parallel to mentions_
  std::map<std::pair<ConversationId, std::string>, size_t> mention_index_;  // -> mentions_
  std::vector<std::string> attachment_ids_;
  std::vector<std::optional<AttachmentState>> attachment_states_;  // parallel to the ids
  std::map<std::string, size_t> attachment_index_;                  // -> attachment_ids_
  std::vector<AttachmentLink> attachment_links_;
  std::unordered_map<ConversationId, int64_t> last_seq_;
  std::unordered_map<ConversationId, int64_t> members_version_;
  std::unordered_map<ConversationId, int64_t> slow_mode_ms_;
  // By (conversation, sender): the time of their newest message, as looked up, then as the
  // batch stores new ones.
  std::map<std::pair<ConversationId, std::string>, int64_t> last_message_ms_;

  std::vector<SeqAdvance> seq_advances_;
  std::vector<ReadAdvance> read_advances_;
  std::vector<size_t> new_indexes_;
  std::vector<size_t> effect_indexes_;
  std::vector<AppendResult> results_;
};

}  // namespace mqchat::store
