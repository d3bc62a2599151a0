// PgChatStore's event kinds inside AppendBatch's transaction (migration 010): the lookups of the
// messages and reactions the batch's edits, deletions, reactions and replies name (none for a
// batch of plain messages), and each new event's change to its target, in batch order, one
// statement each. All of it rides in AppendBatch's pipeline (pg_pipeline.h): no round trip of
// its own. Writer thread.
#pragma once

#include "mqchat/status.h"

namespace mqchat::store {

class AppendPlan;
class PgPipeline;

// Up to two statements, sent with the batch's other lookups: the targets, then the reactions
// (each skipped when there are none). ReadTargetLookups reads their answers, in that order.
Status SendTargetLookups(PgPipeline& pipe, const AppendPlan& plan);
Status ReadTargetLookups(PgPipeline& pipe, AppendPlan& plan);
// One statement per new deletion or reaction, two per new edit (its mentions too).
Status SendEffects(PgPipeline& pipe, const AppendPlan& plan);

}  // namespace mqchat::store
