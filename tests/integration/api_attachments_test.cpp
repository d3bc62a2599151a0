// The real mqchat-api beside a real broker on the same store, on SQLite and PostgreSQL:
// attachments. A picture uploaded in chunks (restartable: progress asked, a chunk sent again)
// gets its type from its content, its dimensions and a thumbnail; download links are signed
// for one user and expire (a forged, altered or expired link is refused; a user who may not
// read the attachment gets nothing even with a validly signed link); a file whose content is
// not what it claims is refused; an oversize upload is refused before its bytes reach the disk.
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <png.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "mqchat/api_client.h"
#include "support/api_process.h"
#include "support/chat_client.h"
#include "support/chat_server.h"
#include "support/rsa_keys.h"
#include "support/temp_dir.h"

namespace mqchat::test {
namespace {

constexpr int kMaxBytes = 1000000;
constexpr int kChunkBytes = 65536;
const std::string kSecret(40, 's');

// A `width` x `height` RGB PNG of noise (incompressible: it needs several chunks).
std::string MakePng(int width, int height) {
  std::vector<unsigned char> pixels(static_cast<size_t>(width) * height * 3);
  uint32_t noise = 12345;  // an LCG: noise does not compress
  for (auto& p : pixels) {
    noise = noise * 1103515245u + 12345u;
    p = static_cast<unsigned char>(noise >> 24);
  }
  png_image image;
  std::memset(&image, 0, sizeof(image));
  image.version = PNG_IMAGE_VERSION;
  image.width = width;
  image.height = height;
  image.format = PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  EXPECT_TRUE(png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), 0, nullptr));
  std::string out(size, '\0');
  EXPECT_TRUE(png_image_write_to_memory(&image, &out[0], &size, 0, pixels.data(), 0, nullptr));
  out.resize(size);
  return out;
}

std::string Sign(const std::string& id, const std::string& variant, const std::string& user,
                 int64_t expires_s) {
  const std::string message = id + '\n' + variant + '\n' + user + '\n' + std::to_string(expires_s);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string sig;
  for (unsigned i = 0; i < len; ++i) {
    sig.push_back(kHex[mac[i] >> 4]);
    sig.push_back(kHex[mac[i] & 15]);
  }
  return "/v1/files/" + id + "?variant=" + variant + "&user=" + user +
         "&expires=" + std::to_string(expires_s) + "&sig=" + sig;
}

int64_t NowS() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Bytes of regular files under `dir`, recursively.
int64_t DiskBytes(const std::string& dir);

class ApiAttachmentsTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    key_dir_ = std::make_unique<TempDir>("mqchat-keys");
    WriteFile(key_dir_->File("api.pub.pem"), TestRsaKeys().public_pem);
    WriteFile(key_dir_->File("url.secret"), kSecret);
    ChatServerOptions opts;
    opts.store = GetParam();
    opts.plugin_opts = {{"jwt_rs256_public_key_file", key_dir_->File("api.pub.pem")}};
    server_ = ChatServer::Create(std::move(opts));
    if (!server_) return;
    blob_dir_ = std::make_unique<TempDir>("mqchat-blobs");
    api_ = std::make_unique<ApiProcess>(
        server_->store_config(),
        std::vector<std::pair<std::string, std::string>>{
            {"blob_dir", blob_dir_->File("blobs")},
            {"max_attachment_bytes", std::to_string(kMaxBytes)},
            {"upload_chunk_bytes", std::to_string(kChunkBytes)},
            {"upload_min_free_bytes", "0"},
            {"attachment_url_secret_file", key_dir_->File("url.secret")}});
    ASSERT_TRUE(server_->Start());
    ASSERT_TRUE(api_->Start());
  }

  std::string Join(const std::string& user) {
    nlohmann::json body = {{"username", user}, {"password", user + " password"}};
    EXPECT_EQ(api_->Post("/v1/signup", body).status, 201);
    auto login = api_->Post("/v1/login", body);
    EXPECT_EQ(login.status, 200) << login.body;
    return login.json.value("access_token", "");
  }

  ApiReply Create(const std::string& token, const std::string& name, int64_t size,
                  const std::string& type) {
    nlohmann::json body = {{"name", name}, {"size", size}};
    if (!type.empty()) body["content_type"] = type;
    return api_->Call("POST", "/v1/uploads", token, body.dump(), "application/json");
  }
  ApiReply Chunk(const std::string& token, const std::string& id, int64_t offset,
                 const std::string& bytes) {
    return api_->Call("PUT", "/v1/uploads/" + id + "?offset=" + std::to_string(offset), token,
                      bytes, "application/octet-stream");
  }
  // Uploads `data` in chunks and finishes it: the finish reply.
  ApiReply Upload(const std::string& token, const std::string& name, const std::string& data,
                  const std::string& type) {
    auto created = Create(token, name, static_cast<int64_t>(data.size()), type);
    EXPECT_EQ(created.status, 201) << created.body;
    const std::string id = created.json.value("id", "");
    for (size_t at = 0; at < data.size(); at += kChunkBytes) {
      auto put = Chunk(token, id, static_cast<int64_t>(at), data.substr(at, kChunkBytes));
      EXPECT_EQ(put.status, 200) << put.body;
    }
    return api_->Call("POST", "/v1/uploads/" + id + "/finish", token);
  }
  std::string UploadsDir() const { return blob_dir_->File("blobs") + "/uploads"; }

  std::unique_ptr<TempDir> key_dir_;
  std::unique_ptr<TempDir> blob_dir_;
  std::unique_ptr<ChatServer> server_;
  std::unique_ptr<ApiProcess> api_;
};

