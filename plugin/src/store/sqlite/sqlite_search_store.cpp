#include "store/sqlite/sqlite_search_store.h"

#include <algorithm>
#include <map>
#include <utility>

#include "store/attachments.h"
#include "store/sqlite/sqlite_search_file.h"
#include "store/sqlite/sqlite_search_sql.h"

namespace mqchat::store {
namespace {

namespace sql = sqlite_search_sql;

// "[1,2,3]": a term list as json_each reads it.
std::string JsonIntegers(const std::vector<int64_t>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(values[i]);
  }
  out += ']';
  return out;
}

SearchCandidate ReadCandidate(sqlite3_stmt* stmt) {
  SearchCandidate c;
  StoredMessage& m = c.message;
  m.conversation_id = ColumnInt64(stmt, 0);
  m.seq = ColumnInt64(stmt, 1);
  m.message_id = ColumnInt64(stmt, 2);
  m.sender = ColumnText(stmt, 3);
  m.client_msg_id = ColumnText(stmt, 4);
  m.text = ColumnText(stmt, 5);
  m.created_at_ms = ColumnInt64(stmt, 6);
  m.kind = EventKind::kMessage;
  m.target_seq = ColumnInt64(stmt, 7);
  m.edited_at_ms = ColumnInt64(stmt, 8);
  c.kind = ColumnInt64(stmt, 9) == static_cast<int64_t>(ConversationKind::kDirect)
               ? ConversationKind::kDirect
               : ConversationKind::kGroup;
  c.conversation_name = ColumnText(stmt, 10);
  m.attachments = ParseAttachmentsColumn(ColumnText(stmt, 11));  // as history shows them
  c.channel = ColumnInt64(stmt, 12) != 0;
  c.server_id = ColumnInt64(stmt, 13);
  c.server_name = ColumnText(stmt, 14);
  return c;
}

}  // namespace

Result<std::unique_ptr<SqliteSearchStore>> SqliteSearchStore::Create(SqliteDbPtr db) {
  if (db == nullptr) return Status::InvalidArgument("SqliteSearchStore needs a database");
  // The main file is only read here; the index file, attached, is written (without fsyncs).
  MQCHAT_RETURN_IF_ERROR(ExecSqlite(db.get(), "PRAGMA synchronous=NORMAL"));
  MQCHAT_RETURN_IF_ERROR(AttachSqliteSearchIndex(db.get()));
  std::unique_ptr<SqliteSearchStore> store(new SqliteSearchStore(std::move(db)));
  MQCHAT_RETURN_IF_ERROR(store->PrepareAll());
  return store;
}

Status SqliteSearchStore::PrepareAll() {
  const std::pair<SqliteStmtPtr*, const char*> all[] = {
      {&behind_, sql::kBehind},
      {&changes_, sql::kChanges},
      {&delete_postings_, sql::kDeletePostings},
      {&delete_doc_, sql::kDeleteDoc},
      {&indexable_, sql::kIndexable},
      {&insert_postings_, sql::kInsertPostings},
      {&upsert_doc_, sql::kUpsertDoc},
      {&progress_, sql::kProgress},
      {&is_member_, sql::kIsMember},
      {&count_all_, sql::kCountAll},
      {&count_in_, sql::kCountIn},
      {&candidates_all_, sql::kCandidatesAll},
      {&candidates_in_, sql::kCandidatesIn},
      {&candidates_all_channels_, sql::kCandidatesAllChannels},
      {&candidates_in_channel_, sql::kCandidatesInChannel},
  };
  for (const auto& [stmt, text] : all) {
    MQCHAT_ASSIGN_OR_RETURN(*stmt, PrepareSqlite(db_.get(), text));
  }
  return Status::Ok();
}

Result<std::vector<ConversationId>> SqliteSearchStore::ConversationsBehind(int limit) {
  std::vector<ConversationId> out;
  sqlite3_stmt* stmt = behind_.get();
  StmtReset reset(stmt);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, int64_t{limit}));
  while (has_row) {
    out.push_back(ColumnInt64(stmt, 0));
    MQCHAT_ASSIGN_OR_RETURN(has_row, StepSqlite(stmt));
  }
  return out;
}

