// PgChatStore::AppendBatch: the writer's hot path. The whole batch is one transaction, sent in
// libpq's pipeline mode (pg_pipeline.h) so that it costs two round trips however many messages,
// conversations, events, mentions and attachments it holds: (1) BEGIN, lock the conversations,
// look up members, duplicates, event targets, mentions and attachments; (2) write everything and
// COMMIT. Between the two the client decides (AppendPlan::Decide), so two is the least without
// moving chat_rules.h into SQL. One more round trip, between them, only when slow mode paces a
// message of the batch (the senders' last message times: migration 028's resend keys, asked for
// once the locks have told which conversations are in slow mode).
//
// The COMMIT is sent before the writes' answers are read: whatever must keep a batch from
// committing is checked by the server (a failed statement makes the server skip the rest,
// COMMIT included; kAppendWrite checks its own seq numbering). A failure after the COMMIT was
// sent (the connection lost before its answer) is reported like a lost COMMIT answer today:
// kUnavailable, outcome unknown, and the resend is told apart by client_msg_id.
#include <cstring>
#include <unordered_map>
#include <utility>

#include "store/append_plan.h"
#include "store/broker_notices.h"
#include "store/chat_rules.h"
#include "store/attachments.h"
#include "store/mentions.h"
#include "store/pg/pg_channel_read_sql.h"
#include "store/pg/pg_chat_attachments.h"
#include "store/pg/pg_chat_events.h"
#include "store/pg/pg_chat_mentions.h"
#include "store/pg/pg_chat_sql.h"
#include "store/pg/pg_chat_store.h"
#include "store/pg/pg_notices.h"
#include "store/pg/pg_pipeline.h"
#include "store/pg/pg_push_sql.h"
#include "store/push_job_plan.h"

namespace mqchat::store {
namespace {

namespace sql = pg_chat_sql;

// Step 1: the conversations' rows, locked, and their last_seq and slow mode.
Status SendLock(PgPipeline& pipe, const AppendPlan& plan) {
  return pipe.Send(sql::kLockForAppend, PgParams().Text(sql::Int64Array(plan.conversation_ids())));
}

Status ReadLock(PgPipeline& pipe, AppendPlan& plan) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, pipe.Next());
  for (int row = 0; row < PQntuples(res.get()); ++row) {
    MQCHAT_ASSIGN_OR_RETURN(int64_t id, PgInt64(res.get(), row, 0));
    MQCHAT_ASSIGN_OR_RETURN(int64_t last_seq, PgInt64(res.get(), row, 1));
    plan.SetLastSeq(id, last_seq);
    MQCHAT_ASSIGN_OR_RETURN(int64_t slow_mode_s, PgInt64(res.get(), row, 2));
    plan.SetSlowMode(id, slow_mode_s * 1000);
  }
  return Status::Ok();
}

// Step 2b, only if slow mode paces a message of the batch (known once steps 1 and 2 answered):
// each paced sender's newest message time, read under the conversation's lock, so the interval
// holds across brokers. A round trip of its own.
Status LookUpLastMessages(PgPipeline& pipe, AppendPlan& plan) {
  const auto paced = plan.PacedSenders();
  if (paced.empty()) return Status::Ok();
  std::vector<int64_t> ids;
  std::vector<std::string> senders;
  for (const auto& [id, sender] : paced) {
    ids.push_back(id);
    senders.push_back(sender);
  }
  MQCHAT_RETURN_IF_ERROR(pipe.Send(
      sql::kLastMessageAt, PgParams().Text(sql::Int64Array(ids)).Text(sql::TextArray(senders))));
  MQCHAT_RETURN_IF_ERROR(pipe.Flush());
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, pipe.Next());
  const PGresult* r = res.get();
  for (int row = 0; row < PQntuples(r); ++row) {
    MQCHAT_ASSIGN_OR_RETURN(int64_t ord, PgInt64(r, row, 0));
    if (ord < 1 || ord > static_cast<int64_t>(paced.size())) {
      return Status::Internal("last message lookup returned position " + std::to_string(ord));
    }
    if (PgIsNull(r, row, 1)) continue;
    MQCHAT_ASSIGN_OR_RETURN(int64_t last_ms, PgInt64(r, row, 1));
    const auto& [id, sender] = paced[static_cast<size_t>(ord - 1)];
    plan.SetLastMessageAt(id, sender, last_ms);
  }
  return Status::Ok();
}

