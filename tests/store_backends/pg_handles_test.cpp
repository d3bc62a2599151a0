// libpq RAII handles and error mapping (store/pg/pg_handles.h), and PgAccountStore across a
// server crash. Needs PostgreSQL: skipped when it is not installed (see postgres_instance.h).
#include "store/pg/pg_handles.h"

#include <chrono>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "store/store_factory.h"
#include "support/free_port.h"
#include "support/postgres_instance.h"
#include "support/wait_for.h"

namespace mqchat::store {
namespace {

class PgStoreHandlesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MQCHAT_SHARED_POSTGRES_OR_SKIP(pg);
    pg_ = pg;
    auto conninfo = pg_->FreshDatabase();
    ASSERT_TRUE(conninfo.ok()) << conninfo.status().ToString();
    conninfo_ = *conninfo;
  }

  PgConnPtr MustConnect() {
    auto conn = ConnectPg(conninfo_);
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    return conn.ok() ? std::move(conn).value() : nullptr;
  }

  test::PostgresInstance* pg_ = nullptr;
  std::string conninfo_;
};

TEST(PgStoreConnectTest, UnreachableServerIsUnavailable) {
  const int port = test::FreePort();  // nothing listens there
  auto conn = ConnectPg("host=127.0.0.1 port=" + std::to_string(port) + " connect_timeout=5");
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), Code::kUnavailable);
  EXPECT_NE(conn.status().message().find("connect"), std::string::npos);
}

TEST(PgStoreConnectTest, BadConninfoIsUnavailableWithLibpqMessage) {
  auto conn = ConnectPg("this is not a conninfo");
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), Code::kUnavailable);
  EXPECT_NE(conn.status().message().find("missing \"=\""), std::string::npos)
      << conn.status().message();
}

TEST_F(PgStoreHandlesTest, SessionIsDurable) {
  PgConnPtr conn = MustConnect();
  ASSERT_NE(conn, nullptr);
  auto res = ExecPgSql(conn.get(), "SHOW synchronous_commit");
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(PgText(res->get(), 0, 0), "on");
}

TEST_F(PgStoreHandlesTest, PreparedStatementsAndErrorMapping) {
  PgConnPtr conn = MustConnect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(ExecPgSql(conn.get(), "CREATE TABLE t (k TEXT PRIMARY KEY, v BIGINT, b BYTEA)").ok());
  const PgStatement insert = {"t_insert", "INSERT INTO t (k, v, b) VALUES ($1, $2, $3)"};
  const PgStatement select = {"t_select", "SELECT k, v, b IS NULL FROM t WHERE k = $1"};
  ASSERT_TRUE(PreparePg(conn.get(), insert).ok());
  ASSERT_TRUE(PreparePg(conn.get(), select).ok());

  const std::string key = "k\xC3\xA9y'; DROP TABLE t; --";  // values never become SQL
  auto first =
      ExecPrepared(conn.get(), insert,
                   PgParams().Text(key).Int(-9'000'000'000'000).Bytes(std::string("\0\1", 2)));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto dup = ExecPrepared(conn.get(), insert, PgParams().Text(key).Int(1).Null());
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), Code::kAlreadyExists) << dup.status().ToString();
  EXPECT_NE(dup.status().message().find("23505"), std::string::npos);

  auto row = ExecPrepared(conn.get(), select, PgParams().Text(key));
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  ASSERT_EQ(PQntuples(row->get()), 1);
  EXPECT_EQ(PgText(row->get(), 0, 0), key);
  auto v = PgInt64(row->get(), 0, 1);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, -9'000'000'000'000);
  EXPECT_EQ(PgText(row->get(), 0, 2), "f");

  auto bad = ExecPgSql(conn.get(), "SELECT * FROM no_such_table");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInternal);
}

