#include "store/pg/pg_notices.h"

#include <string>

#include "store/pg/pg_handles.h"
#include "store/pg/pg_pipeline.h"

namespace mqchat::store {
namespace {

// A profile notice reads the user's profile with it (NoticeProfile).
#define MQCHAT_NOTICE_COLUMNS                                                             \
  "SELECT n.notice_id, n.kind, n.conversation_id, n.seq, n.username, n.device_id, "       \
  "n.created_at_ms, COALESCE(p.display_name, ''), COALESCE(p.status_text, ''), "          \
  "COALESCE(p.avatar_id, ''), COALESCE(p.avatar_type, ''), COALESCE(p.updated_at_ms, 0) " \
  "FROM broker_notices n LEFT JOIN profiles p ON n.kind = 4 AND p.username = n.username "

constexpr char kLockNotices[] = "LOCK TABLE broker_notices IN SHARE ROW EXCLUSIVE MODE";
constexpr char kInsertNotice[] =
    "INSERT INTO broker_notices (kind, conversation_id, seq, username, device_id, "
    "created_at_ms) VALUES ($1::smallint, $2::bigint, $3::bigint, $4::text, $5::text, "
    "$6::bigint)";

PgParams NoticeParams(const BrokerNotice& n) {
  return PgParams()
      .Int(static_cast<int64_t>(n.kind))
      .Int(n.conversation_id)
      .Int(n.seq)
      .Text(n.username)
      .Text(n.device_id)
      .Int(n.created_at_ms);
}

Result<std::vector<BrokerNotice>> ReadNotices(const PGresult* res) {
  std::vector<BrokerNotice> out;
  for (int row = 0; row < PQntuples(res); ++row) {
    BrokerNotice n;
    MQCHAT_ASSIGN_OR_RETURN(n.id, PgInt64(res, row, 0));
    MQCHAT_ASSIGN_OR_RETURN(int64_t kind, PgInt64(res, row, 1));
    n.kind = static_cast<NoticeKind>(kind);
    MQCHAT_ASSIGN_OR_RETURN(n.conversation_id, PgInt64(res, row, 2));
    MQCHAT_ASSIGN_OR_RETURN(n.seq, PgInt64(res, row, 3));
    n.username = PgText(res, row, 4);
    n.device_id = PgText(res, row, 5);
    MQCHAT_ASSIGN_OR_RETURN(n.created_at_ms, PgInt64(res, row, 6));
    n.profile.display_name = PgText(res, row, 7);
    n.profile.status_text = PgText(res, row, 8);
    n.profile.avatar_id = PgText(res, row, 9);
    n.profile.avatar_type = PgText(res, row, 10);
    MQCHAT_ASSIGN_OR_RETURN(n.profile.updated_at_ms, PgInt64(res, row, 11));
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace

Status InsertNoticesPg(PGconn* conn, const std::vector<BrokerNotice>& notices) {
  if (notices.empty()) return Status::Ok();
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr lock, ExecPgSql(conn, kLockNotices));
  for (const BrokerNotice& n : notices) {
    MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, ExecParams(conn, kInsertNotice, NoticeParams(n)));
  }
  return Status::Ok();
}

Status SendNoticesPg(PgPipeline& pipe, const std::vector<BrokerNotice>& notices) {
  if (notices.empty()) return Status::Ok();
  MQCHAT_RETURN_IF_ERROR(pipe.SendSql(kLockNotices));
  for (const BrokerNotice& n : notices) {
    MQCHAT_RETURN_IF_ERROR(pipe.SendSql(kInsertNotice, NoticeParams(n)));
  }
  return Status::Ok();
}

Result<std::vector<BrokerNotice>> NoticesSincePg(PGconn* conn, int64_t after_id, int limit) {
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res,
      ExecParams(conn,
                 MQCHAT_NOTICE_COLUMNS
                 "WHERE n.notice_id > $1::bigint ORDER BY n.notice_id LIMIT $2::bigint",
                 PgParams().Int(after_id).Int(limit)));
  return ReadNotices(res.get());
}

Result<int64_t> LastNoticeIdPg(PGconn* conn) {
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res, ExecPgSql(conn, "SELECT COALESCE(MAX(notice_id), 0) FROM broker_notices"));
  return PgInt64(res.get(), 0, 0);
}

Result<std::vector<BrokerNotice>> SignOutsSincePg(PGconn* conn, int64_t since_ms) {
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res,
      ExecParams(conn,
                 MQCHAT_NOTICE_COLUMNS
                 "WHERE n.kind = 2 AND n.created_at_ms >= $1::bigint ORDER BY n.notice_id",
                 PgParams().Int(since_ms)));
  return ReadNotices(res.get());
}

Status PruneNoticesPg(PGconn* conn, int64_t before_ms) {
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res,
      ExecParams(conn, "DELETE FROM broker_notices WHERE created_at_ms < $1::bigint",
                 PgParams().Int(before_ms)));
  return Status::Ok();
}

#undef MQCHAT_NOTICE_COLUMNS

}  // namespace mqchat::store
