// Attachments in the SDK's cache (schema version 4; docs/PROTOCOL.md "Attachments"): a message's
// attachments are stored with it and read back in order (offline history shows them); a
// deletion leaves the tombstone without them; an outbox entry keeps its attachment ids.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/fields.h"
#include "src/local_cache.h"

namespace mqchat::sdk {
namespace {

namespace values = protocol::values;

const Attachment kPicture{std::string(32, 'a'), "beach.png", "image/png", 4821, 640, 400, true};
const Attachment kNotes{std::string(32, 'b'), "notes.txt", "text/plain", 12, 0, 0, false};

void ExpectSame(const std::vector<Attachment>& got, const std::vector<Attachment>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].id, want[i].id) << i;
    EXPECT_EQ(got[i].name, want[i].name) << i;
    EXPECT_EQ(got[i].content_type, want[i].content_type) << i;
    EXPECT_EQ(got[i].size, want[i].size) << i;
    EXPECT_EQ(got[i].width, want[i].width) << i;
    EXPECT_EQ(got[i].height, want[i].height) << i;
    EXPECT_EQ(got[i].thumbnail, want[i].thumbnail) << i;
  }
}

TEST(AttachmentsCacheTest, StoredWithTheMessageAndGoneWithItsDeletion) {
  auto cache = LocalCache::Open("", "alice");
  ASSERT_TRUE(cache.ok()) << cache.status().ToString();
  LogEntry m;
  m.message = Message{7, 1, 101, "bob", "b1", "", 5};
  m.message.attachments = {kPicture, kNotes};
  ASSERT_TRUE(*(*cache)->PutEntry(m));
  auto read = (*cache)->Messages(7, 0, INT64_MAX, 10);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 1u);
  ExpectSame((*read)[0].attachments, {kPicture, kNotes});

  LogEntry del;
  del.message = Message{7, 2, 102, "bob", "b2", "", 9};
  del.kind = std::string(values::kEventDelete);
  del.target_seq = 1;
  ASSERT_TRUE(*(*cache)->PutEntry(del));
  ASSERT_TRUE((*cache)->ApplyEvent(del).ok());
  auto after = (*cache)->Messages(7, 0, INT64_MAX, 10);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_TRUE((*after)[0].deleted);
  EXPECT_TRUE((*after)[0].attachments.empty()) << "a tombstone carries no files";
}

TEST(AttachmentsCacheTest, OutboxEntriesKeepTheirAttachmentIds) {
  auto cache = LocalCache::Open("", "alice");
  ASSERT_TRUE(cache.ok());
  OutboxEntry e;
  e.client_msg_id = "a1";
  e.conversation_id = 7;
  e.created_ms = 6;
  e.attachments = {kPicture.id, kNotes.id};
  ASSERT_TRUE((*cache)->AddOutbox(e).ok());
  OutboxEntry plain = e;
  plain.client_msg_id = "a2";
  plain.text = "hi";
  plain.attachments.clear();
  ASSERT_TRUE((*cache)->AddOutbox(plain).ok());
  auto outbox = (*cache)->Outbox();
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ(outbox->size(), 2u);
  EXPECT_EQ((*outbox)[0].attachments, (std::vector<std::string>{kPicture.id, kNotes.id}));
  EXPECT_TRUE((*outbox)[1].attachments.empty());
}

}  // namespace
}  // namespace mqchat::sdk
