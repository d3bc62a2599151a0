#include "store/pg/pg_chat_mentions.h"

#include <string>
#include <vector>

#include "store/append_plan.h"
#include "store/pg/pg_chat_sql.h"
#include "store/pg/pg_mention_sql.h"

namespace mqchat::store {
namespace {
namespace sql = pg_chat_sql;
namespace mn = pg_mention_sql;
}  // namespace

Status LookUpMentions(PGconn* conn, AppendPlan& plan) {
  if (plan.mentions().empty()) return Status::Ok();
  std::vector<int64_t> ids;
  std::vector<std::string> users;
  for (const MentionKey& m : plan.mentions()) {
    ids.push_back(m.conversation_id);
    users.push_back(m.username);
  }
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res,
      ExecPrepared(conn, mn::kMembers,
                   PgParams().Text(sql::Int64Array(ids)).Text(sql::TextArray(users))));
  for (int row = 0; row < PQntuples(res.get()); ++row) {
    MQCHAT_ASSIGN_OR_RETURN(int64_t ord, PgInt64(res.get(), row, 0));
    if (ord < 1 || ord > static_cast<int64_t>(users.size())) {
      return Status::Internal("mention lookup returned position " + std::to_string(ord));
    }
    plan.SetMentionMember(static_cast<size_t>(ord - 1), true);
  }
  return Status::Ok();
}

Status WriteMessageMentions(PGconn* conn, const AppendPlan& plan) {
  std::vector<std::string> users;
  std::vector<int64_t> ids, seqs;
  for (size_t i : plan.new_indexes()) {
    const StoredMessage& msg = plan.results()[i].message;
    if (msg.kind != EventKind::kMessage) continue;
    for (const std::string& name : msg.mentions) {
      users.push_back(name);
      ids.push_back(msg.conversation_id);
      seqs.push_back(msg.seq);
    }
  }
  if (users.empty()) return Status::Ok();
  const std::string seq_array = sql::Int64Array(seqs);
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, ExecPrepared(conn, mn::kInsert,
                                                        PgParams()
                                                            .Text(sql::TextArray(users))
                                                            .Text(sql::Int64Array(ids))
                                                            .Text(seq_array)
                                                            .Text(seq_array)));
  return Status::Ok();
}

Status ReplaceMentions(PGconn* conn, const StoredMessage& edit) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, ExecPrepared(conn, mn::kReplace,
                                                        PgParams()
                                                            .Int(edit.conversation_id)
                                                            .Int(edit.target_seq)
                                                            .Text(sql::TextArray(edit.mentions))
                                                            .Int(edit.seq)));
  return Status::Ok();
}

}  // namespace mqchat::store
