// PgChatStore's mentions inside AppendBatch's transaction (migration 019; store/mentions.h):
// whether each mentioned user is a member, and the `mentions` rows of new messages and edits.
// They ride in AppendBatch's pipeline (pg_pipeline.h); a batch without mentions sends none of
// them. Writer thread.
#pragma once

#include "mqchat/status.h"
#include "store/chat_store.h"

namespace mqchat::store {

class AppendPlan;
class PgPipeline;

// One statement, sent with the batch's other lookups, skipped when the batch mentions nobody;
// ReadMentionLookup reads its answer.
Status SendMentionLookup(PgPipeline& pipe, const AppendPlan& plan);
Status ReadMentionLookup(PgPipeline& pipe, AppendPlan& plan);
// The rows of the new messages that mention someone: one statement, skipped when none does.
Status SendMessageMentions(PgPipeline& pipe, const AppendPlan& plan);
// The rows of an edit's message after it (one statement).
Status SendReplaceMentions(PgPipeline& pipe, const StoredMessage& edit);

}  // namespace mqchat::store