#define REQUIRE_SERVERS() \
  if (!server_ || !api_) GTEST_SKIP() << "servers not available"

TEST_P(ApiAttachmentsTest, PictureUploadedInRestartableChunksGetsSizeAndThumbnail) {
  REQUIRE_SERVERS();
  const std::string alice = Join("alice");
  const std::string png = MakePng(640, 400);
  ASSERT_GT(png.size(), 2u * kChunkBytes) << "needs several chunks";
  ASSERT_LT(png.size(), static_cast<size_t>(kMaxBytes));
  auto created = Create(alice, "beach.png", static_cast<int64_t>(png.size()), "image/png");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json["received"], 0);
  EXPECT_EQ(created.json["chunk_bytes"], kChunkBytes);
  const std::string id = created.json["id"];

  ASSERT_EQ(Chunk(alice, id, 0, png.substr(0, kChunkBytes)).status, 200);
  // The connection drops; the client asks how far the service got and goes on from there,
  // sending part of what it had sent again.
  auto progress = api_->Call("GET", "/v1/uploads/" + id, alice);
  ASSERT_EQ(progress.status, 200);
  EXPECT_EQ(progress.json["received"], kChunkBytes);
  EXPECT_EQ(progress.json["finished"], false);
  EXPECT_EQ(Chunk(alice, id, 2 * kChunkBytes, "x").error_code(), "INVALID") << "no holes";
  EXPECT_EQ(api_->Call("POST", "/v1/uploads/" + id + "/finish", alice).error_code(), "INVALID")
      << "incomplete";
  for (size_t at = kChunkBytes / 2; at < png.size(); at += kChunkBytes) {
    auto put = Chunk(alice, id, static_cast<int64_t>(at), png.substr(at, kChunkBytes));
    ASSERT_EQ(put.status, 200) << put.body;
  }
  auto finished = api_->Call("POST", "/v1/uploads/" + id + "/finish", alice);
  ASSERT_EQ(finished.status, 200) << finished.body;
  EXPECT_EQ(finished.json["content_type"], "image/png");
  EXPECT_EQ(finished.json["name"], "beach.png");
  EXPECT_EQ(finished.json["size"], png.size());
  EXPECT_EQ(finished.json["width"], 640);
  EXPECT_EQ(finished.json["height"], 400);
  ASSERT_TRUE(finished.json["thumbnail"].is_object()) << finished.body;
  EXPECT_EQ(finished.json["thumbnail"]["width"], 320);
  EXPECT_EQ(finished.json["thumbnail"]["height"], 200);

  auto original = api_->Get(finished.json["url"]);
  ASSERT_EQ(original.status, 200) << original.body;
  EXPECT_EQ(original.body, png) << "the bytes, chunk retries and all";
  EXPECT_EQ(original.content_type, "image/png");
  auto thumb = api_->Get(finished.json["thumbnail"]["url"]);
  ASSERT_EQ(thumb.status, 200);
  EXPECT_EQ(thumb.content_type, "image/jpeg");
  EXPECT_EQ(thumb.body.substr(0, 3), "\xff\xd8\xff");
  EXPECT_LT(thumb.body.size(), png.size());
  EXPECT_EQ(DiskBytes(UploadsDir()), 0) << "the spool file went with the finish";
  // Another user, who shares no conversation where it was sent, sees nothing.
  const std::string bob = Join("bob");
  EXPECT_EQ(api_->Call("GET", "/v1/attachments/" + id, bob).status, 404);
  EXPECT_EQ(api_->Call("GET", "/v1/uploads/" + id, bob).status, 404);
  EXPECT_EQ(api_->Call("GET", "/v1/attachments/" + id, alice).status, 200);
}

