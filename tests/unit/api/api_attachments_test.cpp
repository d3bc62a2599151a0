// Attachments in the API service without a socket: the content sniffing and claim rules, the
// header dimensions and thumbnails of pictures, the URL signer, and the sweep of unsent uploads
// on a temporary SQLite store (a referenced upload survives it; an old unreferenced one goes
// with its blobs and spool file; a young one stays).
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "attachment_store.h"
#include "file_type.h"
#include "local_blob_store.h"
#include "store_pool.h"
#include "support/temp_dir.h"
#include "thumbnailer.h"
#include "upload_spool.h"
#include "upload_sweeper.h"
#include "url_signer.h"

namespace mqchat::api {
namespace {

using namespace std::string_literals;

TEST(AttachmentFileTypeTest, TypeIsToldByContentAndClaimsAreChecked) {
  EXPECT_EQ(SniffContentType("\x89PNG\r\n\x1a\n rest"s), "image/png");
  EXPECT_EQ(SniffContentType("%PDF-1.7"), "application/pdf");
  EXPECT_EQ(SniffContentType("hello\nworld"), "text/plain");
  EXPECT_EQ(SniffContentType("\x00\x01"s), "application/octet-stream");
  EXPECT_EQ(NormalizeContentType("Image/JPG; q=1"), "image/jpeg");
  EXPECT_TRUE(ClaimMatches("image/png", "image/png"));
  EXPECT_FALSE(ClaimMatches("image/png", "text/plain"));
  EXPECT_FALSE(ClaimMatches("image/x-unknown", "application/octet-stream"));
  EXPECT_FALSE(ClaimMatches("application/pdf", "image/jpeg"));
  EXPECT_TRUE(ClaimMatches("text/csv", "text/plain"));
  EXPECT_FALSE(ClaimMatches("text/csv", "application/octet-stream"));
  EXPECT_TRUE(ClaimMatches("", "image/gif"));
  EXPECT_TRUE(ClaimMatches("application/octet-stream", "application/zip"));
  EXPECT_TRUE(ClaimMatches("application/vnd.ms-excel", "application/octet-stream"));
}

TEST(AttachmentPictureTest, HeaderSizesAndBombsRefused) {
  const std::string gif = "GIF89a\x40\x01\xc8\x00"s;  // 320 x 200
  auto size = ReadImageSize("image/gif", gif);
  ASSERT_TRUE(size.has_value());
  EXPECT_EQ(size->width, 320);
  EXPECT_EQ(size->height, 200);
  EXPECT_FALSE(ReadImageSize("image/png", "\x89PNG\r\n\x1a\n short"s).has_value());
  EXPECT_EQ(FitWithin({1000, 500}, 320).width, 320);
  EXPECT_EQ(FitWithin({1000, 500}, 320).height, 160);
  EXPECT_EQ(FitWithin({10, 5}, 320).width, 10) << "never enlarged";
  // A PNG header declaring 100000 x 100000 pixels: refused before decoding.
  std::string bomb = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\x01\x86\xa0\0\x01\x86\xa0\x08\x02\0\0\0"s;
  EXPECT_FALSE(MakeThumbnail("image/png", bomb, 320).ok());
  EXPECT_FALSE(MakeThumbnail("image/jpeg", "\xff\xd8\xff garbage"s, 320).ok());
  EXPECT_FALSE(MakeThumbnail("image/gif", gif, 320).ok());
}

TEST(AttachmentUrlSignerTest, SignsEveryPartAndNeedsALongSecret) {
  EXPECT_FALSE(UrlSigner::Create("short").ok());
  auto signer = UrlSigner::Create(std::string(32, 'k'));
  ASSERT_TRUE(signer.ok());
  SignedFile file{std::string(32, 'a'), "original", "alice", 1000};
  const std::string url = signer->Sign(file);
  const std::string sig = url.substr(url.find("sig=") + 4);
  EXPECT_TRUE(signer->Verify(file, sig));
  for (auto change : {+[](SignedFile& f) { f.user = "bob"; },
                      +[](SignedFile& f) { f.variant = "thumbnail"; },
                      +[](SignedFile& f) { f.expires_s += 1; },
                      +[](SignedFile& f) { f.id[0] = 'b'; }}) {
    SignedFile altered = file;
    change(altered);
    EXPECT_FALSE(signer->Verify(altered, sig));
  }
  auto other = UrlSigner::Create(std::string(32, 'j'));
  EXPECT_FALSE(other->Verify(file, sig)) << "another secret";
}

TEST(UploadSweeperTest, PurgesOldUnreferencedUploadsWithTheirFiles) {
  test::TempDir dir("mqchat-sweep");
  store::StoreConfig config;
  config.sqlite_path = dir.File("mqchat.db");
  StorePool pool(config, 2);
  auto files = LocalBlobStore::Open(dir.File("files"), 1 << 20);
  ASSERT_TRUE(files.ok());
  auto spool = UploadSpool::Open(dir.File("uploads"));
  ASSERT_TRUE(spool.ok());
  const int64_t day_ms = 86400 * 1000;
  int64_t now = 10 * day_ms;
  {
    auto lease = pool.Acquire();
    ASSERT_TRUE(lease.ok());
    auto make = [&](const std::string& id, int64_t created, bool finished) {
      AttachmentRecord r;
      r.id = id;
      r.owner = "alice";
      r.name = id.substr(0, 4);
      r.size = 3;
      r.created_at_ms = created;
      ASSERT_TRUE(lease->attachments().Create(r).ok());
      ASSERT_TRUE(spool->Write(id, 0, "abc").ok());
      if (!finished) return;
      r.blob_id = (*files)->Put("abc").value();
      r.content_type = "text/plain";
      ASSERT_TRUE(lease->attachments().Finish(r, created).value());
    };
    make(std::string(32, '1'), now - 2 * day_ms, true);   // old, unsent: goes
    make(std::string(32, '2'), now - 2 * day_ms, false);  // old, never finished: goes
    make(std::string(32, '3'), now - day_ms / 2, true);   // young: stays
    make(std::string(32, '4'), now - 2 * day_ms, true);   // old, but a message carries it
  }
  {
    // What a broker does when a message takes it (migration 020).
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(config.sqlite_path.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, "UPDATE attachments SET referenced_at_ms = 1 WHERE id LIKE '4%'",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  AttachmentConfig options;
  UploadSweeper sweeper(&pool, files->get(), &*spool, options, [&] { return now; });
  auto purged = sweeper.SweepOnce();
  ASSERT_TRUE(purged.ok()) << purged.status().message();
  EXPECT_EQ(*purged, 2);
  auto lease = pool.Acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_FALSE(lease->attachments().Get(std::string(32, '1')).value().has_value());
  EXPECT_FALSE(lease->attachments().Get(std::string(32, '2')).value().has_value());
  EXPECT_TRUE(lease->attachments().Get(std::string(32, '3')).value().has_value());
  EXPECT_TRUE(lease->attachments().Get(std::string(32, '4')).value().has_value());
  EXPECT_FALSE(spool->Read(std::string(32, '2'), 3).ok()) << "its spool file went too";
  EXPECT_TRUE(spool->Read(std::string(32, '3'), 3).ok());
  now += day_ms;
  EXPECT_EQ(sweeper.SweepOnce().value(), 1) << "a day later the young one goes";
  EXPECT_EQ(sweeper.SweepOnce().value(), 0) << "the referenced one is never purged";
}

}  // namespace
}  // namespace mqchat::api
