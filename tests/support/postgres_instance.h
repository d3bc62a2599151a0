// PostgresInstance: a throwaway PostgreSQL cluster on 127.0.0.1 for tests (initdb + pg_ctl as
// the `postgres` user), or the server named by MQCHAT_TEST_PG_DSN. Test thread only.
// Most tests want SharedPostgres() (one cluster per test binary) and a FreshDatabase().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mqchat/status.h"
#include "support/temp_dir.h"

namespace mqchat::test {

class PostgresInstance {
 public:
  // Starts a new cluster in a temp dir on a free port, or wraps MQCHAT_TEST_PG_DSN if set.
  // kUnavailable if the PostgreSQL server binaries (or the postgres user) are missing here;
  // kInternal, with the command output and server log, if initdb or the start fails.
  static Result<std::unique_ptr<PostgresInstance>> Create();
  // Stops the server (and drops the databases it created on an external server). Prints the
  // server log if any test of this binary failed.
  ~PostgresInstance();
  PostgresInstance(const PostgresInstance&) = delete;
  PostgresInstance& operator=(const PostgresInstance&) = delete;

  // libpq conninfo for database `db` ("host=127.0.0.1 port=N user=postgres dbname=db ...").
  std::string ConnInfo(const std::string& db = "postgres") const;
  // Creates database `name` and returns its conninfo. kAlreadyExists if it exists.
  Result<std::string> CreateDatabase(const std::string& name);
  // Creates a database with a name unique to this process and returns its conninfo.
  Result<std::string> FreshDatabase();

  // Server control, for outage tests. Not available (kFailedPrecondition) on an external server.
  Status Stop();   // pg_ctl stop -m fast; OK if already stopped
  Status Kill();   // SIGKILL the postmaster and its children (a crash); waits until they are gone
  Status Start();  // starts again on the same data dir and port; OK if already running
  bool running() const { return running_; }

  bool external() const { return !external_dsn_.empty(); }
  int port() const { return port_; }
  // The server log so far ("" for an external server).
  std::string Log() const;

 private:
  PostgresInstance() = default;
  int PostmasterPid() const;

  std::unique_ptr<TempDir> dir_;  // null for an external server
  std::string bin_dir_;
  std::string data_dir_;
  std::string socket_dir_;
  std::string log_path_;
  int port_ = 0;
  bool running_ = false;
  std::string external_dsn_;
  std::vector<std::string> created_databases_;
};

// The cluster shared by every test of this binary: created on first use, stopped at exit.
// A failure to create it is remembered, so later callers get the same Status at once.
Result<PostgresInstance*> SharedPostgres();

// True when MQCHAT_REQUIRE_INTEGRATION=1: missing servers fail tests instead of skipping them.
bool IntegrationRequired();

// True if `status` (from PostgresInstance::Create or SharedPostgres) should skip the test.
bool ShouldSkipForMissingPostgres(const Status& status);

}  // namespace mqchat::test

// In a TEST body or SetUp(): declares `::mqchat::test::PostgresInstance* var` pointing at the
// shared instance, or skips the test if PostgreSQL is not installed (fails instead when
// MQCHAT_REQUIRE_INTEGRATION=1, and always when it is installed but does not start).
#define MQCHAT_SHARED_POSTGRES_OR_SKIP(var)                                           \
  ::mqchat::test::PostgresInstance* var = nullptr;                                    \
  do {                                                                                \
    auto mqchat_shared_pg_ = ::mqchat::test::SharedPostgres();                        \
    if (!mqchat_shared_pg_.ok()) {                                                    \
      if (::mqchat::test::ShouldSkipForMissingPostgres(mqchat_shared_pg_.status())) { \
        GTEST_SKIP() << mqchat_shared_pg_.status().ToString();                        \
      }                                                                               \
      FAIL() << mqchat_shared_pg_.status().ToString();                                \
    }                                                                                 \
    var = *mqchat_shared_pg_;                                                         \
  } while (0)
