// PostgreSQL side of bulk.h, with libpq: COPY in text format. The index build reads the
// messages through a cursor in one REPEATABLE READ snapshot and writes through two more
// connections at once (a connection carries one COPY at a time): one for search_postings, one
// for search_docs and search_progress.
#include <libpq-fe.h>

#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "bulk.h"
#include "search/indexer.h"

namespace mqchat::bench {
namespace {

struct ConnClose {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultClear {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Conn = std::unique_ptr<PGconn, ConnClose>;
using PgResult = std::unique_ptr<PGresult, ResultClear>;

Status Error(PGconn* c, const std::string& what) {
  return Status::Internal(what + ": " + PQerrorMessage(c));
}

Result<Conn> Connect(const std::string& conninfo) {
  Conn c(PQconnectdb(conninfo.c_str()));
  if (PQstatus(c.get()) != CONNECTION_OK) return Error(c.get(), "connect");
  return Result<Conn>(std::move(c));
}

// Runs `sql`; the rows when it returns some.
Result<PgResult> Exec(PGconn* c, const std::string& sql) {
  PgResult r(PQexec(c, sql.c_str()));
  const ExecStatusType s = PQresultStatus(r.get());
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) return Error(c, sql.substr(0, 120));
  return Result<PgResult>(std::move(r));
}

Status Run(PGconn* c, const std::string& sql) { return Exec(c, sql).status(); }

// One COPY ... FROM STDIN on a connection: rows appended as text, sent in large pieces.
class CopyIn {
 public:
  explicit CopyIn(PGconn* c) : c_(c) {}
  Status Start(const std::string& sql) {
    PgResult r(PQexec(c_, sql.c_str()));
    if (PQresultStatus(r.get()) != PGRES_COPY_IN) return Error(c_, sql);
    return Status::Ok();
  }
  std::string& buffer() { return buf_; }
  Status MaybeFlush() { return buf_.size() >= (1 << 20) ? Flush() : Status::Ok(); }
  Status Finish() {
    MQCHAT_RETURN_IF_ERROR(Flush());
    if (PQputCopyEnd(c_, nullptr) != 1) return Error(c_, "COPY end");
    PgResult r(PQgetResult(c_));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return Error(c_, "COPY");
    while (PGresult* more = PQgetResult(c_)) PQclear(more);
    return Status::Ok();
  }

 private:
  Status Flush() {
    if (!buf_.empty() && PQputCopyData(c_, buf_.data(), static_cast<int>(buf_.size())) != 1) {
      return Error(c_, "COPY data");
    }
    buf_.clear();
    return Status::Ok();
  }
  PGconn* c_;
  std::string buf_;
};

// A text field of COPY's text format.
void AppendEscaped(std::string* out, const std::string& text) {
  for (char ch : text) {
    switch (ch) {
      case '\\':
        *out += "\\\\";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      default:
        *out += ch;
    }
  }
}

template <typename... V>
void AppendRow(std::string* out, const V&... values) {
  int i = 0;
  auto field = [&](const auto& v) {
    if (i++ > 0) *out += '\t';
    if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) {
      AppendEscaped(out, v);
    } else {
      *out += std::to_string(v);
    }
  };
  (field(values), ...);
  *out += '\n';
}

std::string PgIntegers(const std::vector<int64_t>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(values[i]);
  }
  return out + "}";
}

}  // namespace

