// PgPipeline: statements sent to PostgreSQL without waiting for each answer (libpq's pipeline
// mode), so a run of them costs one round trip at each Flush() or Sync() instead of one each.
// The server runs them in the order sent, each as if sent alone (in READ COMMITTED each sees
// what committed before it started); answers come back in that order. After a statement fails
// the server skips the rest up to the next sync point. Confined to the connection's thread.
#pragma once

#include <cstddef>
#include <deque>

#include "mqchat/status.h"
#include "store/pg/pg_handles.h"

namespace mqchat::store {

class PgPipeline {
 public:
  // Puts `conn` (ready: PgConnection::EnsureReady succeeded, no query in progress) into pipeline
  // mode; `conn` must outlive the pipeline.
  static Result<PgPipeline> Start(PgConnection& conn);
  // Leaves pipeline mode with the session usable: a sync point after whatever was sent since
  // the last one, every answer read, and a transaction the statements left open or failed
  // rolled back (as PgTxn's destructor does). A lost connection is left to EnsureReady; a
  // session that cannot be brought back is marked lost (PgConnection::MarkLost).
  ~PgPipeline();
  PgPipeline(PgPipeline&& other) noexcept;
  PgPipeline& operator=(PgPipeline&&) = delete;
  PgPipeline(const PgPipeline&) = delete;
  PgPipeline& operator=(const PgPipeline&) = delete;

  // Queues a statement prepared on the connection, or constant SQL run unprepared (BEGIN,
  // COMMIT, LOCK TABLE, rare statements). The parameters are copied. Fails only if libpq
  // cannot take it (kUnavailable: the connection is lost).
  Status Send(const PgStatement& stmt, const PgParams& params);
  Status SendSql(const char* sql, const PgParams& params = PgParams());
  // Sends everything queued and asks the server to send back its answers so far, without a
  // sync point: a transaction begun in the pipeline stays open.
  Status Flush();
  // Sends everything queued followed by a sync point.
  Status Sync();

  // The answer to the oldest statement sent whose answer was not read yet (waits for it).
  // A failure is mapped as PgResultToStatus maps it, with the statement's name; a statement
  // the server skipped after an earlier failure is kInternal. Past a sync point: kInternal.
  Result<PgResultPtr> Next();
  // Statements sent whose answers Next() has not returned yet.
  size_t Unread() const;
  // After Sync() and Next() for every statement before it: reads the sync point and leaves
  // pipeline mode. The destructor then has nothing left to do.
  Status Finish();

 private:
  struct Sent {
    const char* what;  // statement name or SQL (constants); null: a sync point
  };

  explicit PgPipeline(PgConnection& conn) : conn_(&conn) {}
  PGconn* pg() const { return conn_->get(); }
  Status SendFailed(const char* what) const;
  // Reads up to and including the next sync point; false if the session cannot be used.
  bool DrainToSync(PGconn* c);
  void Abandon();

  PgConnection* conn_;  // null once finished or moved from
  std::deque<Sent> sent_;
};

}  // namespace mqchat::store
