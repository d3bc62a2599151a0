// The moderation queue (ReportStore, migration 012) on SQLite and PostgreSQL alike: a report
// is filed once per (reporter, client_msg_id), keeps the reported message's text as it was, is
// refused for a user who does not exist, and is listed (all, or open only, oldest first) and
// resolved once.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/chat_store.h"
#include "store/report_store.h"
#include "store/store_factory.h"
#include "store_backends/store_backend_fixture.h"

namespace mqchat::store {
namespace {

using test::StoreBackendTest;

class ReportStoreTest : public StoreBackendTest {
 protected:
  void SetUp() override {
    StoreBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto chat = OpenChatStore(config_);
    ASSERT_TRUE(chat.ok()) << chat.status().ToString();
    for (const char* user : {"alice", "bob", "mallory"}) {
      ASSERT_TRUE((*chat)->EnsureUser(user, 1000).ok()) << user;
    }
    auto reports = OpenReportStore(config_);
    ASSERT_TRUE(reports.ok()) << reports.status().ToString();
    store_ = std::move(reports).value();
  }

  static NewReport Make(const std::string& reporter, const std::string& id,
                        const std::string& user) {
    NewReport r;
    r.reporter = reporter;
    r.client_msg_id = id;
    r.reported_user = user;
    r.reason = "spam";
    r.details = "buy now";
    r.created_at_ms = 5000;
    return r;
  }

  ReportStorePtr store_;
};

TEST_P(ReportStoreTest, AReportIsFiledOncePerKeyAndKeepsTheMessageText) {
  NewReport r = Make("alice", "r1", "mallory");
  r.message = ReportedMessage{42, 7, "the offending text"};
  auto filed = store_->FileReport(r);
  ASSERT_TRUE(filed.ok()) << filed.status().ToString();
  EXPECT_FALSE(filed->duplicate);
  EXPECT_GT(filed->report.id, 0);
  ASSERT_TRUE(filed->report.filed.message.has_value());
  EXPECT_EQ(filed->report.filed.message->text, "the offending text");
  EXPECT_EQ(filed->report.filed.message->conversation_id, 42);
  EXPECT_EQ(filed->report.filed.message->seq, 7);
  EXPECT_FALSE(filed->report.resolved_at_ms.has_value());

  // A resend, even with other contents, is the report filed first.
  NewReport again = Make("alice", "r1", "bob");
  auto resent = store_->FileReport(again);
  ASSERT_TRUE(resent.ok()) << resent.status().ToString();
  EXPECT_TRUE(resent->duplicate);
  EXPECT_EQ(resent->report.id, filed->report.id);
  EXPECT_EQ(resent->report.filed.reported_user, "mallory");
  // The same key of another reporter is another report; a user report has no message.
  auto other = store_->FileReport(Make("bob", "r1", "mallory"));
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_FALSE(other->duplicate);
  EXPECT_NE(other->report.id, filed->report.id);
  EXPECT_FALSE(other->report.filed.message.has_value());
  EXPECT_EQ(other->report.filed.details, "buy now");

  auto all = store_->ListReports(/*open_only=*/false);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, filed->report.id);  // oldest first
}

TEST_P(ReportStoreTest, AnUnknownUserIsRefusedAndNothingIsStored) {
  auto r = store_->FileReport(Make("alice", "r1", "nobody"));
  EXPECT_EQ(r.status().code(), Code::kNotFound) << r.status().ToString();
  auto all = store_->ListReports(false);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());
}

TEST_P(ReportStoreTest, ResolvedReportsLeaveTheOpenQueue) {
  auto first = store_->FileReport(Make("alice", "r1", "mallory"));
  auto second = store_->FileReport(Make("bob", "r2", "mallory"));
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_TRUE(store_->ResolveReport(first->report.id, "dismissed", 9000).ok());
  EXPECT_EQ(store_->ResolveReport(first->report.id, "again", 9500).code(),
            Code::kFailedPrecondition);
  EXPECT_EQ(store_->ResolveReport(first->report.id + 100, "x", 9500).code(), Code::kNotFound);

  auto open = store_->ListReports(/*open_only=*/true);
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].id, second->report.id);
  auto all = store_->ListReports(false);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  ASSERT_TRUE((*all)[0].resolved_at_ms.has_value());
  EXPECT_EQ(*(*all)[0].resolved_at_ms, 9000);
  EXPECT_EQ((*all)[0].resolution, "dismissed");  // the first resolution stays
}

MQCHAT_INSTANTIATE_FOR_BACKENDS(ReportStoreTest);

}  // namespace
}  // namespace mqchat::store
