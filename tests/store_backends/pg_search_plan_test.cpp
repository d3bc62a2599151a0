// Plans of PgSearchStore's candidate statements (pg_search_sql.h) for a user in many
// conversations: under a prepared statement's generic plan (what PostgreSQL switches to after
// five runs, planned without the parameters' values) as under a custom one, a page of
// candidates must read no more messages than it returns. The statements planned as one join
// read every message of every conversation of the user under the generic plan (issue 17:
// p50 1.2 s across 200 conversations at 200,000 messages), and all of the driver's ~3,000
// matches under the custom one; only rows counted here, no timing. Needs PostgreSQL: skipped
// when it is not installed (see postgres_instance.h).
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "store/pg/pg_handles.h"
#include "store/pg/pg_search_sql.h"
#include "store/search_store.h"
#include "store/store_factory.h"
#include "support/fresh_pg_store.h"

namespace mqchat::store {
namespace {

namespace sql = pg_search_sql;

constexpr int kConversations = 400;  // "searcher" is in the first 200
constexpr int kPerConversation = 100;
constexpr int64_t kDriver = 7;  // in every 5th message: 20 per conversation, 4,000 for searcher
constexpr int kLimit = 50;

class PgSearchPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MQCHAT_FRESH_PG_STORE_CONFIG_OR_SKIP(config_);
    auto opened = OpenSearchStore(config_);  // applies the migrations
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    auto conn = ConnectPg(config_.pg_conninfo);  // the stores' session settings
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_ = std::move(conn).value();
    // Message ids grow with time across conversations, as the broker issues them.
    const std::string n = std::to_string(kConversations);
    const std::string per = std::to_string(kPerConversation);
    const std::string fill =
        "INSERT INTO conversations (conversation_id, kind, name, last_seq, member_count, "
        "created_at_ms) SELECT c, 2, 'c' || c, " +
        per + ", 2, 0 FROM generate_series(1, " + n +
        ") c; "
        "INSERT INTO members (conversation_id, username, joined_at_ms) "
        "SELECT c, 'u' || c, 0 FROM generate_series(1, " +
        n +
        ") c UNION ALL "
        "SELECT c, 'searcher', 0 FROM generate_series(1, " +
        std::to_string(kConversations / 2) +
        ") c; "
        "INSERT INTO messages (conversation_id, seq, message_id, sender, client_msg_id, body, "
        "created_at_ms) SELECT c, s, s * 1000 + c, 'u' || c, 'm' || s, 'text', s * 1000 + c "
        "FROM generate_series(1, " +
        n + ") c, generate_series(1, " + per +
        ") s; "
        "INSERT INTO search_postings (term, conversation_id, message_id, seq) "
        "SELECT " +
        std::to_string(kDriver) + ", c, s * 1000 + c, s FROM generate_series(1, " + n +
        ") c, generate_series(5, " + per + ", 5) s";
    ASSERT_NO_FATAL_FAILURE(Exec(fill));
    ASSERT_NO_FATAL_FAILURE(
        Exec("VACUUM ANALYZE conversations, members, messages, search_postings"));
  }

  std::string Exec(const std::string& text) {
    auto res = ExecPgSql(conn_.get(), text.c_str());
    EXPECT_TRUE(res.ok()) << text << ": " << res.status().ToString();
    std::string out;
    if (!res.ok()) return out;
    for (int row = 0; row < PQntuples(res->get()); ++row) out += PgText(res->get(), row, 0) + "\n";
    return out;
  }

  StoreConfig config_;
  SearchStorePtr store_;
  PgConnPtr conn_;
};

// The rows the scans of `messages m` returned in an EXPLAIN ANALYZE (rows times loops).
int64_t MessagesRead(const std::string& plan) {
  static const std::regex kScan(R"(on messages m .*actual time=\S+ rows=(\d+) loops=(\d+))");
  int64_t total = 0;
  for (std::sregex_iterator it(plan.begin(), plan.end(), kScan), end; it != end; ++it) {
    total += std::stoll((*it)[1]) * std::stoll((*it)[2]);
  }
  return total;
}

TEST_F(PgSearchPlanTest, APageReadsOnlyItsMessagesUnderEitherPlan) {
  const std::string common = std::to_string(kDriver) +
                             ", 'searcher', 9223372036854775807, '', 0, 9223372036854775807, "
                             "'{}', 0, " +
                             std::to_string(kLimit);
  struct Case {
    const PgStatement* stmt;
    std::string args;
    int64_t reads;  // the messages of the page
  };
  const std::vector<Case> cases = {
      {&sql::kCandidatesAll, common + ", 0", kLimit},
      {&sql::kCandidatesAllChannels, common + ", 0, '{}'", kLimit},
      {&sql::kCandidatesIn, common + ", 1", kPerConversation / 5},  // all 20 of conversation 1
  };
  for (const char* mode : {"force_generic_plan", "force_custom_plan"}) {
    Exec(std::string("SET plan_cache_mode = ") + mode);
    for (const Case& c : cases) {
      Exec(std::string("PREPARE probe AS ") + c.stmt->sql);
      const std::string plan = Exec("EXPLAIN (ANALYZE) EXECUTE probe(" + c.args + ")");
      Exec("DEALLOCATE probe");
      ASSERT_FALSE(plan.empty());
      EXPECT_EQ(MessagesRead(plan), c.reads) << c.stmt->name << ", " << mode << ":\n" << plan;
    }
  }
}

// The store's own call returns the newest candidates first, across the user's conversations.
TEST_F(PgSearchPlanTest, CandidatesAreTheNewestAcrossConversations) {
  CandidateQuery q;
  q.user = "searcher";
  q.driver = kDriver;
  q.limit = kLimit;
  for (int run = 0; run < 8; ++run) {  // past the five runs after which a generic plan may serve
    auto found = store_->Candidates(q);
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    ASSERT_EQ(found->size(), static_cast<size_t>(kLimit));
    // seq 100 (the newest driver posting) in conversations 200 down to 151.
    EXPECT_EQ(found->front().message.message_id, 100 * 1000 + kConversations / 2);
    EXPECT_EQ(found->back().message.message_id, 100 * 1000 + kConversations / 2 - kLimit + 1);
    for (size_t i = 1; i < found->size(); ++i) {
      EXPECT_GT((*found)[i - 1].message.message_id, (*found)[i].message.message_id);
    }
  }
}

}  // namespace
}  // namespace mqchat::store
