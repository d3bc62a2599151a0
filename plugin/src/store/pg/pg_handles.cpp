#include "store/pg/pg_handles.h"

#include <poll.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "metrics/instruments.h"

namespace mqchat::store {
namespace {

void DropNotice(void* /*arg*/, const char* /*message*/) {}

// libpq messages end with a newline; Status messages do not.
std::string Trimmed(const char* text) {
  std::string s = text != nullptr ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
    s.pop_back();
  }
  return s;
}

bool IsRetryableSqlState(std::string_view state) {
  if (state.size() != 5) {
    return false;
  }
  const std::string_view cls = state.substr(0, 2);
  return cls == "08"           // connection exception
         || cls == "53"        // insufficient resources (too many connections, disk full)
         || state == "57P01"   // admin_shutdown
         || state == "57P02"   // crash_shutdown
         || state == "57P03"   // cannot_connect_now (starting up, shutting down)
         || state == "40001"   // serialization_failure
         || state == "40P01"   // deadlock_detected
         || state == "55P03"   // lock_not_available
         || state == "25006";  // read_only_sql_transaction: a standby, or a fenced primary
}

// An idle connection may have been closed by the server meanwhile (a restart, a failover, an
// idle timeout); libpq only notices when it next reads, so the next operation would fail. The
// server never speaks first to an idle connection of ours but to say goodbye (a FATAL error,
// then end of file): anything readable while idle means it is gone. One poll, never blocks.
bool ClosedWhileIdle(PGconn* conn) {
  if (PQtransactionStatus(conn) != PQTRANS_IDLE) return false;
  pollfd pfd{PQsocket(conn), POLLIN, 0};
  return PQsocket(conn) < 0 || ::poll(&pfd, 1, 0) != 0;
}

// The server reports (PostgreSQL 14+, on every change) whether this session is read-only: a
// standby (in_hot_standby) or default_transaction_read_only (a primary fenced by the operator or
// the failover manager). Read from libpq's copy: no round trip.
bool SessionReadOnly(PGconn* conn) {
  const char* standby = PQparameterStatus(conn, "in_hot_standby");
  const char* read_only = PQparameterStatus(conn, "default_transaction_read_only");
  return (standby != nullptr && std::strcmp(standby, "on") == 0) ||
         (read_only != nullptr && std::strcmp(read_only, "on") == 0);
}

// True if the conninfo asks for a server that accepts writes (target_session_attrs read-write
// or primary): a session that became read-only then no longer meets it.
bool WantsReadWrite(PGconn* conn) {
  PQconninfoOption* opts = PQconninfo(conn);
  bool wants = false;
  for (PQconninfoOption* o = opts; o != nullptr && o->keyword != nullptr; ++o) {
    if (std::strcmp(o->keyword, "target_session_attrs") == 0 && o->val != nullptr) {
      wants = std::strcmp(o->val, "read-write") == 0 || std::strcmp(o->val, "primary") == 0;
    }
  }
  PQconninfoFree(opts);
  return wants;
}

}  // namespace

PgParams& PgParams::Text(std::string_view value) {
  values_.emplace_back(value);
  is_null_.push_back(false);
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::Int(int64_t value) { return Text(std::to_string(value)); }

PgParams& PgParams::Bytes(std::string_view value) {
  values_.emplace_back(value);
  is_null_.push_back(false);
  formats_.push_back(1);
  return *this;
}

PgParams& PgParams::Null() {
  values_.emplace_back();
  is_null_.push_back(true);
  formats_.push_back(0);
  return *this;
}

Status PgResultToStatus(PGconn* conn, const PGresult* res, std::string_view what) {
  const ExecStatusType st = res != nullptr ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_SINGLE_TUPLE ||
      st == PGRES_EMPTY_QUERY) {
    return Status::Ok();
  }
  std::string msg(what);
  msg += ": ";
  const char* detail = res != nullptr ? PQresultErrorMessage(res) : nullptr;
  if (detail == nullptr || *detail == '\0') {
    detail = PQerrorMessage(conn);
  }
  msg += Trimmed(detail);
  const char* sqlstate = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view state = sqlstate != nullptr ? sqlstate : "";
  if (!state.empty()) {
    msg += " (SQLSTATE ";
    msg += state;
    msg += ")";
  }
  if (PQstatus(conn) == CONNECTION_BAD || IsRetryableSqlState(state)) {
    return Status::Unavailable(std::move(msg));
  }
  if (state == "23505") {
    return Status::AlreadyExists(std::move(msg));
  }
  return Status::Internal(std::move(msg));
}