TEST_P(ApiAttachmentsTest, ForgedAlteredExpiredOrForeignLinksAreRefused) {
  REQUIRE_SERVERS();
  const std::string alice = Join("alice");
  Join("bob");
  auto done = Upload(alice, "notes.txt", "plain words\n", "text/plain");
  ASSERT_EQ(done.status, 200) << done.body;
  const std::string id = done.json["id"];
  const std::string url = done.json["url"];
  ASSERT_EQ(api_->Get(url).status, 200);
  EXPECT_EQ(api_->Get(url).body, "plain words\n");
  EXPECT_EQ(api_->Get(Sign(id, "original", "alice", NowS() + 60)).status, 200)
      << "the test signs as the service does";

  std::string forged = url;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(api_->Get(forged).error_code(), "FORBIDDEN");
  std::string altered = url;
  altered.replace(altered.find("user=alice"), 10, "user=bob");
  EXPECT_EQ(api_->Get(altered).error_code(), "FORBIDDEN") << "the user is signed";
  auto expired = api_->Get(Sign(id, "original", "alice", NowS() - 1));
  EXPECT_EQ(expired.status, 403);
  EXPECT_NE(expired.body.find("expired"), std::string::npos) << expired.body;
  auto foreign = api_->Get(Sign(id, "original", "bob", NowS() + 60));
  EXPECT_EQ(foreign.status, 403) << "validly signed, but bob may not read it";
  EXPECT_EQ(api_->Get("/v1/files/" + id).status, 403);
  EXPECT_EQ(api_->Get(Sign(id, "thumbnail", "alice", NowS() + 60)).status, 404)
      << "text has no thumbnail";
}

TEST_P(ApiAttachmentsTest, ContentThatIsNotWhatItClaimsIsRefused) {
  REQUIRE_SERVERS();
  const std::string alice = Join("alice");
  auto fake = Upload(alice, "cat.png", "<html><script>alert(1)</script></html>", "image/png");
  EXPECT_EQ(fake.status, 415) << fake.body;
  EXPECT_EQ(fake.error_code(), "UNSUPPORTED_MEDIA_TYPE");
  auto jpeg_as_pdf = Upload(alice, "report.pdf", "\xff\xd8\xff\xe0 not a pdf", "application/pdf");
  EXPECT_EQ(jpeg_as_pdf.status, 415);
  auto binary_as_text = Upload(alice, "a.txt", std::string("\x00\x01\x02", 3), "text/plain");
  EXPECT_EQ(binary_as_text.status, 415);
  EXPECT_EQ(DiskBytes(UploadsDir()), 0) << "refused uploads leave nothing behind";
  // With no claim, the content decides what is recorded and served.
  auto unclaimed = Upload(alice, "photo", MakePng(8, 8), "");
  ASSERT_EQ(unclaimed.status, 200) << unclaimed.body;
  EXPECT_EQ(unclaimed.json["content_type"], "image/png");
  auto odd = Upload(alice, "data.bin", std::string("\x00\x9f\x92\x96", 4),
                    "application/octet-stream");
  ASSERT_EQ(odd.status, 200) << odd.body;
  EXPECT_EQ(odd.json["content_type"], "application/octet-stream");
  auto served = api_->Get(odd.json["url"]);
  EXPECT_EQ(served.status, 200);
  EXPECT_EQ(served.content_type, "application/octet-stream");
}

