#include <chrono>
#include <string>

#include "store/pg/pg_handles.h"
#include "store/pg/pg_migrator.h"
#include "store/pg/pg_shard_directory.h"
#include "store/shard_move.h"

namespace mqchat::store {
namespace {

// A conversation's rows, parents first (copied in this order, deleted in the reverse).
// recent_sends (migration 028) moves too: a resend during or after the move is still known,
// and slow mode still sees the sender's last message.
// The search index (migration 014) moves too, its progress before its records (an indexer
// writing while the move copies leaves the new shard's progress behind its records, never ahead:
// the indexer there writes those again); search_postings is rebuilt from the records
// (RebuildPostings), as its key leads with the term.
constexpr const char* kTables[] = {
    "conversations",       "members", "messages",        "recent_sends", "reactions", "mentions",
    "message_attachments", "mutes",   "search_progress", "search_docs"};

std::string Where(ConversationId id) { return " WHERE conversation_id = " + std::to_string(id); }

Status Exec(PGconn* conn, const std::string& sql) { return ExecPgSql(conn, sql.c_str()).status(); }

// Copies `table`'s rows of `id` from `from` to `to` (COPY text format; both databases at the same
// schema version, so the same columns in the same order). Adds the rows copied to *rows.
Status CopyRows(PGconn* from, PGconn* to, const char* table, ConversationId id, int64_t* rows) {
  const std::string out = std::string("COPY (SELECT * FROM ") + table + Where(id) + ") TO STDOUT";
  const std::string in = std::string("COPY ") + table + " FROM STDIN";
  PgResultPtr started_out(PQexec(from, out.c_str()));
  if (PQresultStatus(started_out.get()) != PGRES_COPY_OUT) {
    return PgResultToStatus(from, started_out.get(), std::string("copy out ") + table);
  }
  PgResultPtr started_in(PQexec(to, in.c_str()));
  if (PQresultStatus(started_in.get()) != PGRES_COPY_IN) {
    return PgResultToStatus(to, started_in.get(), std::string("copy in ") + table);
  }
  while (true) {
    char* line = nullptr;
    const int len = PQgetCopyData(from, &line, 0);
    if (len < 0) break;  // -1: done; -2: failed (the result below says why)
    const int put = PQputCopyData(to, line, len);
    PQfreemem(line);
    if (put != 1) return PgResultToStatus(to, nullptr, std::string("copy in ") + table);
    ++*rows;
  }
  PgResultPtr done_out(PQgetResult(from));
  MQCHAT_RETURN_IF_ERROR(PgResultToStatus(from, done_out.get(), std::string("copy out ") + table));
  while (PgResultPtr extra{PQgetResult(from)}) {
  }
  if (PQputCopyEnd(to, nullptr) != 1) {
    return PgResultToStatus(to, nullptr, std::string("copy in ") + table);
  }
  PgResultPtr done_in(PQgetResult(to));
  MQCHAT_RETURN_IF_ERROR(PgResultToStatus(to, done_in.get(), std::string("copy in ") + table));
  while (PgResultPtr extra{PQgetResult(to)}) {
  }
  return Status::Ok();
}

// The postings of `id`'s indexed messages, from their records (search_docs): read by the key
// (term, conversation_id, message_id), where a WHERE conversation_id alone would scan them all.
Status RebuildPostings(PGconn* conn, ConversationId id) {
  return Exec(conn,
              "INSERT INTO search_postings (term, conversation_id, message_id, seq) "
              "SELECT unnest(terms), conversation_id, message_id, seq FROM search_docs" +
                  Where(id) + " ON CONFLICT DO NOTHING");
}

Status DeleteRows(PGconn* conn, ConversationId id) {
  MQCHAT_RETURN_IF_ERROR(Exec(conn,
                              "DELETE FROM search_postings p USING search_docs d WHERE "
                              "d.conversation_id = " +
                                  std::to_string(id) +
                                  " AND p.term = ANY (d.terms) AND p.conversation_id = "
                                  "d.conversation_id AND p.message_id = d.message_id"));
  for (int i = static_cast<int>(std::size(kTables)) - 1; i >= 0; --i) {
    MQCHAT_RETURN_IF_ERROR(Exec(conn, std::string("DELETE FROM ") + kTables[i] + Where(id)));
  }
  return Status::Ok();
}

Result<PgConnPtr> OpenShard(const StoreConfig& config, int shard) {
  MQCHAT_ASSIGN_OR_RETURN(PgConnPtr conn,
                          ConnectPg(config.pg_shards[static_cast<size_t>(shard)].conninfo));
  MQCHAT_RETURN_IF_ERROR(MigratePg(conn.get()));
  return conn;
}

}  // namespace

Result<ShardMove> MoveConversation(const StoreConfig& config, ConversationId id, int to) {
  if (config.backend != Backend::kPostgres || config.pg_shards.empty()) {
    return Status::InvalidArgument("the store has no shards (plugin_opt_pg_shards)");
  }
  if (to < 0 || static_cast<size_t>(to) >= config.pg_shards.size()) {
    return Status::InvalidArgument("there is no shard " + std::to_string(to) + " (0.." +
                                   std::to_string(config.pg_shards.size() - 1) + ")");
  }
  MQCHAT_ASSIGN_OR_RETURN(PgConnPtr global_conn, ConnectPg(config.pg_conninfo));
  MQCHAT_RETURN_IF_ERROR(MigratePg(global_conn.get()));
  MQCHAT_ASSIGN_OR_RETURN(PgShardDirectory directory,
                          PgShardDirectory::Create(std::move(global_conn)));
  MQCHAT_ASSIGN_OR_RETURN(std::optional<int> home, directory.Find(id));
  if (!home.has_value()) {
    return Status::NotFound("conversation " + std::to_string(id) +
                            " is not on a shard (conversations in the global database are not "
                            "moved)");
  }
  ShardMove move;
  move.from = *home;
  move.to = to;
  if (move.from == to) {
    return Status::InvalidArgument("conversation " + std::to_string(id) + " is on shard " +
                                   std::to_string(to) + " already");
  }
  if (static_cast<size_t>(move.from) >= config.pg_shards.size()) {
    return Status::FailedPrecondition("the directory names shard " + std::to_string(move.from) +
                                      ", which pg_shards does not list");
  }
  MQCHAT_ASSIGN_OR_RETURN(PgConnPtr from, OpenShard(config, move.from));
  MQCHAT_ASSIGN_OR_RETURN(PgConnPtr dest, OpenShard(config, to));

  MQCHAT_ASSIGN_OR_RETURN(PgTxn from_txn, PgTxn::Begin(from.get()));
  const auto locked = std::chrono::steady_clock::now();
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr row,
      ExecPgSql(from.get(),
                ("SELECT last_seq FROM conversations" + Where(id) + " FOR UPDATE").c_str()));
  if (PQntuples(row.get()) == 0) {
    return Status::NotFound("conversation " + std::to_string(id) + " is not on shard " +
                            std::to_string(move.from) + ", where the directory says it is");
  }
  MQCHAT_ASSIGN_OR_RETURN(move.last_seq, PgInt64(row.get(), 0, 0));
  {
    MQCHAT_ASSIGN_OR_RETURN(PgTxn dest_txn, PgTxn::Begin(dest.get()));
    MQCHAT_RETURN_IF_ERROR(DeleteRows(dest.get(), id));  // an interrupted move's copy
    for (const char* table : kTables) {
      MQCHAT_RETURN_IF_ERROR(CopyRows(from.get(), dest.get(), table, id, &move.rows));
    }
    MQCHAT_RETURN_IF_ERROR(RebuildPostings(dest.get(), id));
    MQCHAT_RETURN_IF_ERROR(dest_txn.Commit());
  }
  MQCHAT_RETURN_IF_ERROR(directory.Move(id, to));
  // From here the new shard is the conversation's. The old copy must go, or a broker that still
  // routes there would write into it: if the commit fails (the lock then ends with the old
  // session), it is deleted again on a new connection, a few times.
  Status deleted = DeleteRows(from.get(), id);
  if (deleted.ok()) deleted = from_txn.Commit();
  for (int attempt = 0; !deleted.ok() && attempt < 5; ++attempt) {
    auto again = OpenShard(config, move.from);
    deleted = again.ok() ? DeleteRows(again->get(), id) : again.status();
  }
  if (!deleted.ok()) {
    return deleted.WithContext("conversation " + std::to_string(id) + " moved to shard " +
                               std::to_string(to) + ", but its old rows on shard " +
                               std::to_string(move.from) + " could not be deleted");
  }
  move.locked_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - locked)
                       .count();
  return move;
}

}  // namespace mqchat::store
