#include "store/migration_plan.h"

#include <string>

namespace mqchat::store {

Result<const schema::Migration*> NextMigration(int current_version,
                                               const std::vector<schema::Migration>& migrations) {
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  if (current_version > newest) {
    return Status::FailedPrecondition("database schema version " + std::to_string(current_version) +
                                      " is newer than this build supports (" +
                                      std::to_string(newest) + "); upgrade mqchat");
  }
  for (const schema::Migration& m : migrations) {
    if (m.version > current_version) {
      return &m;
    }
  }
  return static_cast<const schema::Migration*>(nullptr);
}

}  // namespace mqchat::store
