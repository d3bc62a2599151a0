#include "store/pg/pg_search_store.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <map>
#include <utility>

#include "store/attachments.h"
#include "store/pg/pg_pipeline.h"
#include "store/pg/pg_search_sql.h"

namespace mqchat::store {
namespace {

namespace sql = pg_search_sql;

// "{1,2,3}": a bigint[] literal.
std::string PgIntegers(const std::vector<int64_t>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(values[i]);
  }
  out += '}';
  return out;
}

Result<SearchCandidate> ReadCandidate(const PGresult* res, int row) {
  SearchCandidate c;
  StoredMessage& m = c.message;
  MQCHAT_ASSIGN_OR_RETURN(m.conversation_id, PgInt64(res, row, 0));
  MQCHAT_ASSIGN_OR_RETURN(m.seq, PgInt64(res, row, 1));
  MQCHAT_ASSIGN_OR_RETURN(m.message_id, PgInt64(res, row, 2));
  m.sender = PgText(res, row, 3);
  m.client_msg_id = PgText(res, row, 4);
  m.text = PgText(res, row, 5);
  MQCHAT_ASSIGN_OR_RETURN(m.created_at_ms, PgInt64(res, row, 6));
  m.kind = EventKind::kMessage;
  MQCHAT_ASSIGN_OR_RETURN(m.target_seq, PgInt64(res, row, 7));
  MQCHAT_ASSIGN_OR_RETURN(m.edited_at_ms, PgInt64(res, row, 8));
  MQCHAT_ASSIGN_OR_RETURN(int64_t kind, PgInt64(res, row, 9));
  c.kind = kind == static_cast<int64_t>(ConversationKind::kDirect) ? ConversationKind::kDirect
                                                                   : ConversationKind::kGroup;
  c.conversation_name = PgText(res, row, 10);
  m.attachments = ParseAttachmentsColumn(PgText(res, row, 11));  // as history shows them
  MQCHAT_ASSIGN_OR_RETURN(int64_t channel, PgInt64(res, row, 12));
  c.channel = channel != 0;
  MQCHAT_ASSIGN_OR_RETURN(c.server_id, PgInt64(res, row, 13));
  c.server_name = PgText(res, row, 14);
  return c;
}

}  // namespace

Result<std::unique_ptr<PgSearchStore>> PgSearchStore::Create(PgConnPtr conn) {
  if (conn == nullptr) return Status::InvalidArgument("PgSearchStore needs a connection");
  MQCHAT_ASSIGN_OR_RETURN(
      PgConnection ready,
      PgConnection::Create(std::move(conn), {std::begin(sql::kAll), std::end(sql::kAll)}));
  return std::unique_ptr<PgSearchStore>(new PgSearchStore(std::move(ready)));
}

Result<PgResultPtr> PgSearchStore::Run(const PgStatement& stmt, const PgParams& params) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  return ExecPrepared(conn_.get(), stmt, params);
}

Result<std::vector<ConversationId>> PgSearchStore::ConversationsBehind(int limit) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Run(sql::kBehind, PgParams().Int(limit)));
  std::vector<ConversationId> out;
  for (int i = 0; i < PQntuples(res.get()); ++i) {
    MQCHAT_ASSIGN_OR_RETURN(ConversationId id, PgInt64(res.get(), i, 0));
    out.push_back(id);
  }
  return out;
}

Result<IndexChanges> PgSearchStore::ReadIndexChanges(ConversationId id, int limit) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Run(sql::kChanges, PgParams().Int(id).Int(limit)));
  const PGresult* r = res.get();
  IndexChanges out;
  std::map<int64_t, IndexSource> touched;  // by seq: a message edited twice is read once
  for (int i = 0; i < PQntuples(r); ++i) {
    MQCHAT_ASSIGN_OR_RETURN(out.last_seq, PgInt64(r, i, 0));
    if (PgIsNull(r, i, 1)) continue;
    IndexSource s;
    MQCHAT_ASSIGN_OR_RETURN(s.seq, PgInt64(r, i, 1));
    MQCHAT_ASSIGN_OR_RETURN(s.message_id, PgInt64(r, i, 2));
    s.text = PgText(r, i, 3);
    MQCHAT_ASSIGN_OR_RETURN(int64_t kind, PgInt64(r, i, 4));
    MQCHAT_ASSIGN_OR_RETURN(int64_t deleted_at_ms, PgInt64(r, i, 5));
    s.searchable = kind == 0 && deleted_at_ms == 0;
    touched[s.seq] = std::move(s);
  }
  for (auto& [seq, source] : touched) out.messages.push_back(std::move(source));
  return out;
}

