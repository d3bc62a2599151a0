// A store configuration on a fresh database (no tables yet) of the shared PostgreSQL cluster
// (postgres_instance.h), for store tests that run on PostgreSQL only.
#pragma once

#include <gtest/gtest.h>

#include "store/store_config.h"

namespace mqchat::test {

// Sets `config` to the PostgreSQL backend on a fresh database. Skips the test (GTEST_SKIP) where
// PostgreSQL is not installed, and fails it where the cluster does not start or the database
// cannot be made; call it through MQCHAT_FRESH_PG_STORE_CONFIG_OR_SKIP in SetUp() or a TEST
// body, which then returns in either case.
void FreshPgStoreConfig(store::StoreConfig& config);

}  // namespace mqchat::test

// In SetUp() or a TEST body: FreshPgStoreConfig(config), returning if it skipped or failed.
#define MQCHAT_FRESH_PG_STORE_CONFIG_OR_SKIP(config)                     \
  do {                                                                   \
    ASSERT_NO_FATAL_FAILURE(::mqchat::test::FreshPgStoreConfig(config)); \
    if (::testing::Test::IsSkipped()) return;                            \
  } while (0)
