// Broker notices on PostgreSQL (store/broker_notices.h, migration 023): add them inside the
// caller's transaction, read them after an id, prune old ones. Unprepared statements: every
// path here is rare (an operator's or the API's change) or runs once a poll.
#pragma once

#include <cstdint>
#include <vector>

#include <libpq-fe.h>

#include "mqchat/status.h"
#include "store/broker_notices.h"

namespace mqchat::store {

class PgPipeline;

// Inside the caller's transaction. Takes LOCK TABLE broker_notices IN SHARE ROW EXCLUSIVE
// MODE first, held to COMMIT: ids from the sequence then become visible in increasing order, so
// a broker reading "after the last id" never skips a notice that committed late.
Status InsertNoticesPg(PGconn* conn, const std::vector<BrokerNotice>& notices);
// The same statements queued on `pipe` (inside the transaction it runs), none if `notices` is
// empty; their answers are read with the pipeline's.
Status SendNoticesPg(PgPipeline& pipe, const std::vector<BrokerNotice>& notices);
// Notices with id > after_id, ascending, at most `limit`.
Result<std::vector<BrokerNotice>> NoticesSincePg(PGconn* conn, int64_t after_id, int limit);
// The largest notice id (0: none).
Result<int64_t> LastNoticeIdPg(PGconn* conn);
// Device sign-outs created at or after `since_ms`, ascending.
Result<std::vector<BrokerNotice>> SignOutsSincePg(PGconn* conn, int64_t since_ms);
// Deletes notices created before `before_ms`.
Status PruneNoticesPg(PGconn* conn, int64_t before_ms);

}  // namespace mqchat::store
