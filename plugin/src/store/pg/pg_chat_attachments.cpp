#include "store/pg/pg_chat_attachments.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "store/append_plan.h"
#include "store/pg/pg_attachment_sql.h"
#include "store/pg/pg_chat_sql.h"
#include "store/pg/pg_chat_store.h"
#include "store/pg/pg_pipeline.h"

namespace mqchat::store {
namespace {
namespace sql = pg_chat_sql;
namespace at = pg_attachment_sql;
}  // namespace

Status SendAttachmentLookup(PgPipeline& pipe, const AppendPlan& plan) {
  if (plan.attachment_ids().empty()) return Status::Ok();
  return pipe.Send(at::kLookUp, PgParams().Text(sql::TextArray(plan.attachment_ids())));
}

Status ReadAttachmentLookup(PgPipeline& pipe, AppendPlan& plan) {
  if (plan.attachment_ids().empty()) return Status::Ok();
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, pipe.Next());
  std::map<std::string, AttachmentState> found;
  const PGresult* r = res.get();
  for (int row = 0; row < PQntuples(r); ++row) {
    AttachmentState state;
    std::string id = PgText(r, row, 0);
    state.owner = PgText(r, row, 1);
    MQCHAT_ASSIGN_OR_RETURN(int64_t finished, PgInt64(r, row, 2));
    state.finished = finished == 1;
    state.shown.id = id;
    state.shown.name = PgText(r, row, 3);
    state.shown.content_type = PgText(r, row, 4);
    MQCHAT_ASSIGN_OR_RETURN(state.shown.size, PgInt64(r, row, 5));
    MQCHAT_ASSIGN_OR_RETURN(state.shown.width, PgInt64(r, row, 6));
    MQCHAT_ASSIGN_OR_RETURN(state.shown.height, PgInt64(r, row, 7));
    state.shown.thumbnail = !PgText(r, row, 8).empty();
    found.emplace(std::move(id), std::move(state));
  }
  for (size_t i = 0; i < plan.attachment_ids().size(); ++i) {
    auto it = found.find(plan.attachment_ids()[i]);
    if (it == found.end()) {
      plan.SetAttachment(i, std::nullopt);
    } else {
      plan.SetAttachment(i, std::move(it->second));
    }
  }
  return Status::Ok();
}

Status SendAttachmentLinks(PgPipeline& pipe, const AppendPlan& plan) {
  if (plan.attachment_links().empty()) return Status::Ok();
  std::vector<int64_t> ids, seqs, positions;
  std::vector<std::string> attachment_ids;
  for (const AttachmentLink& link : plan.attachment_links()) {
    ids.push_back(link.conversation_id);
    seqs.push_back(link.seq);
    positions.push_back(link.position);
    attachment_ids.push_back(link.attachment_id);
  }
  // Each link's mark at its message's time: the first mark of an id wins (referenced_at_ms = 0).
  std::vector<int64_t> marked_at;
  for (size_t i : plan.new_indexes()) {
    const StoredMessage& msg = plan.results()[i].message;
    for (size_t a = 0; a < msg.attachments.size(); ++a) marked_at.push_back(msg.created_at_ms);
  }
  return pipe.Send(at::kLink, PgParams()
                                  .Text(sql::Int64Array(ids))
                                  .Text(sql::Int64Array(seqs))
                                  .Text(sql::Int64Array(positions))
                                  .Text(sql::TextArray(attachment_ids))
                                  .Text(sql::Int64Array(marked_at)));
}

// A shard's copy of the upload rows its sends will name (pg_chat_store.h), outside AppendBatch.
Status PgChatStore::CopyUploads(const std::string& rows) {
  return Run(at::kCopyUploads, PgParams().Text(rows)).status();
}

}  // namespace mqchat::store
