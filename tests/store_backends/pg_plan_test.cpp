// Plans of PgChatStore's statements that read `messages` (and `recent_sends`), on a table that grew
// after its statistics were taken (a fresh deployment): they must keep probing indexes instead of
// scanning the whole table. Needs PostgreSQL: skipped when it is not installed (see
// postgres_instance.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/chat_store.h"
#include "store/pg/pg_chat_sql.h"
#include "store/pg/pg_handles.h"
#include "store/store_factory.h"
#include "support/fresh_pg_store.h"

namespace mqchat::store {
namespace {

namespace sql = pg_chat_sql;

constexpr ConversationId kConversation = 1;
constexpr int kLookupKeys = 30;  // a batch of sends, as the writer looks them up

class PgPlanTest : public ::testing::Test {
 protected:
  void SetUp() override { MQCHAT_FRESH_PG_STORE_CONFIG_OR_SKIP(config_); }

  // Appends `count` messages from alice in batches of `batch`.
  void Append(ChatStore& store, int count, int batch) {
    std::vector<AppendRequest> requests;
    for (int i = 0; i < count; ++i) {
      AppendRequest req;
      req.conversation_id = kConversation;
      req.sender = "alice";
      req.client_msg_id = "m" + std::to_string(next_id_);
      req.text = "hello";
      req.message_id = next_id_;
      req.created_at_ms = next_id_;
      ++next_id_;
      requests.push_back(std::move(req));
      if (static_cast<int>(requests.size()) == batch || i + 1 == count) {
        auto results = store.AppendBatch(requests);
        ASSERT_TRUE(results.ok()) << results.status().ToString();
        requests.clear();
      }
    }
  }

  // Runs constant SQL over `conn`; fails the test on error.
  void Exec(PGconn* conn, const char* text) {
    auto res = ExecPgSql(conn, text);
    ASSERT_TRUE(res.ok()) << text << ": " << res.status().ToString();
  }

  StoreConfig config_;
  int64_t next_id_ = 1;
};

// The statements that read `messages`, with arguments, as a broker runs them.
struct Probe {
  const PgStatement* stmt;
  std::vector<std::string> args;  // SQL literals
};

std::vector<Probe> HotProbes() {
  std::vector<int64_t> ids;
  std::vector<std::string> senders;
  std::vector<std::string> client_msg_ids;
  for (int i = 0; i < kLookupKeys; ++i) {
    ids.push_back(kConversation);
    senders.push_back("alice");
    client_msg_ids.push_back("new" + std::to_string(i));
  }
  const std::string conv = std::to_string(kConversation);
  return {
      {&sql::kAppendLookup,
       {"'" + sql::Int64Array(ids) + "'", "'" + sql::TextArray(senders) + "'",
        "'" + sql::TextArray(client_msg_ids) + "'", "'{}'", "'{}'"}},  // no group elsewhere
      {&sql::kLastMessageAt,
       {"'" + sql::Int64Array({kConversation}) + "'", "'" + sql::TextArray({"alice"}) + "'"}},
      {&sql::kHistoryAfter, {conv, "10", "50"}},
      {&sql::kHistoryBefore, {conv, "100", "50"}},
      {&sql::kListConversations, {"'alice'"}},
      {&sql::kMaxIssuedId, {}},
  };
}

std::string Call(const std::string& verb, const Probe& probe) {
  std::string text = verb + " " + probe.stmt->name;
  for (size_t i = 0; i < probe.args.size(); ++i) {
    text += (i > 0 ? ", " : "(") + probe.args[i];
  }
  return probe.args.empty() ? text : text + ")";
}

TEST_F(PgPlanTest, MessagesAreReadThroughIndexesAfterGrowth) {
  auto opened = OpenChatStore(config_);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  ChatStorePtr writer = std::move(opened).value();
  ASSERT_TRUE(writer->EnsureUser("alice", 1).ok());
  ASSERT_TRUE(writer->EnsureUser("bob", 1).ok());
  auto direct = writer->OpenDirect(kConversation, "alice", "bob", 1);
  ASSERT_TRUE(direct.ok()) << direct.status().ToString();
  ASSERT_NO_FATAL_FAILURE(Append(*writer, 20, 5));

  auto admin = ConnectPg(config_.pg_conninfo);
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  // What autovacuum does soon after the first rows arrive (it analyzes past 50 changed rows);
  // then it is switched off here, so no later ANALYZE can replace a plan made now.
  for (const char* table : {"messages", "members", "conversations", "recent_sends"}) {
    const std::string vacuum = std::string("VACUUM ANALYZE ") + table;
    const std::string off = std::string("ALTER TABLE ") + table + " SET (autovacuum_enabled = off)";
    ASSERT_NO_FATAL_FAILURE(Exec(admin->get(), vacuum.c_str()));
    ASSERT_NO_FATAL_FAILURE(Exec(admin->get(), off.c_str()));
  }

  // A broker's connection in its first seconds: its statements run many times on the tiny
  // table (PostgreSQL's default would settle on a generic plan after five runs).
  auto conn = ConnectPg(config_.pg_conninfo);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  for (const PgStatement* stmt : sql::kAll) {
    ASSERT_TRUE(PreparePg(conn->get(), *stmt).ok()) << stmt->name;
  }
  const std::vector<Probe> probes = HotProbes();
  for (int run = 0; run < 10; ++run) {
    for (const Probe& probe : probes) {
      ASSERT_NO_FATAL_FAILURE(Exec(conn->get(), Call("EXECUTE", probe).c_str()));
    }
  }

  ASSERT_NO_FATAL_FAILURE(Append(*writer, 5000, 250));

  for (const Probe& probe : probes) {
    const std::string explain = Call("EXPLAIN EXECUTE", probe);
    auto res = ExecPgSql(conn->get(), explain.c_str());
    ASSERT_TRUE(res.ok()) << explain << ": " << res.status().ToString();
    std::string plan;
    for (int row = 0; row < PQntuples(res->get()); ++row) {
      plan += PgText(res->get(), row, 0) + "\n";
    }
    EXPECT_EQ(plan.find("Seq Scan on messages"), std::string::npos)
        << probe.stmt->name << " scans all of messages:\n"
        << plan;
    // The resend keys (migration 028) grow as fast.
    EXPECT_EQ(plan.find("Seq Scan on recent_sends"), std::string::npos)
        << probe.stmt->name << " scans all of recent_sends:\n"
        << plan;
  }
}

}  // namespace
}  // namespace mqchat::store
