#include "store/append_plan.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

namespace mqchat::store {

AppendPlan::AppendPlan(const std::vector<AppendRequest>& batch) : batch_(batch) {
  std::map<std::tuple<ConversationId, std::string, std::string>, size_t> key_index;
  key_of_request_.reserve(batch_.size());
  for (const AppendRequest& req : batch_) {
    auto [it, inserted] = key_index.emplace(
        std::make_tuple(req.conversation_id, req.sender, req.client_msg_id), keys_.size());
    if (inserted) {
      keys_.push_back(MessageKey{req.conversation_id, req.sender, req.client_msg_id});
      conversation_ids_.push_back(req.conversation_id);
    }
    key_of_request_.push_back(it->second);
    moderator_keys_.resize(keys_.size());
    if (req.moderator) moderator_keys_[it->second] = true;
  }
  std::sort(conversation_ids_.begin(), conversation_ids_.end());
  conversation_ids_.erase(std::unique(conversation_ids_.begin(), conversation_ids_.end()),
                          conversation_ids_.end());
  lookups_.resize(keys_.size());
  CollectTargets();
  CollectMentions();
  CollectAttachments();
}

void AppendPlan::CollectAttachments() {
  for (const AppendRequest& req : batch_) {
    for (const std::string& id : req.attachments) {
      if (attachment_index_.emplace(id, attachment_ids_.size()).second) {
        attachment_ids_.push_back(id);
      }
    }
  }
  attachment_states_.resize(attachment_ids_.size());
}

void AppendPlan::SetAttachment(size_t index, std::optional<AttachmentState> state) {
  attachment_states_.at(index) = std::move(state);
}

EventRefusal AppendPlan::CheckAttachments(size_t i, std::string* refused_id) const {
  const AppendRequest& req = batch_[i];
  for (const std::string& id : req.attachments) {
    const std::optional<AttachmentState>& state = attachment_states_[attachment_index_.at(id)];
    *refused_id = id;
    // Another's upload gets the answer of an id that does not exist.
    if (!state.has_value() || state->owner != req.sender) return EventRefusal::kAttachmentUnknown;
    if (!state->finished) return EventRefusal::kAttachmentUnfinished;
  }
  refused_id->clear();
  return EventRefusal::kNone;
}

void AppendPlan::CollectMentions() {
  for (const AppendRequest& req : batch_) {
    for (const std::string& name : req.mentions) {
      if (mention_index_.emplace(std::make_pair(req.conversation_id, name), mentions_.size())
              .second) {
        mentions_.push_back(MentionKey{req.conversation_id, name});
      }
    }
  }
  mention_member_.resize(mentions_.size());
}

void AppendPlan::SetMentionMember(size_t index, bool member) {
  mention_member_.at(index) = member;
}

std::string AppendPlan::MentionedNonMember(size_t i) const {
  const AppendRequest& req = batch_[i];
  for (const std::string& name : req.mentions) {
    if (!mention_member_[mention_index_.at({req.conversation_id, name})]) return name;
  }
  return "";
}

namespace {

// A reply, an edit, a deletion or a reaction names a message; a plain message or a call
// entry names none.
bool HasTarget(const AppendRequest& req) {
  if (req.kind == EventKind::kCall) return false;
  return req.kind != EventKind::kMessage || req.target_seq > 0;
}

bool IsReaction(EventKind kind) {
  return kind == EventKind::kReactionAdd || kind == EventKind::kReactionRemove;
}

}  // namespace

void AppendPlan::CollectTargets() {
  std::set<std::pair<ConversationId, int64_t>> seen_targets;
  ReactionSet seen_reactions;
  for (const AppendRequest& req : batch_) {
    if (!HasTarget(req)) continue;
    if (seen_targets.emplace(req.conversation_id, req.target_seq).second) {
      targets_.push_back(TargetKey{req.conversation_id, req.target_seq});
    }
    if (IsReaction(req.kind) &&
        seen_reactions.emplace(req.conversation_id, req.target_seq, req.sender, req.text).second) {
      reactions_.push_back(ReactionKey{req.conversation_id, req.target_seq, req.sender, req.text});
    }
  }
  target_states_.resize(targets_.size());
  reaction_present_.resize(reactions_.size());
}

void AppendPlan::SetTarget(size_t index, std::optional<TargetState> state) {
  target_states_.at(index) = std::move(state);
}

void AppendPlan::SetReaction(size_t index, bool present) { reaction_present_.at(index) = present; }

void AppendPlan::InitialState(TargetMap& targets, ReactionSet& present) const {
  for (size_t t = 0; t < targets_.size(); ++t) {
    if (target_states_[t].has_value()) {
      targets[{targets_[t].conversation_id, targets_[t].seq}] = *target_states_[t];
    }
  }
  for (size_t r = 0; r < reactions_.size(); ++r) {
    const ReactionKey& k = reactions_[r];
    if (reaction_present_[r]) present.emplace(k.conversation_id, k.seq, k.username, k.emoji);
  }
}

EventRefusal AppendPlan::Check(size_t i, const TargetMap& targets,
                               const ReactionSet& present) const {
  const AppendRequest& req = batch_[i];
  if (!HasTarget(req)) return EventRefusal::kNone;
  auto it = targets.find({req.conversation_id, req.target_seq});
  if (it == targets.end() || it->second.kind != EventKind::kMessage) {
    return EventRefusal::kUnknownTarget;
  }
  const TargetState& target = it->second;
  if (target.deleted) return EventRefusal::kTargetDeleted;
  const bool own = target.sender == req.sender;
  const bool has_reaction =
      present.count({req.conversation_id, req.target_seq, req.sender, req.text}) > 0;
  switch (req.kind) {
    case EventKind::kMessage:
      return EventRefusal::kNone;  // a reply to a live message
    case EventKind::kEdit:
      if (!own) return EventRefusal::kNotAuthor;
      if (req.edit_window_ms > 0 && req.created_at_ms - target.created_at_ms > req.edit_window_ms) {
        return EventRefusal::kEditWindowClosed;
      }
      return EventRefusal::kNone;
    case EventKind::kDelete:
      // Group owners and admins may delete anyone's; direct conversations have neither; in a
      // channel, members with manage_messages (the server's owner holds every flag).
      return own || req.channel_moderator ||
                     lookups_[key_of_request_[i]].role != MemberRole::kMember
                 ? EventRefusal::kNone
                 : EventRefusal::kNotAuthor;
    case EventKind::kReactionAdd:
      return has_reaction ? EventRefusal::kNoChange : EventRefusal::kNone;
    case EventKind::kReactionRemove:
      return has_reaction ? EventRefusal::kNone : EventRefusal::kNoChange;
    case EventKind::kCall:
      return EventRefusal::kNone;  // HasTarget: not reached
  }
  return EventRefusal::kUnknownTarget;
}

void AppendPlan::Apply(size_t i, int64_t seq, TargetMap& targets, ReactionSet& present) const {
  const AppendRequest& req = batch_[i];
  const auto reaction = std::make_tuple(req.conversation_id, req.target_seq, req.sender, req.text);
  switch (req.kind) {
    case EventKind::kMessage:
      targets[{req.conversation_id, seq}] =
          TargetState{EventKind::kMessage, req.sender, req.created_at_ms, false};
      break;
    case EventKind::kEdit:
    case EventKind::kCall:
      break;
    case EventKind::kDelete:
      targets[{req.conversation_id, req.target_seq}].deleted = true;
      break;
    case EventKind::kReactionAdd:
      present.insert(reaction);
      break;
    case EventKind::kReactionRemove:
      present.erase(reaction);
      break;
  }
}

void AppendPlan::SetLastSeq(ConversationId id, int64_t last_seq) { last_seq_[id] = last_seq; }

void AppendPlan::SetLookup(size_t key_index, bool sender_is_member,
                           std::optional<StoredMessage> existing, MemberRole role,
                           bool refused) {
  Lookup& lookup = lookups_.at(key_index);
  const bool moderator = moderator_keys_.at(key_index);
  lookup.sender_is_member = sender_is_member || moderator;
  lookup.role = moderator ? MemberRole::kOwner : role;
  lookup.refused = refused && !moderator;
  lookup.existing = std::move(existing);
  if (lookup.existing.has_value()) {
    const MessageKey& key = keys_[key_index];
    lookup.existing->conversation_id = key.conversation_id;
    lookup.existing->sender = key.sender;
    lookup.existing->client_msg_id = key.client_msg_id;
  }
}

void AppendPlan::SetSlowMode(ConversationId id, int64_t interval_ms) {
  slow_mode_ms_[id] = interval_ms;
}

void AppendPlan::SetLastMessageAt(ConversationId id, const std::string& sender,
                                  int64_t created_at_ms) {
  last_message_ms_[{id, sender}] = created_at_ms;
}

bool AppendPlan::IsPaced(size_t i) const {
  const AppendRequest& req = batch_[i];
  if (req.kind != EventKind::kMessage || req.slow_mode_exempt) return false;
  auto it = slow_mode_ms_.find(req.conversation_id);
  if (it == slow_mode_ms_.end() || it->second <= 0) return false;
  const size_t key = key_of_request_[i];
  // Owners and admins are not paced, nor an operator's entry (SetLookup made it an owner's).
  return lookups_[key].role == MemberRole::kMember && !moderator_keys_[key] &&
         !lookups_[key].existing.has_value();
}

std::vector<std::pair<ConversationId, std::string>> AppendPlan::PacedSenders() const {
  std::vector<std::pair<ConversationId, std::string>> out;
  std::set<std::pair<ConversationId, std::string>> seen;
  for (size_t i = 0; i < batch_.size(); ++i) {
    if (!IsPaced(i)) continue;
    auto pair = std::make_pair(batch_[i].conversation_id, batch_[i].sender);
    if (seen.insert(pair).second) out.push_back(std::move(pair));
  }
  return out;
}

int64_t AppendPlan::SlowModeWait(size_t i) const {
  const AppendRequest& req = batch_[i];
  auto last = last_message_ms_.find({req.conversation_id, req.sender});
  if (last == last_message_ms_.end() || last->second <= 0) return 0;
  const int64_t interval = slow_mode_ms_.at(req.conversation_id);
  // The times come from the clocks of the brokers that took each message: a clock ahead of
  // this one never makes the wait longer than the interval.
  return std::clamp<int64_t>(last->second + interval - req.created_at_ms, 0, interval);
}

void AppendPlan::SetMembersVersion(ConversationId id, int64_t members_version) {
  members_version_[id] = members_version;
}

Status AppendPlan::Decide() {
  results_.assign(batch_.size(), AppendResult{});
  std::vector<std::optional<size_t>> first_new(keys_.size());  // key -> batch index storing it
  std::map<ConversationId, SeqAdvance> advances;
  std::map<std::pair<ConversationId, std::string>, ReadAdvance> newest_by_sender;
  // Senders slow mode refused in this batch: their later messages of the batch wait too, so
  // none is stored before the refused one.
  std::set<std::pair<ConversationId, std::string>> slow_refused;
  // The state events see, as the batch changes it request by request.
  TargetMap targets;
  ReactionSet present;
  InitialState(targets, present);

  for (size_t i = 0; i < batch_.size(); ++i) {
    const AppendRequest& req = batch_[i];
    const size_t key = key_of_request_[i];
    const Lookup& lookup = lookups_[key];
    AppendResult& result = results_[i];
    // Membership comes first: a former member resending an old client_msg_id is refused.
    // A resend of a message stored before a block is still its duplicate (the original ack).
    const bool member = lookup.sender_is_member || req.channel_sender;
    const bool refused = !member || (lookup.refused && !lookup.existing);
    if (refused) {
      result.outcome = member ? AppendOutcome::kNotAccepting : AppendOutcome::kNotMember;
      result.message.conversation_id = req.conversation_id;
      result.message.sender = req.sender;
      result.message.client_msg_id = req.client_msg_id;
      continue;
    }
    if (lookup.existing.has_value()) {
      result.outcome = AppendOutcome::kDuplicate;
      result.message = *lookup.existing;
      result.message.kind = req.kind;  // the resend is answered under its own op
      continue;
    }
    if (first_new[key].has_value()) {  // repeated within this batch
      result.outcome = AppendOutcome::kDuplicate;
      result.message = results_[*first_new[key]].message;
      result.message.kind = req.kind;
      continue;
    }
    if (req.only_if_stored) {  // refused by a rate limit; only a resend gets an answer
      result.outcome = AppendOutcome::kNotStored;
      result.message.conversation_id = req.conversation_id;
      result.message.sender = req.sender;
      result.message.client_msg_id = req.client_msg_id;
      continue;
    }
    const std::string non_member = MentionedNonMember(i);
    std::string refused_attachment;
    EventRefusal refusal = CheckAttachments(i, &refused_attachment);
    if (refusal == EventRefusal::kNone) {
      refusal = non_member.empty() ? Check(i, targets, present) : EventRefusal::kMentionNotMember;
    }
    if (refusal != EventRefusal::kNone) {
      result.outcome = AppendOutcome::kRefused;
      result.refusal = refusal;
      result.refused_user = non_member;
      result.refused_attachment = std::move(refused_attachment);
      result.message.conversation_id = req.conversation_id;
      result.message.sender = req.sender;
      result.message.client_msg_id = req.client_msg_id;
      continue;
    }
    const bool paced = IsPaced(i);
    if (paced) {
      int64_t wait = SlowModeWait(i);
      if (wait == 0 && slow_refused.count({req.conversation_id, req.sender}) > 0) wait = 1;
      if (wait > 0) {
        slow_refused.emplace(req.conversation_id, req.sender);
        result.outcome = AppendOutcome::kSlowMode;
        result.retry_after_ms = wait;
        result.message.conversation_id = req.conversation_id;
        result.message.sender = req.sender;
        result.message.client_msg_id = req.client_msg_id;
        continue;
      }
    }
    auto last = last_seq_.find(req.conversation_id);
    if (last == last_seq_.end()) {
      return Status::Internal("append plan: no last_seq for conversation " +
                              std::to_string(req.conversation_id));
    }
    const int64_t seq = ++last->second;
    result.outcome = AppendOutcome::kStored;
    result.message = StoredMessage{req.conversation_id, seq,      req.message_id,   req.sender,
                                   req.client_msg_id,   req.text, req.created_at_ms};
    result.message.kind = req.kind;
    result.message.target_seq = req.target_seq;
    result.message.mentions = req.mentions;
    for (size_t a = 0; a < req.attachments.size(); ++a) {
      const std::string& id = req.attachments[a];
      result.message.attachments.push_back(attachment_states_[attachment_index_.at(id)]->shown);
      attachment_links_.push_back(
          AttachmentLink{req.conversation_id, seq, static_cast<int64_t>(a), id});
    }
    first_new[key] = i;
    new_indexes_.push_back(i);
    if (paced) {  // the batch's next message of this sender waits from this one
      int64_t& newest = last_message_ms_[{req.conversation_id, req.sender}];
      newest = std::max(newest, req.created_at_ms);
    }
    if (HasTarget(req) && req.kind != EventKind::kMessage) effect_indexes_.push_back(i);
    Apply(i, seq, targets, present);

    SeqAdvance& advance = advances[req.conversation_id];
    advance.activity_ms =
        advance.count == 0 ? req.created_at_ms : std::max(advance.activity_ms, req.created_at_ms);
    advance.conversation_id = req.conversation_id;
    advance.count += 1;
    advance.last_seq = seq;
    newest_by_sender[{req.conversation_id, req.sender}] =
        ReadAdvance{req.conversation_id, req.sender, seq, req.channel_sender};
    for (const std::string& user : req.also_read) {  // a call entry: who took part saw it
      newest_by_sender[{req.conversation_id, user}] =
          ReadAdvance{req.conversation_id, user, seq, false};
    }
  }

  for (auto& [id, advance] : advances) {
    seq_advances_.push_back(advance);
  }
  for (auto& entry : newest_by_sender) read_advances_.push_back(std::move(entry.second));
  return Status::Ok();
}

std::vector<AppendResult> AppendPlan::TakeResults() {
  for (size_t i : new_indexes_) {
    auto it = members_version_.find(results_[i].message.conversation_id);
    if (it != members_version_.end()) {
      results_[i].members_version = it->second;
    }
  }
  return std::move(results_);
}

}  // namespace mqchat::store
