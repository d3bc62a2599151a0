// PgChatStore's mentions inside AppendBatch's transaction (migration 019; store/mentions.h):
// whether each mentioned user is a member, and the `mentions` rows of new messages and edits.
// A batch without mentions makes no round trip here. Writer thread.
#pragma once

#include <libpq-fe.h>

#include "mqchat/status.h"
#include "store/chat_store.h"

namespace mqchat::store {

class AppendPlan;

// One round trip, skipped when the batch mentions nobody.
Status LookUpMentions(PGconn* conn, AppendPlan& plan);
// The rows of the new messages that mention someone: one statement, skipped when none does.
Status WriteMessageMentions(PGconn* conn, const AppendPlan& plan);
// The rows of an edit's message after it (one statement).
Status ReplaceMentions(PGconn* conn, const StoredMessage& edit);

}  // namespace mqchat::store
