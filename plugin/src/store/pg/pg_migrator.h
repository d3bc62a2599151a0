// Brings a PostgreSQL database to the newest embedded schema (schema/postgres/NNN_*.sql),
// recording each applied file in schema_migrations. Runs on the thread that owns the connection.
#pragma once

#include <libpq-fe.h>

#include <vector>

#include "embedded_schema.h"
#include "mqchat/status.h"

namespace mqchat::store {

// Applies every migration newer than the database's version, in version order, each in its own
// transaction together with its schema_migrations row; a no-op when current. Each transaction
// holds pg_advisory_xact_lock, so processes migrating the same database at once take turns.
// kFailedPrecondition if the database is newer than the newest migration this build knows.
// `migrations` must be ascending by version (tests pass their own lists); a file must not
// contain BEGIN/COMMIT, since the migrator owns the transaction.
Status MigratePg(PGconn* conn,
                 const std::vector<schema::Migration>& migrations = schema::PostgresMigrations());

// The highest version recorded in schema_migrations; 0 for a database never migrated.
Result<int> CurrentSchemaVersion(PGconn* conn);

}  // namespace mqchat::store
