// Attachments in the store's pure halves (store/append_plan.h, store/attachments.h): AppendPlan
// looks each attachment id of a batch up once, refuses a message naming one that is not the
// sender's finished upload (naming it; nothing numbered), carries the shown metadata on the
// stored message and lists its message_attachments rows; a duplicate resend is still one.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "store/append_plan.h"
#include "store/attachments.h"
#include "store/push_job_plan.h"

namespace mqchat::store {
namespace {

const std::string kMine(32, 'a');
const std::string kBobs(32, 'b');
const std::string kHalf(32, 'c');
const std::string kNone(32, 'd');

AppendRequest Req(const std::string& id, std::vector<std::string> attachments) {
  AppendRequest r;
  r.conversation_id = 4;
  r.sender = "alice";
  r.client_msg_id = id;
  r.text = "";
  r.message_id = 1;
  r.created_at_ms = 100;
  r.attachments = std::move(attachments);
  return r;
}

std::optional<AttachmentState> Row(const std::string& id) {
  if (id == kNone) return std::nullopt;
  AttachmentState s;
  s.owner = id == kBobs ? "bob" : "alice";
  s.finished = id != kHalf;
  s.shown = protocol::WireAttachment{id, "f-" + id.substr(0, 1), "text/plain", 5, 0, 0, false};
  return s;
}

void Decide(AppendPlan& plan, std::optional<StoredMessage> existing = std::nullopt) {
  plan.SetLastSeq(4, 10);
  for (size_t k = 0; k < plan.keys().size(); ++k) plan.SetLookup(k, true, existing);
  for (size_t a = 0; a < plan.attachment_ids().size(); ++a) {
    plan.SetAttachment(a, Row(plan.attachment_ids()[a]));
  }
  ASSERT_TRUE(plan.Decide().ok());
}

TEST(AppendPlanAttachmentsTest, OnlyTheSendersFinishedUploadsAreCarried) {
  const std::vector<AppendRequest> batch = {Req("ok", {kMine}), Req("bobs", {kMine, kBobs}),
                                            Req("half", {kHalf}), Req("none", {kNone})};
  AppendPlan plan(batch);
  ASSERT_EQ(plan.attachment_ids(), (std::vector<std::string>{kMine, kBobs, kHalf, kNone}))
      << "each id looked up once";
  Decide(plan);
  const auto& results = plan.results();
  EXPECT_EQ(results[0].outcome, AppendOutcome::kStored);
  EXPECT_EQ(results[0].message.seq, 11);
  ASSERT_EQ(results[0].message.attachments.size(), 1u);
  EXPECT_EQ(results[0].message.attachments[0].name, "f-a");
  EXPECT_EQ(results[1].refusal, EventRefusal::kAttachmentUnknown) << "another's upload";
  EXPECT_EQ(results[1].refused_attachment, kBobs);
  EXPECT_EQ(results[2].refusal, EventRefusal::kAttachmentUnfinished);
  EXPECT_EQ(results[2].refused_attachment, kHalf);
  EXPECT_EQ(results[3].refusal, EventRefusal::kAttachmentUnknown) << "no such upload";
  for (size_t i : {1, 2, 3}) EXPECT_EQ(results[i].outcome, AppendOutcome::kRefused) << i;
  ASSERT_EQ(plan.new_indexes(), std::vector<size_t>{0}) << "refused requests take no seq";
  ASSERT_EQ(plan.attachment_links().size(), 1u);
  EXPECT_EQ(plan.attachment_links()[0].seq, 11);
  EXPECT_EQ(plan.attachment_links()[0].attachment_id, kMine);
}

TEST(AppendPlanAttachmentsTest, LinksArePositionedPerMessageAndResendsAreDuplicates) {
  const std::string other(32, 'e');
  const std::vector<AppendRequest> batch = {Req("m1", {kMine, other}), Req("m2", {other})};
  AppendPlan plan(batch);
  Decide(plan);
  const auto& links = plan.attachment_links();
  ASSERT_EQ(links.size(), 3u);
  EXPECT_EQ(links[0].seq, 11);
  EXPECT_EQ(links[0].position, 0);
  EXPECT_EQ(links[1].position, 1);
  EXPECT_EQ(links[2].seq, 12);
  EXPECT_EQ(links[2].position, 0) << "positions count within a message";

  StoredMessage original;
  original.seq = 3;
  const std::vector<AppendRequest> again = {Req("m1", {kHalf})};
  AppendPlan resend(again);
  Decide(resend, original);
  EXPECT_EQ(resend.results()[0].outcome, AppendOutcome::kDuplicate)
      << "the key decides before the attachments are checked";
  EXPECT_TRUE(resend.attachment_links().empty());
}

TEST(AttachmentColumnTest, RoundTripsAndBadValuesReadAsNone) {
  const std::vector<protocol::WireAttachment> list = {
      {kMine, "a.png", "image/png", 10, 3, 2, true}};
  EXPECT_EQ(AttachmentsColumn({}), "");
  EXPECT_EQ(ParseAttachmentsColumn(AttachmentsColumn(list)), list);
  EXPECT_TRUE(ParseAttachmentsColumn("").empty());
  EXPECT_TRUE(ParseAttachmentsColumn("[{\"id\":1}]").empty());
}

}  // namespace
}  // namespace mqchat::store

namespace mqchat::store {
namespace {

TEST(AttachmentPushPreviewTest, AMessageOfFilesOnlyIsPreviewedByItsFirstFilesName) {
  StoredMessage files;
  files.conversation_id = 4;
  files.seq = 1;
  files.sender = "alice";
  files.attachments = {protocol::WireAttachment{kMine, "beach.png", "image/png", 5, 2, 2, true},
                       protocol::WireAttachment{kBobs, "b.txt", "text/plain", 5, 0, 0, false}};
  const std::vector<std::string> recipients = {"bob"};
  auto drafts = CollapsePushJobs({NewMessage{&files, &recipients}});
  ASSERT_EQ(drafts.size(), 1u);
  EXPECT_EQ(drafts[0].preview_text, "[beach.png]");
  StoredMessage text = files;
  text.text = "look";
  drafts = CollapsePushJobs({NewMessage{&text, &recipients}});
  ASSERT_EQ(drafts.size(), 1u);
  EXPECT_EQ(drafts[0].preview_text, "look") << "text wins when there is some";
}

}  // namespace
}  // namespace mqchat::store