Status PgSearchStore::WriteIndex(ConversationId id, const std::vector<IndexEntry>& entries,
                                 int64_t indexed_seq) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  std::vector<int64_t> seqs, emptied, terms, message_ids, term_seqs;
  for (const IndexEntry& e : entries) {
    seqs.push_back(e.seq);
    emptied.push_back(e.seq);  // each record is written again, if it may be (kWriteEntries)
    for (int64_t term : e.terms) {
      terms.push_back(term);
      message_ids.push_back(e.message_id);
      term_seqs.push_back(e.seq);
    }
  }
  // One round trip for the chunk (pipeline mode): on a loaded machine each wait for the
  // server cost more than the statement it waited for.
  MQCHAT_ASSIGN_OR_RETURN(PgPipeline pipe, PgPipeline::Start(conn_));
  MQCHAT_RETURN_IF_ERROR(pipe.SendSql("BEGIN"));
  // The index is derived from the messages, and a chunk's progress commits with its postings:
  // a crash that loses the last chunks' commits only leaves them to be indexed again. Waiting
  // for each commit's WAL flush made the flush part of the indexer's pace (one per
  // conversation).
  MQCHAT_RETURN_IF_ERROR(pipe.SendSql("SET LOCAL synchronous_commit = off"));
  // Before anything is read: a retention batch or an erasure of this conversation either has
  // committed (the messages are gone) or waits for this chunk's commit (pg_search_sql.h).
  MQCHAT_RETURN_IF_ERROR(pipe.Send(sql::kLockIndexShared, PgParams().Int(id)));
  if (!seqs.empty()) {
    MQCHAT_RETURN_IF_ERROR(pipe.Send(
        sql::kDeleteEntries, PgParams().Int(id).Text(PgIntegers(seqs)).Text(PgIntegers(emptied))));
  }
  if (!terms.empty()) {
    MQCHAT_RETURN_IF_ERROR(pipe.Send(sql::kWriteEntries, PgParams()
                                                             .Int(id)
                                                             .Text(PgIntegers(terms))
                                                             .Text(PgIntegers(message_ids))
                                                             .Text(PgIntegers(term_seqs))));
  }
  MQCHAT_RETURN_IF_ERROR(pipe.Send(sql::kProgress, PgParams().Int(id).Int(indexed_seq)));
  MQCHAT_RETURN_IF_ERROR(pipe.SendSql("COMMIT"));
  MQCHAT_RETURN_IF_ERROR(pipe.Sync());
  while (pipe.Unread() > 1) MQCHAT_RETURN_IF_ERROR(pipe.Next().status());
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr commit, pipe.Next());
  if (std::strcmp(PQcmdStatus(commit.get()), "ROLLBACK") == 0) {
    return Status::Internal("COMMIT rolled back: the transaction had failed");
  }
  return pipe.Finish();
}

Result<bool> PgSearchStore::IsMember(ConversationId id, const std::string& user) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Run(sql::kIsMember, PgParams().Int(id).Text(user)));
  return PQntuples(res.get()) > 0;
}

Result<int64_t> PgSearchStore::CountPostings(int64_t term, ConversationId id, int64_t cap) {
  PgParams params;
  params.Int(term).Int(cap);
  if (id > 0) params.Int(id);
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Run(id > 0 ? sql::kCountIn : sql::kCountAll, params));
  return PgInt64(res.get(), 0, 0);
}

Result<std::vector<SearchCandidate>> PgSearchStore::Candidates(const CandidateQuery& q) {
  PgParams params;
  params.Int(q.driver).Text(q.user).Int(q.before_message_id).Text(q.sender).Int(q.from_ms);
  params.Int(q.to_ms).Text(PgIntegers(q.others)).Int(static_cast<int64_t>(q.others.size()));
  params.Int(q.limit).Int(q.conversation_id);
  const PgStatement* stmt = &sql::kCandidatesAll;
  if (q.conversation_id > 0) {
    const bool in_channel =
        std::binary_search(q.channels.begin(), q.channels.end(), q.conversation_id);
    stmt = in_channel ? &sql::kCandidatesInChannel : &sql::kCandidatesIn;
  } else if (!q.channels.empty()) {
    stmt = &sql::kCandidatesAllChannels;
    params.Text(PgIntegers(q.channels));
  }
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Run(*stmt, params));
  std::vector<SearchCandidate> out;
  for (int i = 0; i < PQntuples(res.get()); ++i) {
    MQCHAT_ASSIGN_OR_RETURN(SearchCandidate c, ReadCandidate(res.get(), i));
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace mqchat::store