// Step 2: membership of each sender, any stored message with the same key, and whether a
// direct conversation's other member refuses the sender.
Status SendKeyLookup(PgPipeline& pipe, const AppendPlan& plan, bool shares_group_elsewhere) {
  std::vector<int64_t> ids;
  std::vector<std::string> senders;
  std::vector<std::string> client_msg_ids;
  for (const MessageKey& key : plan.keys()) {
    ids.push_back(key.conversation_id);
    senders.push_back(key.sender);
    client_msg_ids.push_back(key.client_msg_id);
  }
  // The pairs a sharded store found sharing a group in another database: every key's, or none.
  std::vector<int64_t> shared_ids;
  std::vector<std::string> shared_senders;
  if (shares_group_elsewhere) {
    shared_ids = ids;
    shared_senders = senders;
  }
  return pipe.Send(sql::kAppendLookup, PgParams()
                                           .Text(sql::Int64Array(ids))
                                           .Text(sql::TextArray(senders))
                                           .Text(sql::TextArray(client_msg_ids))
                                           .Text(sql::Int64Array(shared_ids))
                                           .Text(sql::TextArray(shared_senders)));
}

Status ReadKeyLookup(PgPipeline& pipe, AppendPlan& plan) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, pipe.Next());
  const PGresult* r = res.get();
  if (PQntuples(r) != static_cast<int>(plan.keys().size())) {
    return Status::Internal("append lookup returned " + std::to_string(PQntuples(r)) +
                            " rows for " + std::to_string(plan.keys().size()) + " keys");
  }
  for (int row = 0; row < PQntuples(r); ++row) {
    MQCHAT_ASSIGN_OR_RETURN(int64_t ord, PgInt64(r, row, 0));
    if (ord < 1 || ord > static_cast<int64_t>(plan.keys().size())) {
      return Status::Internal("append lookup returned position " + std::to_string(ord));
    }
    const bool is_member = !PgIsNull(r, row, 1);
    MemberRole role = MemberRole::kMember;
    if (is_member) {
      MQCHAT_ASSIGN_OR_RETURN(int64_t role_value, PgInt64(r, row, 1));
      MQCHAT_ASSIGN_OR_RETURN(role, RoleFromColumn(role_value));
    }
    std::optional<StoredMessage> existing;
    if (!PgIsNull(r, row, 2)) {
      StoredMessage msg;
      MQCHAT_ASSIGN_OR_RETURN(msg.seq, PgInt64(r, row, 2));
      MQCHAT_ASSIGN_OR_RETURN(msg.message_id, PgInt64(r, row, 3));
      msg.text = PgText(r, row, 4);
      MQCHAT_ASSIGN_OR_RETURN(msg.created_at_ms, PgInt64(r, row, 5));
      existing = std::move(msg);
    }
    const bool refused = PgText(r, row, 6) == "t";
    plan.SetLookup(static_cast<size_t>(ord - 1), is_member, std::move(existing), role, refused);
  }
  return Status::Ok();
}

// The seqs were numbered from the last_seq read under the lock; the write's UPDATE (one row per
// conversation: id, last_seq, members_version) must agree. kAppendWrite has checked that
// already, before the COMMIT; this reads each members_version, and checks again.
Status CheckSeqAllocation(const PGresult* r, AppendPlan& plan) {
  std::unordered_map<int64_t, int64_t> expected;
  for (const AppendPlan::SeqAdvance& advance : plan.seq_advances()) {
    expected[advance.conversation_id] = advance.last_seq;
  }
  if (PQntuples(r) != static_cast<int>(expected.size())) {
    return Status::Internal("seq allocation updated " + std::to_string(PQntuples(r)) +
                            " conversations, expected " + std::to_string(expected.size()));
  }
  for (int row = 0; row < PQntuples(r); ++row) {
    MQCHAT_ASSIGN_OR_RETURN(int64_t id, PgInt64(r, row, 0));
    MQCHAT_ASSIGN_OR_RETURN(int64_t last_seq, PgInt64(r, row, 1));
    auto it = expected.find(id);
    if (it == expected.end() || it->second != last_seq) {
      return Status::Internal("seq allocation of conversation " + std::to_string(id) +
                              " went out of step");
    }
    MQCHAT_ASSIGN_OR_RETURN(int64_t members_version, PgInt64(r, row, 2));
    plan.SetMembersVersion(id, members_version);
  }
  return Status::Ok();
}