TEST_F(PgStoreHandlesTest, TxnRollsBackUnlessCommitted) {
  PgConnPtr conn = MustConnect();
  ASSERT_NE(conn, nullptr);
  ASSERT_TRUE(ExecPgSql(conn.get(), "CREATE TABLE t (x INT)").ok());
  {
    auto txn = PgTxn::Begin(conn.get());
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(ExecPgSql(conn.get(), "INSERT INTO t VALUES (1)").ok());
  }
  {
    auto txn = PgTxn::Begin(conn.get());
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(ExecPgSql(conn.get(), "INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  {
    // A COMMIT after a failed statement rolls back; it must not report success.
    auto txn = PgTxn::Begin(conn.get());
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(ExecPgSql(conn.get(), "INSERT INTO t VALUES (3)").ok());
    EXPECT_FALSE(ExecPgSql(conn.get(), "SELECT 1/0").ok());
    EXPECT_FALSE(txn->Commit().ok());
  }
  auto res = ExecPgSql(conn.get(), "SELECT string_agg(x::text, ',') FROM t");
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(PgText(res->get(), 0, 0), "2");
  EXPECT_EQ(PQtransactionStatus(conn.get()), PQTRANS_IDLE);
}

TEST_F(PgStoreHandlesTest, ConnectionReconnectsAndPreparesAgain) {
  PgConnPtr admin = MustConnect();
  ASSERT_NE(admin, nullptr);
  ASSERT_TRUE(ExecPgSql(admin.get(), "CREATE TABLE t (x INT)").ok());
  const PgStatement count = {"t_count", "SELECT count(*) FROM t"};
  auto conn = PgConnection::Create(MustConnect(), {&count});
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  ASSERT_TRUE(ExecPrepared(conn->get(), count, PgParams()).ok());

  const int pid = PQbackendPID(conn->get());
  // Waits (up to 10 s) until the backend is gone.
  auto killed = ExecParams(admin.get(), "SELECT pg_terminate_backend($1::integer, 10000)",
                           PgParams().Int(pid));
  ASSERT_TRUE(killed.ok()) << killed.status().ToString();
  ASSERT_EQ(PgText(killed->get(), 0, 0), "t");
  auto lost = ExecPrepared(conn->get(), count, PgParams());
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.status().code(), Code::kUnavailable) << lost.status().ToString();

  Status ready = conn->EnsureReady();
  ASSERT_TRUE(ready.ok()) << ready.ToString();
  EXPECT_NE(PQbackendPID(conn->get()), pid);
  auto again = ExecPrepared(conn->get(), count, PgParams());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(PgText(again->get(), 0, 0), "0");
  auto setting = ExecPgSql(conn->get(), "SHOW synchronous_commit");
  ASSERT_TRUE(setting.ok());
  EXPECT_EQ(PgText(setting->get(), 0, 0), "on");  // session settings applied again
}

// A connection that sat idle while the server closed it (a restart, a failover) is
// re-established by EnsureReady, so its next operation succeeds instead of failing once.
TEST_F(PgStoreHandlesTest, IdleConnectionClosedByTheServerIsReestablishedBeforeUse) {
  PgConnPtr admin = MustConnect();
  ASSERT_NE(admin, nullptr);
  const PgStatement one = {"idle_one", "SELECT 1"};
  auto conn = PgConnection::Create(MustConnect(), {&one});
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  const int pid = PQbackendPID(conn->get());
  auto killed = ExecParams(admin.get(), "SELECT pg_terminate_backend($1::integer, 10000)",
                           PgParams().Int(pid));
  ASSERT_TRUE(killed.ok()) << killed.status().ToString();
  ASSERT_EQ(PgText(killed->get(), 0, 0), "t");

  Status ready = conn->EnsureReady();
  ASSERT_TRUE(ready.ok()) << ready.ToString();
  EXPECT_NE(PQbackendPID(conn->get()), pid) << "the closed connection was not replaced";
  auto res = ExecPrepared(conn->get(), one, PgParams());
  ASSERT_TRUE(res.ok()) << "first use after the server closed it: " << res.status().ToString();
  EXPECT_EQ(PgText(res->get(), 0, 0), "1");
}

// A session that turned read-only under a connection asking for a read-write server (a primary
// fenced with default_transaction_read_only, or demoted without a restart) fails its writes with
// SQLSTATE 25006: that is retryable, and EnsureReady re-walks the hosts for a writable server, as
// after a lost connection. The refused write is not stored; its retry is stored once.
TEST_F(PgStoreHandlesTest, ReadOnlySessionIsALostConnection) {
  PgConnPtr admin = MustConnect();
  ASSERT_NE(admin, nullptr);
  ASSERT_TRUE(ExecPgSql(admin.get(), "CREATE TABLE t (k TEXT PRIMARY KEY)").ok());
  const PgStatement insert = {"ro_insert", "INSERT INTO t (k) VALUES ($1)"};
  auto conn = PgConnection::Create(
      [&] {
        auto c = ConnectPg(conninfo_ + " target_session_attrs=read-write");
        EXPECT_TRUE(c.ok()) << c.status().ToString();
        return c.ok() ? std::move(c).value() : nullptr;
      }(),
      {&insert});
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  // What a fenced primary looks like to an open session: the server reports it read-only.
  ASSERT_TRUE(ExecPgSql(conn->get(), "SET default_transaction_read_only = on").ok());
  const int pid = PQbackendPID(conn->get());

  auto refused = ExecPrepared(conn->get(), insert, PgParams().Text("m1"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kUnavailable) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("25006"), std::string::npos);

  Status ready = conn->EnsureReady();
  ASSERT_TRUE(ready.ok()) << ready.ToString();
  EXPECT_NE(PQbackendPID(conn->get()), pid) << "kept the read-only session";
  auto retried = ExecPrepared(conn->get(), insert, PgParams().Text("m1"));
  ASSERT_TRUE(retried.ok()) << "the retry: " << retried.status().ToString();
  auto rows = ExecPgSql(admin.get(), "SELECT string_agg(k, ',') FROM t");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(PgText(rows->get(), 0, 0), "m1");
}

// Without target_session_attrs a read-only session is what the operator asked for: kept (reads
// work), writes refused retryably.
TEST_F(PgStoreHandlesTest, ReadOnlySessionIsKeptWithoutReadWriteTarget) {
  const PgStatement one = {"ro_one", "SELECT 1"};
  auto conn = PgConnection::Create(MustConnect(), {&one});
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  ASSERT_TRUE(ExecPgSql(conn->get(), "SET default_transaction_read_only = on").ok());
  const int pid = PQbackendPID(conn->get());
  ASSERT_TRUE(conn->EnsureReady().ok());
  EXPECT_EQ(PQbackendPID(conn->get()), pid);
  EXPECT_TRUE(ExecPrepared(conn->get(), one, PgParams()).ok());
}

// Crashes the shared server: runs last in this file and leaves the server running again.
TEST_F(PgStoreHandlesTest, AccountStoreSurvivesServerCrash) {
  if (pg_->external()) {
    GTEST_SKIP() << "cannot crash an external server";
  }
  StoreConfig config;
  config.backend = Backend::kPostgres;
  config.pg_conninfo = conninfo_;
  auto opened = OpenAccountStore(config);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  AccountStorePtr store = std::move(opened).value();
  ASSERT_TRUE(store->AddUser("alice", "h").ok());

  ASSERT_TRUE(pg_->Kill().ok());
  Status down = store->SetPasswordHash("alice", "h2");
  EXPECT_EQ(down.code(), Code::kUnavailable) << down.ToString();
  Status still_down = store->SetPasswordHash("alice", "h2");
  EXPECT_EQ(still_down.code(), Code::kUnavailable) << still_down.ToString();

  Status started = pg_->Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  // The next call reconnects and prepares its statements again.
  test::WaitFor([&] { return store->GetUser("alice").ok(); }, std::chrono::seconds(30),
                "store usable after restart");
  auto alice = store->GetUser("alice");
  ASSERT_TRUE(alice.ok()) << alice.status().ToString();
  EXPECT_EQ(alice->password_hash, "h");  // committed before the crash: durable
  EXPECT_TRUE(store->SetPasswordHash("alice", "h2").ok());
  EXPECT_EQ(store->GetUser("alice")->password_hash, "h2");
}

}  // namespace
}  // namespace mqchat::store
