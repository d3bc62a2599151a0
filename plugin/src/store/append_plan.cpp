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
  }
  std::sort(conversation_ids_.begin(), conversation_ids_.end());
  conversation_ids_.erase(std::unique(conversation_ids_.begin(), conversation_ids_.end()),
                          conversation_ids_.end());
  lookups_.resize(keys_.size());
}

void AppendPlan::SetLastSeq(ConversationId id, int64_t last_seq) { last_seq_[id] = last_seq; }

void AppendPlan::SetLookup(size_t key_index, bool sender_is_member,
                           std::optional<StoredMessage> existing, bool refused) {
  Lookup& lookup = lookups_.at(key_index);
  lookup.sender_is_member = sender_is_member;
  lookup.refused = refused;
  lookup.existing = std::move(existing);
  if (lookup.existing.has_value()) {
    const MessageKey& key = keys_[key_index];
    lookup.existing->conversation_id = key.conversation_id;
    lookup.existing->sender = key.sender;
    lookup.existing->client_msg_id = key.client_msg_id;
  }
}

void AppendPlan::SetMembersVersion(ConversationId id, int64_t members_version) {
  members_version_[id] = members_version;
}

Status AppendPlan::Decide() {
  results_.assign(batch_.size(), AppendResult{});
  std::vector<std::optional<size_t>> first_new(keys_.size());  // key -> batch index storing it
  std::map<ConversationId, SeqAdvance> advances;
  std::map<std::pair<ConversationId, std::string>, int64_t> newest_by_sender;

  for (size_t i = 0; i < batch_.size(); ++i) {
    const AppendRequest& req = batch_[i];
    const size_t key = key_of_request_[i];
    const Lookup& lookup = lookups_[key];
    AppendResult& result = results_[i];
    // Membership comes first: a former member resending an old client_msg_id is refused.
    // A resend of a message stored before a block is still its duplicate (the original ack).
    const bool refused = !lookup.sender_is_member || (lookup.refused && !lookup.existing);
    if (refused) {
      result.outcome =
          lookup.sender_is_member ? AppendOutcome::kNotAccepting : AppendOutcome::kNotMember;
      result.message.conversation_id = req.conversation_id;
      result.message.sender = req.sender;
      result.message.client_msg_id = req.client_msg_id;
      continue;
    }
    if (lookup.existing.has_value()) {
      result.outcome = AppendOutcome::kDuplicate;
      result.message = *lookup.existing;
      continue;
    }
    if (first_new[key].has_value()) {  // repeated within this batch
      result.outcome = AppendOutcome::kDuplicate;
      result.message = results_[*first_new[key]].message;
      continue;
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
    first_new[key] = i;
    new_indexes_.push_back(i);

    SeqAdvance& advance = advances[req.conversation_id];
    advance.activity_ms =
        advance.count == 0 ? req.created_at_ms : std::max(advance.activity_ms, req.created_at_ms);
    advance.conversation_id = req.conversation_id;
    advance.count += 1;
    advance.last_seq = seq;
    newest_by_sender[{req.conversation_id, req.sender}] = seq;
  }

  for (auto& [id, advance] : advances) {
    seq_advances_.push_back(advance);
  }
  for (auto& [who, seq] : newest_by_sender) {
    read_advances_.push_back(ReadAdvance{who.first, who.second, seq});
  }
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
