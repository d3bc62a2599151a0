// LocalBlobStore on a temporary directory (the avatar store of the API service) and the image
// type sniffing that decides what may be an avatar.
#include <sys/stat.h>

#include <set>

#include <gtest/gtest.h>

#include "blob_store.h"
#include "image_type.h"
#include "local_blob_store.h"
#include "support/temp_dir.h"

namespace mqchat::api {
namespace {

using namespace std::string_literals;

class LocalBlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = LocalBlobStore::Open(dir_.File("data/blobs"), 1024);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
  }
  test::TempDir dir_{"mqchat-blobs"};
  BlobStorePtr store_;
};

TEST_F(LocalBlobStoreTest, PutGetDeleteRoundTrip) {
  const std::string data = "\x89PNG\r\n\x1a\n\0binary\xff"s;
  auto id = store_->Put(data);
  ASSERT_TRUE(id.ok()) << id.status().message();
  EXPECT_TRUE(IsBlobId(*id));
  auto got = store_->Get(*id);
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(*got, data);
  EXPECT_TRUE(store_->Delete(*id).ok());
  EXPECT_EQ(store_->Get(*id).status().code(), Code::kNotFound);
  EXPECT_TRUE(store_->Delete(*id).ok()) << "deleting twice is fine";
}

TEST_F(LocalBlobStoreTest, FilesAreOwnerOnlyAndIdsAreFreshEachTime) {
  std::set<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    auto id = store_->Put("same bytes");
    ASSERT_TRUE(id.ok());
    ids.insert(*id);
    struct stat st {};
    ASSERT_EQ(stat(dir_.File("data/blobs/" + id->substr(0, 2) + "/" + *id).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
  EXPECT_EQ(ids.size(), 20u) << "random ids, never derived from the content";
  struct stat st {};
  ASSERT_EQ(stat(dir_.File("data/blobs").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(LocalBlobStoreTest, RefusesOversizeBlobsAndWritesNothing) {
  EXPECT_TRUE(store_->Put(std::string(1024, 'x')).ok());
  auto over = store_->Put(std::string(1025, 'x'));
  EXPECT_EQ(over.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(store_->max_bytes(), 1024u);
}

TEST_F(LocalBlobStoreTest, MalformedIdsNeverReachTheFileSystem) {
  test::WriteFile(dir_.File("secret"), "top secret");
  for (const std::string id : {"", "../../secret", "../secret", "ab/../../secret",
                               "0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef"}) {
    EXPECT_EQ(store_->Get(id).status().code(), Code::kNotFound) << id;
    EXPECT_TRUE(store_->Delete(id).ok()) << id;
  }
  EXPECT_EQ(test::ReadFile(dir_.File("secret")), "top secret");
  EXPECT_EQ(store_->Get("0123456789abcdef0123456789abcdef").status().code(), Code::kNotFound);
}

TEST(LocalBlobStoreOpenTest, RefusesAnEmptyDirectoryOrZeroLimit) {
  EXPECT_EQ(LocalBlobStore::Open("", 10).status().code(), Code::kInvalidArgument);
  test::TempDir dir;
  EXPECT_EQ(LocalBlobStore::Open(dir.path(), 0).status().code(), Code::kInvalidArgument);
}

TEST(BlobIdTest, ShapeIsThirtyTwoLowerHexDigits) {
  auto id = NewBlobId();
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->size(), 32u);
  EXPECT_TRUE(IsBlobId(*id));
  EXPECT_NE(*id, *NewBlobId());
  EXPECT_FALSE(IsBlobId(id->substr(1)));
  EXPECT_FALSE(IsBlobId("g" + id->substr(1)));
}

TEST(ImageTypeTest, SniffsTheFourAvatarTypesByMagicBytes) {
  EXPECT_EQ(SniffImageType("\x89PNG\r\n\x1a\n rest"s), "image/png");
  EXPECT_EQ(SniffImageType("\xff\xd8\xff\xe0 rest"s), "image/jpeg");
  EXPECT_EQ(SniffImageType("GIF89a rest"), "image/gif");
  EXPECT_EQ(SniffImageType("GIF87a rest"), "image/gif");
  EXPECT_EQ(SniffImageType("RIFF\x10\0\0\0WEBPVP8 rest"s), "image/webp");
}

TEST(ImageTypeTest, RefusesEverythingElse) {
  EXPECT_EQ(SniffImageType(""), std::nullopt);
  EXPECT_EQ(SniffImageType("\x89PNG"), std::nullopt) << "truncated";
  EXPECT_EQ(SniffImageType("<svg xmlns='http://www.w3.org/2000/svg'/>"), std::nullopt);
  EXPECT_EQ(SniffImageType("RIFF\x10\0\0\0WAVEfmt rest"s), std::nullopt);
  EXPECT_EQ(SniffImageType("GIF90a"), std::nullopt);
  EXPECT_EQ(SniffImageType("%PDF-1.7"), std::nullopt);
}

}  // namespace
}  // namespace mqchat::api
