// RAII for libpq handles, prepared-statement helpers, and the one place libpq results become
// Status. Shared by every PostgreSQL store. A PGconn belongs to one thread at a time.
#pragma once

#include <libpq-fe.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mqchat/status.h"

namespace mqchat::store {

struct PgConnCloser {
  void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};
struct PgResultClearer {
  void operator()(PGresult* res) const noexcept { PQclear(res); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnCloser>;
using PgResultPtr = std::unique_ptr<PGresult, PgResultClearer>;

// A statement prepared once per connection: a unique name and constant SQL with $n params.
struct PgStatement {
  const char* name;
  const char* sql;
};

// Parameters for one execution, all sent as text except Bytes (binary, for bytea).
class PgPipeline;

class PgParams {
 public:
  PgParams& Text(std::string_view value);
  PgParams& Int(int64_t value);
  PgParams& Bytes(std::string_view value);
  PgParams& Null();
  int size() const { return static_cast<int>(values_.size()); }

 private:
  friend Result<PgResultPtr> ExecPrepared(PGconn* conn, const PgStatement& stmt,
                                          const PgParams& params);
  friend Result<PgResultPtr> ExecParams(PGconn* conn, const char* sql, const PgParams& params);
  friend class PgPipeline;
  // Pointers and lengths in the form libpq takes them; valid while *this is unchanged.
  std::vector<const char*> ValuePointers() const;
  std::vector<int> Lengths() const;

  std::vector<std::string> values_;
  std::vector<bool> is_null_;
  std::vector<int> formats_;  // 0 text, 1 binary
};

// Converts the outcome of a libpq call into Status, prefixed by `what`. `res` may be null
// (libpq ran out of memory or lost the connection). Connection loss, SQLSTATE class 08, 57P0x
// (shutdown), 53xxx (resources), 40001/40P01 (serialization, deadlock), 55P03 and 25006 (a
// read-only server: a standby, or a primary fenced or demoted during a failover) -> kUnavailable;
// 23505 unique_violation -> kAlreadyExists; any other failure -> kInternal.
Status PgResultToStatus(PGconn* conn, const PGresult* res, std::string_view what);

// Connects and sets synchronous_commit=on (commits are durable when they return) and
// enable_seqscan=off (every statement of the stores is an index probe; no plan cached while a
// table was nearly empty may scan it after it grew). A failed connection is
// kUnavailable with libpq's message. Server notices are dropped, not printed.
Result<PgConnPtr> ConnectPg(const std::string& conninfo);

// Applies the per-session settings ConnectPg applies; call again after PQreset.
Status ConfigurePgSession(PGconn* conn);

// Prepares `stmt` on `conn` (once per connection).
Status PreparePg(PGconn* conn, const PgStatement& stmt);

// A store's connection with the statements it prepares, kept usable across connection losses:
// EnsureReady() re-establishes a lost connection (PQreset, same conninfo), re-applies the
// session settings and prepares the statements again. A connection whose conninfo asks for
// target_session_attrs=read-write (or primary) counts as lost once its server reports the
// session read-only. Confined to one thread at a time.
class PgConnection {
 public:
  // Takes `conn` (not null) and prepares `statements` on it. The statements are constants and
  // must outlive the object. Fails as EnsureReady does.
  static Result<PgConnection> Create(PgConnPtr conn, std::vector<const PgStatement*> statements);

  // Call before each operation. If the connection was lost (the previous call failed with
  // kUnavailable, the server closed it while it was idle, or it is read-only where a read-write
  // server was asked for), tries once to reconnect:
  // kUnavailable if the server is still unreachable.
  // Then makes sure every statement is prepared on the current connection.
  Status EnsureReady();

  // Makes the next EnsureReady reconnect, as after a lost connection: for a session left in a
  // state no later operation could use (pg_pipeline.h).
  void MarkLost() { lost_ = true; }

  PGconn* get() const { return conn_.get(); }

 private:
  PgConnection(PgConnPtr conn, std::vector<const PgStatement*> statements, bool wants_read_write)
      : conn_(std::move(conn)),
        statements_(std::move(statements)),
        wants_read_write_(wants_read_write) {}

  PgConnPtr conn_;
  std::vector<const PgStatement*> statements_;
  size_t prepared_ = 0;  // statements_[0, prepared_) exist on the current connection
  bool wants_read_write_ = false;  // target_session_attrs read-write or primary
  bool lost_ = false;              // MarkLost() since the last reconnect
};

// Executes a statement prepared with PreparePg. Results come back in text format.
Result<PgResultPtr> ExecPrepared(PGconn* conn, const PgStatement& stmt, const PgParams& params);

// Runs constant SQL once, unprepared, with parameters (for statements run once per process,
// such as a migration's bookkeeping). Results come back in text format.
Result<PgResultPtr> ExecParams(PGconn* conn, const char* sql, const PgParams& params);

// Runs constant SQL text without parameters (transaction control, migration scripts).
Result<PgResultPtr> ExecPgSql(PGconn* conn, const char* sql);

// SQL written with SQLite's ?N parameters, as PostgreSQL's $N: every '?' becomes '$' (the shared
// statements use '?' for nothing else).
std::string PgPlaceholders(const char* sqlite_sql);

// Readers for text-format result cells.
std::string PgText(const PGresult* res, int row, int col);
Result<int64_t> PgInt64(const PGresult* res, int row, int col);
inline bool PgIsNull(const PGresult* res, int row, int col) {
  return PQgetisnull(res, row, col) != 0;
}

// A transaction: BEGIN on Begin(), ROLLBACK on destruction unless Commit() succeeded.
class PgTxn {
 public:
  static Result<PgTxn> Begin(PGconn* conn);
  ~PgTxn();
  PgTxn(PgTxn&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  PgTxn& operator=(PgTxn&&) = delete;
  PgTxn(const PgTxn&) = delete;
  PgTxn& operator=(const PgTxn&) = delete;

  // Commits. A COMMIT of an aborted transaction is reported as kInternal, not as success.
  Status Commit();

 private:
  explicit PgTxn(PGconn* conn) : conn_(conn) {}
  PGconn* conn_;  // null once committed or moved from
};

}  // namespace mqchat::store
