#include "store/pg/pg_pipeline.h"

#include <string>
#include <utility>
#include <vector>

namespace mqchat::store {

Result<PgPipeline> PgPipeline::Start(PgConnection& conn) {
  if (PQenterPipelineMode(conn.get()) != 1) {
    return PgResultToStatus(conn.get(), nullptr, "enter pipeline mode");
  }
  return PgPipeline(conn);
}

PgPipeline::PgPipeline(PgPipeline&& other) noexcept
    : conn_(other.conn_), sent_(std::move(other.sent_)) {
  other.conn_ = nullptr;
}

PgPipeline::~PgPipeline() { Abandon(); }

Status PgPipeline::SendFailed(const char* what) const {
  // PQerrorMessage says why; a lost connection is kUnavailable.
  return PgResultToStatus(pg(), nullptr, std::string("send ") + what);
}

Status PgPipeline::Send(const PgStatement& stmt, const PgParams& params) {
  const std::vector<const char*> values = params.ValuePointers();
  const std::vector<int> lengths = params.Lengths();
  if (PQsendQueryPrepared(pg(), stmt.name, params.size(), values.data(), lengths.data(),
                          params.formats_.data(), /*resultFormat=*/0) != 1) {
    return SendFailed(stmt.name);
  }
  sent_.push_back({stmt.name});
  return Status::Ok();
}

Status PgPipeline::SendSql(const char* sql, const PgParams& params) {
  const std::vector<const char*> values = params.ValuePointers();
  const std::vector<int> lengths = params.Lengths();
  // The extended protocol (PQsendQueryParams) even without parameters: pipeline mode has no
  // simple-query messages.
  if (PQsendQueryParams(pg(), sql, params.size(), /*paramTypes=*/nullptr, values.data(),
                        lengths.data(), params.formats_.data(), /*resultFormat=*/0) != 1) {
    return SendFailed(sql);
  }
  sent_.push_back({sql});
  return Status::Ok();
}

Status PgPipeline::Flush() {
  // The server buffers its answers until a sync point or a flush request; libpq buffers what
  // was queued until PQflush (blocking mode: it returns once everything is written, reading
  // the server's answers meanwhile if the socket fills up, so neither side waits on the other).
  if (PQsendFlushRequest(pg()) != 1 || PQflush(pg()) != 0) {
    return SendFailed("flush request");
  }
  return Status::Ok();
}

Status PgPipeline::Sync() {
  if (PQpipelineSync(pg()) != 1) {  // also flushes
    return SendFailed("sync");
  }
  sent_.push_back({nullptr});
  return Status::Ok();
}

size_t PgPipeline::Unread() const {
  size_t n = 0;
  while (n < sent_.size() && sent_[n].what != nullptr) ++n;
  return n;
}

Result<PgResultPtr> PgPipeline::Next() {
  if (conn_ == nullptr || sent_.empty() || sent_.front().what == nullptr) {
    return Status::Internal("PgPipeline::Next: no statement's answer is pending");
  }
  const char* what = sent_.front().what;
  sent_.pop_front();
  PgResultPtr res(PQgetResult(pg()));
  if (res == nullptr) {
    return PgResultToStatus(pg(), nullptr, what);  // lost, or out of step with libpq
  }
  if (PQstatus(pg()) == CONNECTION_OK) {
    // Each statement's answers end with a null result (it does not wait for the server).
    PgResultPtr end(PQgetResult(pg()));
    if (end != nullptr) {
      return Status::Internal(std::string(what) + ": more than one result in a pipeline");
    }
  }
  if (PQresultStatus(res.get()) == PGRES_PIPELINE_ABORTED) {
    return Status::Internal(std::string(what) +
                            ": not run: an earlier statement of the pipeline failed");
  }
  MQCHAT_RETURN_IF_ERROR(PgResultToStatus(pg(), res.get(), what));
  return res;
}

Status PgPipeline::Finish() {
  if (conn_ == nullptr || sent_.empty() || sent_.front().what != nullptr || sent_.size() > 1) {
    return Status::Internal("PgPipeline::Finish: answers unread, or no sync point sent");
  }
  sent_.pop_front();
  PgResultPtr res(PQgetResult(pg()));
  if (res == nullptr) {
    return PgResultToStatus(pg(), nullptr, "pipeline sync");
  }
  if (PQresultStatus(res.get()) != PGRES_PIPELINE_SYNC) {
    return Status::Internal(std::string("pipeline sync: unexpected ") +
                            PQresStatus(PQresultStatus(res.get())));
  }
  if (PQexitPipelineMode(pg()) != 1) {
    return PgResultToStatus(pg(), nullptr, "exit pipeline mode");
  }
  conn_ = nullptr;
  return Status::Ok();
}

bool PgPipeline::DrainToSync(PGconn* c) {
  while (!sent_.empty()) {
    const bool sync = sent_.front().what == nullptr;
    sent_.pop_front();
    PgResultPtr res(PQgetResult(c));
    if (res == nullptr || PQstatus(c) != CONNECTION_OK) return false;
    if (sync) return PQresultStatus(res.get()) == PGRES_PIPELINE_SYNC;
    PgResultPtr end(PQgetResult(c));
    if (end != nullptr) return false;
  }
  return false;  // no sync point was sent
}

void PgPipeline::Abandon() {
  if (conn_ == nullptr) return;
  PgConnection& conn = *conn_;
  conn_ = nullptr;
  PGconn* c = conn.get();
  // A lost connection: EnsureReady's PQreset also takes it out of pipeline mode.
  if (PQstatus(c) != CONNECTION_OK) return;
  // Statements sent after the last sync point need one: after a failure the server skips
  // everything up to it, and libpq answers nothing else until it has its answer.
  if (!sent_.empty() && sent_.back().what != nullptr) {
    if (PQpipelineSync(c) != 1) {
      conn.MarkLost();
      return;
    }
    sent_.push_back({nullptr});
  }
  while (!sent_.empty()) {
    if (!DrainToSync(c)) {
      conn.MarkLost();
      return;
    }
  }
  if (PQexitPipelineMode(c) != 1) {
    conn.MarkLost();
    return;
  }
  // A BEGIN that ran and no COMMIT (or a failed statement after it) leaves the transaction
  // open, or aborted: a sync point does not end an explicit transaction.
  if (PQtransactionStatus(c) != PQTRANS_IDLE) {
    PgResultPtr ignored(PQexec(c, "ROLLBACK"));
    if (PQtransactionStatus(c) != PQTRANS_IDLE) conn.MarkLost();
  }
}

}  // namespace mqchat::store