// Step 3: seqs, messages and read positions in one statement. ReadWrite reads its answer.
Status SendWrite(PgPipeline& pipe, const AppendPlan& plan) {
  std::vector<int64_t> alloc_ids, alloc_counts, alloc_activity, alloc_last_seqs;
  for (const AppendPlan::SeqAdvance& advance : plan.seq_advances()) {
    alloc_ids.push_back(advance.conversation_id);
    alloc_counts.push_back(advance.count);
    alloc_activity.push_back(advance.activity_ms);
    alloc_last_seqs.push_back(advance.last_seq);
  }
  std::vector<int64_t> msg_ids, seqs, message_ids, created, kinds, target_seqs;
  std::vector<std::string> senders, client_msg_ids, bodies, mentions, attachments;
  for (size_t i : plan.new_indexes()) {
    const StoredMessage& msg = plan.results()[i].message;
    msg_ids.push_back(msg.conversation_id);
    seqs.push_back(msg.seq);
    message_ids.push_back(msg.message_id);
    senders.push_back(msg.sender);
    client_msg_ids.push_back(msg.client_msg_id);
    bodies.push_back(msg.text);
    created.push_back(msg.created_at_ms);
    kinds.push_back(static_cast<int64_t>(msg.kind));
    target_seqs.push_back(msg.target_seq);
    mentions.push_back(JoinMentions(msg.mentions));
    attachments.push_back(AttachmentsColumn(msg.attachments));
  }
  std::vector<int64_t> read_ids, read_seqs;
  std::vector<std::string> readers;
  for (const AppendPlan::ReadAdvance& read : plan.read_advances()) {
    if (read.channel) continue;  // SendChannelReads
    read_ids.push_back(read.conversation_id);
    readers.push_back(read.username);
    read_seqs.push_back(read.read_seq);
  }
  return pipe.Send(sql::kAppendWrite, PgParams()
                                          .Text(sql::Int64Array(alloc_ids))
                                          .Text(sql::Int64Array(alloc_counts))
                                          .Text(sql::Int64Array(alloc_activity))
                                          .Text(sql::Int64Array(msg_ids))
                                          .Text(sql::Int64Array(seqs))
                                          .Text(sql::Int64Array(message_ids))
                                          .Text(sql::TextArray(senders))
                                          .Text(sql::TextArray(client_msg_ids))
                                          .Text(sql::TextArray(bodies))
                                          .Text(sql::Int64Array(created))
                                          .Text(sql::Int64Array(read_ids))
                                          .Text(sql::TextArray(readers))
                                          .Text(sql::Int64Array(read_seqs))
                                          .Text(sql::Int64Array(kinds))
                                          .Text(sql::Int64Array(target_seqs))
                                          .Text(sql::TextArray(mentions))
                                          .Text(sql::TextArray(attachments))
                                          .Text(sql::Int64Array(alloc_last_seqs)));
}

Status ReadWrite(PgPipeline& pipe, AppendPlan& plan) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, pipe.Next());
  return CheckSeqAllocation(res.get(), plan);
}

// Step 3b, only if a channel's sender stored a message: their channel_reads rows (migration
// 024), made if they have none.
Status SendChannelReads(PgPipeline& pipe, const AppendPlan& plan) {
  std::vector<int64_t> ids, seqs;
  std::vector<std::string> users;
  for (const AppendPlan::ReadAdvance& read : plan.read_advances()) {
    if (!read.channel) continue;
    ids.push_back(read.conversation_id);
    users.push_back(read.username);
    seqs.push_back(read.read_seq);
  }
  if (ids.empty()) return Status::Ok();
  return pipe.Send(pg_channel_read_sql::kAdvance, PgParams()
                                                      .Text(sql::Int64Array(ids))
                                                      .Text(sql::TextArray(users))
                                                      .Text(sql::Int64Array(seqs)));
}

// Step 4, only if a new message has push recipients: one pending push job per (recipient,
// conversation), folded into a pending one if there is, in the messages' transaction.
// On a shard (`shard`), every recipient's job is recorded: the push targets are elsewhere.
Status SendPushJobs(PgPipeline& pipe, const std::vector<AppendRequest>& batch,
                    const AppendPlan& plan, bool shard) {
  PushJobWrites writes = PlanPushJobWrites(batch, plan);
  if (writes.drafts.empty()) {
    return Status::Ok();
  }
  std::vector<std::string> users, senders, previews;
  std::vector<int64_t> ids, firsts, lasts, counts;
  std::vector<bool> mentions;
  for (PushJobDraft& d : writes.drafts) {
    mentions.push_back(d.mention);
    users.push_back(std::move(d.username));
    ids.push_back(d.conversation_id);
    firsts.push_back(d.first_seq);
    lasts.push_back(d.last_seq);
    counts.push_back(d.count);
    senders.push_back(std::move(d.sender));
    previews.push_back(std::move(d.preview_text));
  }
  return pipe.Send(pg_push_sql::kUpsertJobs, PgParams()
                                                 .Text(sql::TextArray(users))
                                                 .Text(sql::Int64Array(ids))
                                                 .Text(sql::Int64Array(firsts))
                                                 .Text(sql::Int64Array(lasts))
                                                 .Text(sql::Int64Array(counts))
                                                 .Text(sql::TextArray(senders))
                                                 .Text(sql::TextArray(previews))
                                                 .Int(writes.now_ms)
                                                 .Int(writes.due_ms)
                                                 .Int(writes.due_cap_ms)
                                                 .Text(sql::BoolArray(mentions))
                                                 .Text(shard ? "true" : "false"));
}

}  // namespace