TEST_P(ApiAttachmentsTest, OversizeUploadsAreRefusedWithoutFillingTheDisk) {
  REQUIRE_SERVERS();
  const std::string alice = Join("alice");
  // A declared size over the limit: refused before any byte.
  auto big = Create(alice, "movie.mp4", kMaxBytes + 1, "video/mp4");
  EXPECT_EQ(big.status, 413) << big.body;
  EXPECT_EQ(big.error_code(), "TOO_LARGE");
  // A client that declares little and sends more: the chunk past the size is not written.
  auto small = Create(alice, "small.bin", 1000, "");
  ASSERT_EQ(small.status, 201);
  const std::string id = small.json["id"];
  EXPECT_EQ(Chunk(alice, id, 0, std::string(1001, 'x')).status, 413);
  ASSERT_EQ(Chunk(alice, id, 0, std::string(600, 'x')).status, 200);
  EXPECT_EQ(Chunk(alice, id, 600, std::string(401, 'x')).status, 413);
  EXPECT_EQ(Chunk(alice, id, 500, std::string(kChunkBytes + 1, 'x')).status, 413)
      << "over the chunk limit: refused from its Content-Length";
  EXPECT_LE(DiskBytes(UploadsDir()), 1000) << "never more than the declared size";
  EXPECT_EQ(api_->Call("GET", "/v1/uploads/" + id, alice).json["received"], 600);
  // Many declared uploads hold no disk, and their number is bounded.
  int accepted = 0;
  for (int i = 0; i < 25; ++i) {
    if (Create(alice, "f" + std::to_string(i), kMaxBytes, "").status == 201) ++accepted;
  }
  EXPECT_EQ(accepted, 19) << "uploads_per_user (20) counts the one above";
  EXPECT_EQ(Create(alice, "one.more", 10, "").error_code(), "RATE_LIMITED");
  EXPECT_LE(DiskBytes(UploadsDir()), 1000);
  // Refusals of malformed uploads.
  EXPECT_EQ(Create(alice, "../etc/passwd", 10, "").status, 422);
  EXPECT_EQ(Create(alice, "", 10, "").status, 422);
  EXPECT_EQ(Create(alice, "x", 0, "").status, 422);
  EXPECT_EQ(Create("", "x", 10, "").status, 401);
}

int64_t DiskBytes(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code error;
  int64_t total = 0;
  for (fs::recursive_directory_iterator it(dir, error), end; !error && it != end;
       it.increment(error)) {
    if (it->is_regular_file(error)) total += static_cast<int64_t>(it->file_size(error));
  }
  return total;
}

TEST_P(ApiAttachmentsTest, SdkUploadsWithProgressAndDownloads) {
  REQUIRE_SERVERS();
  const std::string alice = Join("alice");
  auto api = ApiClient::Create("http://127.0.0.1:" + std::to_string(api_->port()));
  ASSERT_TRUE(api.ok());
  const std::string png = MakePng(500, 300);
  std::vector<int64_t> seen;
  auto uploaded = (*api)->Upload(alice, "sunset.png", png, "image/png",
                                 [&](int64_t received, int64_t total) {
                                   EXPECT_EQ(total, static_cast<int64_t>(png.size()));
                                   seen.push_back(received);
                                   return true;
                                 });
  ASSERT_TRUE(uploaded.ok()) << uploaded.status().message();
  ASSERT_EQ(seen.size(), (png.size() + kChunkBytes - 1) / kChunkBytes) << "one call a chunk";
  EXPECT_EQ(seen.back(), static_cast<int64_t>(png.size()));
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(uploaded->content_type, "image/png");
  EXPECT_EQ(uploaded->width, 500);
  EXPECT_EQ(uploaded->thumbnail_width, 320);
  EXPECT_EQ(uploaded->thumbnail_height, 192);
  auto original = (*api)->Download(uploaded->url);
  ASSERT_TRUE(original.ok()) << original.status().message();
  EXPECT_EQ(*original, png);
  auto thumb = (*api)->Download(uploaded->thumbnail_url);
  ASSERT_TRUE(thumb.ok());
  EXPECT_EQ(thumb->substr(0, 3), "\xff\xd8\xff");
  auto fresh = (*api)->Attachment(alice, uploaded->id);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->name, "sunset.png");

  auto refused = (*api)->Upload(alice, "fake.jpg", "not a picture", "image/jpeg");
  EXPECT_EQ(refused.status().code(), Code::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("UNSUPPORTED_MEDIA_TYPE"), std::string::npos);
  auto stopped = (*api)->Upload(alice, "big.bin", std::string(3 * kChunkBytes, 'z'), "",
                                [](int64_t, int64_t) { return false; });
  EXPECT_EQ(stopped.status().code(), Code::kCancelled);
  const std::string bob = Join("bob");
  EXPECT_EQ((*api)->Attachment(bob, uploaded->id).status().code(), Code::kNotFound);
  EXPECT_EQ((*api)->Download("/v1/users/alice").status().code(), Code::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Stores, ApiAttachmentsTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         [](const auto& info) { return StoreKindName(info.param); });

}  // namespace
}  // namespace mqchat::test
