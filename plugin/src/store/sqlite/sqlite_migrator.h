// Brings a SQLite database to the newest embedded schema (schema/sqlite/NNN_*.sql), recording
// each applied file in schema_migrations. Runs on the thread that owns the connection.
#pragma once

#include <sqlite3.h>

#include <vector>

#include "embedded_schema.h"
#include "mqchat/status.h"

namespace mqchat::store {

// Applies every migration newer than the database's version, in version order, each in its own
// BEGIN IMMEDIATE transaction together with its schema_migrations row; a no-op when current.
// kFailedPrecondition if the database is newer than the newest migration this build knows.
// `migrations` must be ascending by version (tests pass their own lists); a file must not
// contain BEGIN/COMMIT, since the migrator owns the transaction. Waits up to 30 minutes for
// another migrator (another process starting on the same file) to finish, as PostgreSQL's
// migrator waits on its advisory lock; afterwards the connection's busy wait is the default.
Status MigrateSqlite(sqlite3* db,
                     const std::vector<schema::Migration>& migrations = schema::SqliteMigrations());

// The highest version recorded in schema_migrations; 0 for a database never migrated.
Result<int> CurrentSchemaVersion(sqlite3* db);

}  // namespace mqchat::store