Result<std::vector<AppendResult>> PgChatStore::AppendBatch(
    const std::vector<AppendRequest>& batch) {
  if (batch.empty()) {
    return std::vector<AppendResult>();
  }
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  AppendPlan plan(batch);
  // Left early (an error), the pipeline reads what is still coming and rolls back.
  MQCHAT_ASSIGN_OR_RETURN(PgPipeline pipe, PgPipeline::Start(conn_));

  // Round trip 1. The conversation row locks, held to COMMIT, are what make seqs gapless and in
  // commit order across brokers sharing this database: whoever holds a conversation's lock
  // numbers from its last_seq, and the next holder sees that commit. They are taken before the
  // lookups (the server runs the pipeline's statements in order, each seeing what committed
  // before it started) so that a resend racing through another broker is seen as a duplicate,
  // and a member removed concurrently is seen as removed.
  MQCHAT_RETURN_IF_ERROR(pipe.SendSql("BEGIN"));
  MQCHAT_RETURN_IF_ERROR(SendLock(pipe, plan));
  MQCHAT_RETURN_IF_ERROR(SendKeyLookup(pipe, plan, shares_group_elsewhere_));
  MQCHAT_RETURN_IF_ERROR(SendTargetLookups(pipe, plan));     // only when the batch has events
  MQCHAT_RETURN_IF_ERROR(SendMentionLookup(pipe, plan));     // only when it has mentions
  MQCHAT_RETURN_IF_ERROR(SendAttachmentLookup(pipe, plan));  // only when it names attachments
  MQCHAT_RETURN_IF_ERROR(pipe.Flush());
  MQCHAT_RETURN_IF_ERROR(pipe.Next().status());  // BEGIN
  MQCHAT_RETURN_IF_ERROR(ReadLock(pipe, plan));
  MQCHAT_RETURN_IF_ERROR(ReadKeyLookup(pipe, plan));
  MQCHAT_RETURN_IF_ERROR(ReadTargetLookups(pipe, plan));
  MQCHAT_RETURN_IF_ERROR(ReadMentionLookup(pipe, plan));
  MQCHAT_RETURN_IF_ERROR(ReadAttachmentLookup(pipe, plan));
  MQCHAT_RETURN_IF_ERROR(LookUpLastMessages(pipe, plan));  // only when slow mode paces one
  MQCHAT_RETURN_IF_ERROR(plan.Decide());

  // Round trip 2: the writes, in the order they were made one by one, then COMMIT and a sync
  // point. The server skips everything after a failed statement, COMMIT included.
  const bool writes = !plan.new_indexes().empty();
  if (writes) {
    MQCHAT_RETURN_IF_ERROR(SendWrite(pipe, plan));
    MQCHAT_RETURN_IF_ERROR(SendChannelReads(pipe, plan));
    MQCHAT_RETURN_IF_ERROR(SendMessageMentions(pipe, plan));  // only when it has mentions
    MQCHAT_RETURN_IF_ERROR(SendAttachmentLinks(pipe, plan));  // only when it has attachments
    MQCHAT_RETURN_IF_ERROR(SendEffects(pipe, plan));          // one statement per event
    MQCHAT_RETURN_IF_ERROR(SendPushJobs(pipe, batch, plan, shard_));
    // A moderator's entry (mqchatctl, the admin API) has no broker to publish it: tell them
    // all (none in a broker's batches: no lock taken).
    MQCHAT_RETURN_IF_ERROR(SendNoticesPg(pipe, ModeratorEntryNotices(batch, plan)));
  }
  MQCHAT_RETURN_IF_ERROR(pipe.SendSql("COMMIT"));
  MQCHAT_RETURN_IF_ERROR(pipe.Sync());
  if (writes) {
    MQCHAT_RETURN_IF_ERROR(ReadWrite(pipe, plan));
    // The other writes answer nothing to read; the first that failed, if any, fails the batch.
    while (pipe.Unread() > 1) MQCHAT_RETURN_IF_ERROR(pipe.Next().status());
  }
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr commit, pipe.Next());
  if (std::strcmp(PQcmdStatus(commit.get()), "ROLLBACK") == 0) {
    return Status::Internal("COMMIT rolled back: the transaction had failed");
  }
  MQCHAT_RETURN_IF_ERROR(pipe.Finish());
  return plan.TakeResults();
}

}  // namespace mqchat::store
