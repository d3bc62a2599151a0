// Broker notices on SQLite (store/broker_notices.h, migration 023): add them inside the
// caller's transaction, read them after an id, prune old ones. Statements are prepared per call:
// every path here is rare (an operator's or the API's change) or runs once a poll.
#pragma once

#include <cstdint>
#include <vector>

#include "mqchat/status.h"
#include "sqlite/sqlite_helpers.h"
#include "store/broker_notices.h"

namespace mqchat::store {

// Inside the caller's transaction (BEGIN IMMEDIATE holds the write lock: ids commit in order).
Status InsertNoticesSqlite(sqlite3* db, const std::vector<BrokerNotice>& notices);
// Notices with id > after_id, ascending, at most `limit`.
Result<std::vector<BrokerNotice>> NoticesSinceSqlite(sqlite3* db, int64_t after_id, int limit);
// The largest notice id (0: none).
Result<int64_t> LastNoticeIdSqlite(sqlite3* db);
// Device sign-outs created at or after `since_ms`, ascending.
Result<std::vector<BrokerNotice>> SignOutsSinceSqlite(sqlite3* db, int64_t since_ms);
// Deletes notices created before `before_ms`.
Status PruneNoticesSqlite(sqlite3* db, int64_t before_ms);

}  // namespace mqchat::store
