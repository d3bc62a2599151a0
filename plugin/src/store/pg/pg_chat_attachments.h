// PgChatStore's attachments inside AppendBatch's transaction (store/attachments.h): each
// attachment the batch's messages name as its row is (locked), and the new messages' links and
// referenced marks. They ride in AppendBatch's pipeline (pg_pipeline.h); a batch without
// attachments sends none of them. Writer thread.
#pragma once

#include "mqchat/status.h"

namespace mqchat::store {

class AppendPlan;
class PgPipeline;

// One statement, sent with the batch's other lookups, skipped when the batch names no
// attachment; ReadAttachmentLookup reads its answer.
Status SendAttachmentLookup(PgPipeline& pipe, const AppendPlan& plan);
Status ReadAttachmentLookup(PgPipeline& pipe, AppendPlan& plan);
// One statement, skipped when no new message carries an attachment.
Status SendAttachmentLinks(PgPipeline& pipe, const AppendPlan& plan);

}  // namespace mqchat::store
