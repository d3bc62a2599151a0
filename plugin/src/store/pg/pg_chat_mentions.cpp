#include "store/pg/pg_chat_mentions.h"

#include <string>
#include <vector>

#include "store/append_plan.h"
#include "store/pg/pg_chat_sql.h"
#include "store/pg/pg_mention_sql.h"
#include "store/pg/pg_pipeline.h"

namespace mqchat::store {
namespace {
namespace sql = pg_chat_sql;
namespace mn = pg_mention_sql;
}  // namespace

Status SendMentionLookup(PgPipeline& pipe, const AppendPlan& plan) {
  if (plan.mentions().empty()) return Status::Ok();
  std::vector<int64_t> ids;
  std::vector<std::string> users;
  for (const MentionKey& m : plan.mentions()) {
    ids.push_back(m.conversation_id);
    users.push_back(m.username);
  }
  return pipe.Send(mn::kMembers, PgParams().Text(sql::Int64Array(ids)).Text(sql::TextArray(users)));
}

Status ReadMentionLookup(PgPipeline& pipe, AppendPlan& plan) {
  if (plan.mentions().empty()) return Status::Ok();
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, pipe.Next());
  for (int row = 0; row < PQntuples(res.get()); ++row) {
    MQCHAT_ASSIGN_OR_RETURN(int64_t ord, PgInt64(res.get(), row, 0));
    if (ord < 1 || ord > static_cast<int64_t>(plan.mentions().size())) {
      return Status::Internal("mention lookup returned position " + std::to_string(ord));
    }
    plan.SetMentionMember(static_cast<size_t>(ord - 1), true);
  }
  return Status::Ok();
}

Status SendMessageMentions(PgPipeline& pipe, const AppendPlan& plan) {
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
  return pipe.Send(mn::kInsert, PgParams()
                                    .Text(sql::TextArray(users))
                                    .Text(sql::Int64Array(ids))
                                    .Text(seq_array)
                                    .Text(seq_array));
}

Status SendReplaceMentions(PgPipeline& pipe, const StoredMessage& edit) {
  return pipe.Send(mn::kReplace, PgParams()
                                     .Int(edit.conversation_id)
                                     .Int(edit.target_seq)
                                     .Text(sql::TextArray(edit.mentions))
                                     .Int(edit.seq));
}

}  // namespace mqchat::store