Result<PgConnPtr> ConnectPg(const std::string& conninfo) {
  PgConnPtr conn(PQconnectdb(conninfo.c_str()));  // an object even on failure: wrap it first
  if (conn == nullptr) {
    return Status::Unavailable("connect to PostgreSQL: out of memory");
  }
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return Status::Unavailable("connect to PostgreSQL: " + Trimmed(PQerrorMessage(conn.get())));
  }
  // Notices (e.g. "relation already exists, skipping") would otherwise go to stderr.
  PQsetNoticeProcessor(conn.get(), &DropNotice, nullptr);
  MQCHAT_RETURN_IF_ERROR(ConfigurePgSession(conn.get()));
  return conn;
}

Status ConfigurePgSession(PGconn* conn) {
  // synchronous_commit: explicit, so a server or role default of "off" or "local" cannot
  // weaken our durability.
  // enable_seqscan=off: by default a prepared statement switches to a generic plan after five
  // executions and keeps it until the next ANALYZE. On a fresh database that plan is made
  // while the tables are nearly empty, where a sequential scan is cheapest, and it outlives
  // their growth (measured: the append lookup read all of `messages` on every batch, 9 ms per
  // 32-message batch at 42k rows instead of 2, growing with the table). Every statement the
  // stores run is meant to be an index probe, so scans are priced out: a generic plan made on
  // an empty table still probes the index, and plans stay cached (forcing custom plans
  // instead cost ~0.2 ms of planning per statement, doubling the median send latency). A
  // statement with no index to use still scans.
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res, ExecPgSql(conn, "SET synchronous_commit = on; SET enable_seqscan = off"));
  return Status::Ok();
}

Status PreparePg(PGconn* conn, const PgStatement& stmt) {
  PgResultPtr res(PQprepare(conn, stmt.name, stmt.sql, 0, nullptr));
  return PgResultToStatus(conn, res.get(), std::string("prepare ") + stmt.name);
}

Result<PgConnection> PgConnection::Create(PgConnPtr conn,
                                          std::vector<const PgStatement*> statements) {
  if (conn == nullptr) {
    return Status::InvalidArgument("PgConnection needs a connection");
  }
  const bool wants_read_write = WantsReadWrite(conn.get());
  PgConnection ready(std::move(conn), std::move(statements), wants_read_write);
  MQCHAT_RETURN_IF_ERROR(ready.EnsureReady());
  return ready;
}

Status PgConnection::EnsureReady() {
  PGconn* conn = conn_.get();
  // Lost in a previous call, closed by the server while idle, or on a server that no longer
  // accepts writes (after a failover) although the conninfo asks for one: reconnected here, which
  // walks the conninfo's hosts again, instead of failing this operation.
  if (lost_ || PQstatus(conn) != CONNECTION_OK || ClosedWhileIdle(conn) ||
      (wants_read_write_ && SessionReadOnly(conn))) {
    lost_ = false;
    prepared_ = 0;  // a new session has none of the old one's statements
    PQreset(conn);
    if (PQstatus(conn) != CONNECTION_OK) {
      return Status::Unavailable("reconnect to PostgreSQL: " + Trimmed(PQerrorMessage(conn)));
    }
    MQCHAT_RETURN_IF_ERROR(ConfigurePgSession(conn));
    metrics::Get().store_reconnects.Inc();
  }
  // Resumes where a failed earlier attempt stopped: preparing a name twice is an error.
  for (; prepared_ < statements_.size(); ++prepared_) {
    MQCHAT_RETURN_IF_ERROR(PreparePg(conn, *statements_[prepared_]));
  }
  return Status::Ok();
}