Result<IndexChanges> SqliteSearchStore::ReadIndexChanges(ConversationId id, int limit) {
  IndexChanges out;
  std::map<int64_t, IndexSource> touched;  // by seq: a message edited twice is read once
  sqlite3_stmt* stmt = changes_.get();
  StmtReset reset(stmt);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, id, int64_t{limit}));
  while (has_row) {
    out.last_seq = ColumnInt64(stmt, 0);
    if (sqlite3_column_type(stmt, 1) != SQLITE_NULL) {
      IndexSource s;
      s.seq = ColumnInt64(stmt, 1);
      s.message_id = ColumnInt64(stmt, 2);
      s.text = ColumnText(stmt, 3);
      s.searchable = ColumnInt64(stmt, 4) == 0 && ColumnInt64(stmt, 5) == 0;
      touched[s.seq] = std::move(s);
    }
    MQCHAT_ASSIGN_OR_RETURN(has_row, StepSqlite(stmt));
  }
  for (auto& [seq, source] : touched) out.messages.push_back(std::move(source));
  return out;
}

Status SqliteSearchStore::WriteEntry(ConversationId id, const IndexEntry& entry) {
  MQCHAT_RETURN_IF_ERROR(BindAndRun(delete_postings_.get(), id, entry.seq));
  bool indexable = !entry.terms.empty();
  if (indexable) {
    sqlite3_stmt* stmt = indexable_.get();
    StmtReset reset(stmt);
    MQCHAT_ASSIGN_OR_RETURN(indexable, BindAndStep(stmt, id, entry.seq));
  }
  if (!indexable) return BindAndRun(delete_doc_.get(), id, entry.seq);
  const std::string terms = JsonIntegers(entry.terms);
  MQCHAT_RETURN_IF_ERROR(
      BindAndRun(insert_postings_.get(), id, entry.seq, entry.message_id, std::string_view(terms)));
  return BindAndRun(upsert_doc_.get(), id, entry.seq, entry.message_id, std::string_view(terms));
}

Status SqliteSearchStore::WriteIndex(ConversationId id, const std::vector<IndexEntry>& entries,
                                     int64_t indexed_seq) {
  // Deferred: it writes only the index file, so only that file's lock is taken, never the main
  // file's that the send writer needs. Its first statement writes the index file, so the lock
  // is held before the main file is first read (the retention sweep and erasure prune the
  // index after their commits, with that lock: sqlite_search_prune.h).
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get(), SqliteTxn::Lock::kDeferred));
  for (const IndexEntry& entry : entries) MQCHAT_RETURN_IF_ERROR(WriteEntry(id, entry));
  MQCHAT_RETURN_IF_ERROR(BindAndRun(progress_.get(), id, indexed_seq));
  return txn.Commit();
}

Result<bool> SqliteSearchStore::IsMember(ConversationId id, const std::string& user) {
  sqlite3_stmt* stmt = is_member_.get();
  StmtReset reset(stmt);
  return BindAndStep(stmt, id, std::string_view(user));
}

Result<int64_t> SqliteSearchStore::CountPostings(int64_t term, ConversationId id, int64_t cap) {
  sqlite3_stmt* stmt = id > 0 ? count_in_.get() : count_all_.get();
  StmtReset reset(stmt);
  MQCHAT_RETURN_IF_ERROR(BindAll(stmt, term, cap));
  if (id > 0) MQCHAT_RETURN_IF_ERROR(BindInt64(stmt, 3, id));
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt));
  return has_row ? ColumnInt64(stmt, 0) : 0;
}

Result<std::vector<SearchCandidate>> SqliteSearchStore::Candidates(const CandidateQuery& q) {
  const bool in_channel =
      q.conversation_id > 0 &&
      std::binary_search(q.channels.begin(), q.channels.end(), q.conversation_id);
  sqlite3_stmt* stmt = nullptr;
  if (q.conversation_id > 0) {
    stmt = in_channel ? candidates_in_channel_.get() : candidates_in_.get();
  } else {
    stmt = q.channels.empty() ? candidates_all_.get() : candidates_all_channels_.get();
  }
  StmtReset reset(stmt);
  const std::string others = JsonIntegers(q.others);
  MQCHAT_RETURN_IF_ERROR(BindAll(stmt, q.driver, std::string_view(q.user), q.before_message_id,
                                 std::string_view(q.sender), q.from_ms, q.to_ms,
                                 std::string_view(others), static_cast<int64_t>(q.others.size()),
                                 int64_t{q.limit}, q.conversation_id));
  const std::string channels = JsonIntegers(q.channels);
  if (stmt == candidates_all_channels_.get()) {
    MQCHAT_RETURN_IF_ERROR(BindText(stmt, 11, channels));
  }
  std::vector<SearchCandidate> out;
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt));
  while (has_row) {
    out.push_back(ReadCandidate(stmt));
    MQCHAT_ASSIGN_OR_RETURN(has_row, StepSqlite(stmt));
  }
  return out;
}

}  // namespace mqchat::store
