#include "support/fresh_pg_store.h"

#include "support/postgres_instance.h"

namespace mqchat::test {

void FreshPgStoreConfig(store::StoreConfig& config) {
  MQCHAT_SHARED_POSTGRES_OR_SKIP(pg);
  auto conninfo = pg->FreshDatabase();
  ASSERT_TRUE(conninfo.ok()) << conninfo.status().ToString();
  config.backend = store::Backend::kPostgres;
  config.pg_conninfo = *conninfo;
}

}  // namespace mqchat::test