Status LoadPostgres(const std::string& conninfo, const CorpusSpec& spec) {
  MQCHAT_ASSIGN_OR_RETURN(Conn conn, Connect(conninfo));
  PGconn* c = conn.get();
  MQCHAT_RETURN_IF_ERROR(Run(c, "SET synchronous_commit = off"));
  MQCHAT_RETURN_IF_ERROR(Run(c, "BEGIN"));
  CopyIn copy(c);
  Status failed;
  const int64_t last_round = (spec.PerConversation() - 1) * spec.conversations;
  MQCHAT_RETURN_IF_ERROR(
      copy.Start("COPY conversations (conversation_id, kind, name, last_seq, member_count, "
                 "last_activity_ms, created_by, created_at_ms) FROM STDIN"));
  ForEachConversation(spec, [&](const ConversationRow& r) {
    AppendRow(&copy.buffer(), r.id, 2, "c" + std::to_string(r.id), r.last_seq, r.member_count,
              last_round + r.id, r.created_by, 0);
    if (failed.ok()) failed = copy.MaybeFlush();
  });
  MQCHAT_RETURN_IF_ERROR(failed);
  MQCHAT_RETURN_IF_ERROR(copy.Finish());
  MQCHAT_RETURN_IF_ERROR(copy.Start(
      "COPY members (conversation_id, username, role, read_seq, joined_at_ms) FROM STDIN"));
  ForEachMember(spec, [&](const MemberRow& r) {
    AppendRow(&copy.buffer(), r.conversation_id, r.username, r.role, 0, 0);
    if (failed.ok()) failed = copy.MaybeFlush();
  });
  MQCHAT_RETURN_IF_ERROR(failed);
  MQCHAT_RETURN_IF_ERROR(copy.Finish());
  MQCHAT_RETURN_IF_ERROR(
      copy.Start("COPY messages (conversation_id, seq, message_id, sender, client_msg_id, body, "
                 "created_at_ms) FROM STDIN"));
  ForEachMessage(spec, [&](const MessageRow& r) {
    AppendRow(&copy.buffer(), r.conversation_id, r.seq, r.message_id, r.sender, r.client_msg_id,
              r.text, r.message_id);
    if (failed.ok()) failed = copy.MaybeFlush();
  });
  MQCHAT_RETURN_IF_ERROR(failed);
  MQCHAT_RETURN_IF_ERROR(copy.Finish());
  MQCHAT_RETURN_IF_ERROR(Run(c, "COMMIT"));
  // As tables that have lived a while: statistics, and the visibility map set (index-only
  // scans then skip the heap).
  return Run(c, "VACUUM (ANALYZE) conversations, members, messages");
}

