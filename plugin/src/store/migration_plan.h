// Decides which embedded migration a database needs next; shared by the SQLite and PostgreSQL
// migrators (sqlite/sqlite_migrator.h, pg/pg_migrator.h). Pure function; any thread.
#pragma once

#include <vector>

#include "embedded_schema.h"
#include "mqchat/status.h"

namespace mqchat::store {

// The first of `migrations` (ascending by version) newer than `current_version`, or nullptr if
// the database is up to date. kFailedPrecondition if the database is newer than the newest
// migration: this build must not touch a schema it does not understand.
Result<const schema::Migration*> NextMigration(int current_version,
                                               const std::vector<schema::Migration>& migrations);

}  // namespace mqchat::store