std::vector<const char*> PgParams::ValuePointers() const {
  std::vector<const char*> out(values_.size());
  for (size_t i = 0; i < values_.size(); ++i) {
    out[i] = is_null_[i] ? nullptr : values_[i].data();
  }
  return out;
}

std::vector<int> PgParams::Lengths() const {
  std::vector<int> out(values_.size());
  for (size_t i = 0; i < values_.size(); ++i) {
    out[i] = static_cast<int>(values_[i].size());
  }
  return out;
}

Result<PgResultPtr> ExecPrepared(PGconn* conn, const PgStatement& stmt, const PgParams& params) {
  const std::vector<const char*> values = params.ValuePointers();
  const std::vector<int> lengths = params.Lengths();
  PgResultPtr res(PQexecPrepared(conn, stmt.name, params.size(), values.data(), lengths.data(),
                                 params.formats_.data(), /*resultFormat=*/0));
  MQCHAT_RETURN_IF_ERROR(PgResultToStatus(conn, res.get(), stmt.name));
  return res;
}

Result<PgResultPtr> ExecParams(PGconn* conn, const char* sql, const PgParams& params) {
  const std::vector<const char*> values = params.ValuePointers();
  const std::vector<int> lengths = params.Lengths();
  PgResultPtr res(PQexecParams(conn, sql, params.size(), /*paramTypes=*/nullptr, values.data(),
                               lengths.data(), params.formats_.data(), /*resultFormat=*/0));
  MQCHAT_RETURN_IF_ERROR(
      PgResultToStatus(conn, res.get(), "exec \"" + std::string(sql).substr(0, 60) + "\""));
  return res;
}

Result<PgResultPtr> ExecPgSql(PGconn* conn, const char* sql) {
  PgResultPtr res(PQexec(conn, sql));
  MQCHAT_RETURN_IF_ERROR(
      PgResultToStatus(conn, res.get(), "exec \"" + std::string(sql).substr(0, 60) + "\""));
  return res;
}

std::string PgPlaceholders(const char* sqlite_sql) {
  std::string out(sqlite_sql);
  for (char& c : out) {
    if (c == '?') c = '$';
  }
  return out;
}

std::string PgText(const PGresult* res, int row, int col) {
  return std::string(PQgetvalue(res, row, col), static_cast<size_t>(PQgetlength(res, row, col)));
}

Result<int64_t> PgInt64(const PGresult* res, int row, int col) {
  const char* text = PQgetvalue(res, row, col);
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0') {
    return Status::Internal(std::string("not an integer in column ") + PQfname(res, col) + ": " +
                            text);
  }
  return static_cast<int64_t>(v);
}

Result<PgTxn> PgTxn::Begin(PGconn* conn) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, ExecPgSql(conn, "BEGIN"));
  return PgTxn(conn);
}

PgTxn::~PgTxn() {
  if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK &&
      PQtransactionStatus(conn_) != PQTRANS_IDLE) {
    PgResultPtr ignored(PQexec(conn_, "ROLLBACK"));
  }
}

Status PgTxn::Commit() {
  if (conn_ == nullptr) {
    return Status::Internal("PgTxn::Commit on a finished transaction");
  }
  PGconn* conn = conn_;
  conn_ = nullptr;  // COMMIT ends the transaction whatever its outcome
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, ExecPgSql(conn, "COMMIT"));
  if (std::strcmp(PQcmdStatus(res.get()), "ROLLBACK") == 0) {
    return Status::Internal("COMMIT rolled back: the transaction had failed");
  }
  return Status::Ok();
}

}  // namespace mqchat::store