Result<IndexStats> IndexPostgres(const std::string& conninfo) {
  MQCHAT_ASSIGN_OR_RETURN(Conn reader, Connect(conninfo));
  MQCHAT_ASSIGN_OR_RETURN(Conn pconn, Connect(conninfo));
  MQCHAT_ASSIGN_OR_RETURN(Conn dconn, Connect(conninfo));
  PGconn* r = reader.get();
  PGconn* p = pconn.get();
  PGconn* d = dconn.get();
  MQCHAT_RETURN_IF_ERROR(Run(r, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  // Progress as of this snapshot: what is written after it is the indexer's.
  MQCHAT_ASSIGN_OR_RETURN(PgResult progress,
                          Exec(r, "SELECT conversation_id, last_seq FROM conversations"));
  for (PGconn* w : {p, d}) {
    MQCHAT_RETURN_IF_ERROR(Run(w, "SET synchronous_commit = off"));
    MQCHAT_RETURN_IF_ERROR(Run(w, "SET maintenance_work_mem = '2GB'"));
    MQCHAT_RETURN_IF_ERROR(Run(w, "BEGIN"));
  }
  MQCHAT_RETURN_IF_ERROR(Run(p, "TRUNCATE search_postings"));
  MQCHAT_RETURN_IF_ERROR(
      Run(p, "ALTER TABLE search_postings DROP CONSTRAINT search_postings_pkey"));
  MQCHAT_RETURN_IF_ERROR(Run(d, "TRUNCATE search_docs, search_progress"));
  MQCHAT_RETURN_IF_ERROR(Run(d, "ALTER TABLE search_docs DROP CONSTRAINT search_docs_pkey"));
  CopyIn postings(p);
  CopyIn docs(d);
  MQCHAT_RETURN_IF_ERROR(
      postings.Start("COPY search_postings (term, conversation_id, message_id, seq) FROM STDIN"));
  MQCHAT_RETURN_IF_ERROR(
      docs.Start("COPY search_docs (conversation_id, seq, message_id, terms) FROM STDIN"));
  MQCHAT_RETURN_IF_ERROR(
      Run(r,
          "DECLARE bulk NO SCROLL CURSOR FOR SELECT conversation_id, seq, message_id, body "
          "FROM messages WHERE kind = 0 AND deleted_at_ms = 0"));
  IndexStats stats;
  for (;;) {
    MQCHAT_ASSIGN_OR_RETURN(PgResult rows, Exec(r, "FETCH FORWARD 20000 FROM bulk"));
    const int n = PQntuples(rows.get());
    if (n == 0) break;
    store::IndexChanges batch;
    std::vector<int64_t> conversations;  // of each message of the batch
    batch.messages.reserve(n);
    conversations.reserve(n);
    for (int i = 0; i < n; ++i) {
      store::IndexSource m;
      conversations.push_back(std::stoll(PQgetvalue(rows.get(), i, 0)));
      m.seq = std::stoll(PQgetvalue(rows.get(), i, 1));
      m.message_id = std::stoll(PQgetvalue(rows.get(), i, 2));
      m.text = PQgetvalue(rows.get(), i, 3);
      m.searchable = true;
      batch.messages.push_back(std::move(m));
    }
    const std::vector<store::IndexEntry> entries = search::EntriesFor(batch);
    for (size_t i = 0; i < entries.size(); ++i) {
      const store::IndexEntry& e = entries[i];
      if (e.terms.empty()) continue;
      ++stats.messages;
      stats.postings += static_cast<int64_t>(e.terms.size());
      AppendRow(&docs.buffer(), conversations[i], e.seq, e.message_id, PgIntegers(e.terms));
      for (int64_t term : e.terms) {
        AppendRow(&postings.buffer(), term, conversations[i], e.message_id, e.seq);
      }
    }
    MQCHAT_RETURN_IF_ERROR(postings.MaybeFlush());
    MQCHAT_RETURN_IF_ERROR(docs.MaybeFlush());
  }
  MQCHAT_RETURN_IF_ERROR(postings.Finish());
  MQCHAT_RETURN_IF_ERROR(docs.Finish());
  for (int i = 0; i < PQntuples(progress.get()); ++i) {
    if (i == 0) MQCHAT_RETURN_IF_ERROR(docs.Start("COPY search_progress FROM STDIN"));
    docs.buffer() += PQgetvalue(progress.get(), i, 0);
    docs.buffer() += '\t';
    docs.buffer() += PQgetvalue(progress.get(), i, 1);
    docs.buffer() += '\n';
    MQCHAT_RETURN_IF_ERROR(docs.MaybeFlush());
  }
  if (PQntuples(progress.get()) > 0) MQCHAT_RETURN_IF_ERROR(docs.Finish());
  MQCHAT_RETURN_IF_ERROR(Run(r, "COMMIT"));
  // The keys as migration 014 made them, each built by one sort.
  MQCHAT_RETURN_IF_ERROR(
      Run(p,
          "ALTER TABLE search_postings ADD PRIMARY KEY (term, conversation_id, message_id) "
          "INCLUDE (seq)"));
  MQCHAT_RETURN_IF_ERROR(Run(d, "ALTER TABLE search_docs ADD PRIMARY KEY (conversation_id, seq)"));
  MQCHAT_RETURN_IF_ERROR(Run(p, "COMMIT"));
  MQCHAT_RETURN_IF_ERROR(Run(d, "COMMIT"));
  MQCHAT_RETURN_IF_ERROR(Run(p, "VACUUM (ANALYZE) search_postings, search_docs, search_progress"));
  return stats;
}

}  // namespace mqchat::bench
