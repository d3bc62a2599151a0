// PgChatStore's attachments inside AppendBatch's transaction (store/attachments.h): each
// attachment the batch's messages name as its row is (locked), and the new messages' links and
// referenced marks. A batch without attachments makes no round trip here. Writer thread.
#pragma once

#include <libpq-fe.h>

#include "mqchat/status.h"

namespace mqchat::store {

class AppendPlan;

// One round trip, skipped when the batch names no attachment.
Status LookUpAttachments(PGconn* conn, AppendPlan& plan);
// One statement, skipped when no new message carries an attachment.
Status WriteAttachmentLinks(PGconn* conn, const AppendPlan& plan);

}  // namespace mqchat::store
