// PgChatStore's event kinds inside AppendBatch's transaction (migration 010): the lookups of the
// messages and reactions the batch's edits, deletions, reactions and replies name (none for a
// batch of plain messages, so the send path keeps its round trips), and each new event's change
// to its target, in batch order, one statement each. Writer thread.
#pragma once

#include <libpq-fe.h>

#include "mqchat/status.h"

namespace mqchat::store {

class AppendPlan;

// Up to two round trips: the targets, then the reactions (each skipped when there are none).
Status LookUpTargets(PGconn* conn, AppendPlan& plan);
// One statement per new edit, deletion or reaction.
Status WriteEffects(PGconn* conn, const AppendPlan& plan);

}  // namespace mqchat::store
