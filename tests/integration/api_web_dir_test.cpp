// mqchat-api serving the web app (`web_dir`, api/src/static_files.h): real Content-Types (the
// service worker needs a JavaScript one), no-cache on the page, its worker and its config,
// index.html for "/", a JSON 404 for what is not there, nothing outside the directory (`..`,
// encoded or not, symlinks out, dotfiles), /v1 untouched, the front gate counting file requests,
// and no files at all without the option.
// Requests go over a raw socket so that paths reach the service exactly as written.
#include <arpa/inet.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <map>
#include <string>

#include "support/api_process.h"
#include "support/chat_server.h"
#include "support/temp_dir.h"

namespace mqchat::test {
namespace {

struct RawReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// One request with "Connection: close", read to the end.
RawReply Raw(int port, const std::string& method, const std::string& target) {
  RawReply reply;
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return reply;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string in;
  if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
    const std::string request =
        method + " " + target +
        " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
    if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buf[65536];
      ssize_t n;
      while ((n = read(fd, buf, sizeof buf)) > 0) in.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  const size_t end = in.find("\r\n\r\n");
  if (in.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) return reply;
  reply.status = std::stoi(in.substr(9, 3));
  size_t line = in.find("\r\n") + 2;
  while (line < end) {
    const size_t next = in.find("\r\n", line);
    const std::string h = in.substr(line, next - line);
    const size_t colon = h.find(':');
    if (colon != std::string::npos) {
      std::string name = h.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      reply.headers[name] = h.substr(h.find_first_not_of(' ', colon + 1));
    }
    line = next + 2;
  }
  reply.body = in.substr(end + 4);
  return reply;
}

class ApiWebDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ChatServerOptions o;
    o.store = StoreKind::kSqlite;
    server_ = ChatServer::Create(std::move(o));
    ASSERT_TRUE(server_);
    // The web dir inside `outer_`, next to a secret that must never be served.
    web_ = outer_.path() + "/web";
    ASSERT_EQ(mkdir(web_.c_str(), 0755), 0);
    ASSERT_EQ(mkdir((web_ + "/icons").c_str(), 0755), 0);
    WriteFile(outer_.File("secret.txt"), "SECRET-OUTSIDE");
    WriteFile(web_ + "/index.html", "<!doctype html><title>mqchat</title>");
    WriteFile(web_ + "/sw.js", "self.addEventListener('fetch', () => {});");
    WriteFile(web_ + "/config.json", R"({"api": "http://127.0.0.1"})");
    WriteFile(web_ + "/manifest.webmanifest", R"({"name": "mqchat"})");
    WriteFile(web_ + "/icons/icon-192.png", std::string("\x89PNG\r\n\x1a\n", 8));
    WriteFile(web_ + "/styles.css", "body{}");
    WriteFile(web_ + "/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>");
    WriteFile(web_ + "/.htpasswd", "hidden");
    ASSERT_EQ(symlink((outer_.path() + "/secret.txt").c_str(), (web_ + "/out.txt").c_str()), 0);
    ASSERT_EQ(symlink(outer_.path().c_str(), (web_ + "/up").c_str()), 0);
    ASSERT_EQ(symlink("index.html", (web_ + "/home.html").c_str()), 0);  // inside: served
    // A file where an API route is: the route still answers.
    ASSERT_EQ(mkdir((web_ + "/v1").c_str(), 0755), 0);
    WriteFile(web_ + "/v1/health", "FILE-NOT-ROUTE");
  }

  TempDir outer_{"mqchat-webdir"};
  std::string web_;
  std::unique_ptr<ChatServer> server_;
};

TEST_F(ApiWebDirTest, ServesTheAppWithItsTypesAndNoCacheOnPageWorkerAndConfig) {
  ApiProcess api(server_->store_config(), {{"web_dir", web_}});
  ASSERT_TRUE(api.Start());
  struct Case {
    const char* path;
    const char* type;
    bool no_cache;
  };
  const Case cases[] = {
      {"/index.html", "text/html", true},
      {"/sw.js", "text/javascript", true},
      {"/config.json", "application/json", true},
      {"/manifest.webmanifest", "application/manifest+json", false},
      {"/icons/icon-192.png", "image/png", false},
      {"/styles.css", "text/css", false},
      {"/logo.svg", "image/svg+xml", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    RawReply r = Raw(api.port(), "GET", c.path);
    EXPECT_EQ(r.status, 200) << r.body;
    // The type itself, before any "; charset=...".
    EXPECT_EQ(r.headers["content-type"].substr(0, r.headers["content-type"].find(';')), c.type);
    EXPECT_EQ(r.headers["x-content-type-options"], "nosniff");
    if (c.no_cache) {
      EXPECT_EQ(r.headers["cache-control"], "no-cache");
    } else {
      EXPECT_EQ(r.headers.count("cache-control"), 0u);
    }
    EXPECT_EQ(r.body, ReadFile(web_ + c.path));
  }
  // "/" is index.html, no-cache too; a query string does not matter.
  for (const char* root : {"/", "/?api=x"}) {
    RawReply r = Raw(api.port(), "GET", root);
    EXPECT_EQ(r.status, 200) << root;
    EXPECT_EQ(r.body, ReadFile(web_ + "/index.html")) << root;
    EXPECT_EQ(r.headers["cache-control"], "no-cache") << root;
  }
  // HEAD: the type, no body.
  RawReply head = Raw(api.port(), "HEAD", "/sw.js");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["content-type"].substr(0, 15), "text/javascript");
  EXPECT_TRUE(head.body.empty());
  // A symlink that stays inside the directory is served.
  EXPECT_EQ(Raw(api.port(), "GET", "/home.html").status, 200);
}

TEST_F(ApiWebDirTest, MissingFilesAndEverythingOutsideTheDirectoryAreJson404) {
  ApiProcess api(server_->store_config(), {{"web_dir", web_}});
  ASSERT_TRUE(api.Start());
  const char* refused[] = {
      "/missing.js",
      "/icons/",  // a directory without index.html
      "/icons",   // a directory
      "/../secret.txt",
      "/icons/../../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E%2Fsecret.txt",
      "/icons/%2e%2e/%2e%2e/secret.txt",
      "/..%2fsecret.txt",
      "/..%5csecret.txt",
      "/%2e%2e%5csecret.txt",
      "/out.txt",        // a symlink to a file outside
      "/up/secret.txt",  // through a symlink to a directory outside
      "/.htpasswd",      // dotfiles
      "/%2ehtpasswd",
      "/./index.html",
      "//index.html",
      "/index.html%00.png",
      "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
  };
  for (const char* path : refused) {
    SCOPED_TRACE(path);
    RawReply r = Raw(api.port(), "GET", path);
    // Never the secret; a JSON 404 (or 400 for what the HTTP library itself rejects).
    EXPECT_EQ(r.body.find("SECRET-OUTSIDE"), std::string::npos);
    EXPECT_EQ(r.body.find("root:"), std::string::npos);
    EXPECT_TRUE(r.status == 404 || r.status == 400) << r.status << " " << r.body;
    EXPECT_EQ(r.headers["content-type"], "application/json") << r.body;
  }
  // Files are GET and HEAD only.
  EXPECT_NE(Raw(api.port(), "POST", "/index.html").status, 200);
  EXPECT_NE(Raw(api.port(), "DELETE", "/index.html").status, 200);
}

TEST_F(ApiWebDirTest, V1RoutesAreNeverFiles) {
  ApiProcess api(server_->store_config(), {{"web_dir", web_}});
  ASSERT_TRUE(api.Start());
  RawReply health = Raw(api.port(), "GET", "/v1/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.headers["content-type"], "application/json");
  EXPECT_EQ(health.body.find("FILE-NOT-ROUTE"), std::string::npos) << health.body;
  // An unknown /v1 path is the Router's JSON 404, even where a file would be.
  WriteFile(web_ + "/v1/nothing", "FILE-NOT-ROUTE");
  RawReply nothing = Raw(api.port(), "GET", "/v1/nothing");
  EXPECT_EQ(nothing.status, 404);
  EXPECT_EQ(nothing.body.find("FILE-NOT-ROUTE"), std::string::npos) << nothing.body;
  // The API's own answers through the client as before.
  EXPECT_EQ(api.Get("/v1/connect").status, 200);
}

TEST_F(ApiWebDirTest, TheFrontGateCountsFileRequestsToo) {
  // A burst of 3, refilled one a second; the network's rate out of the way.
  ApiProcess api(server_->store_config(), {{"web_dir", web_},
                                           {"request_rate_per_address", "1"},
                                           {"request_burst_per_address", "3"},
                                           {"request_rate_per_prefix", "0"}});
  ASSERT_TRUE(api.Start());
  RawReply refused;
  for (int i = 0; i < 20 && refused.status != 429; ++i) {
    RawReply r = Raw(api.port(), "GET", "/index.html");
    if (r.status == 429) refused = r;
  }
  ASSERT_EQ(refused.status, 429);
  EXPECT_FALSE(refused.headers["retry-after"].empty());
  EXPECT_EQ(refused.headers["content-type"], "application/json");
  EXPECT_EQ(refused.body.find("mqchat</title>"), std::string::npos);
}

TEST_F(ApiWebDirTest, WithoutTheOptionNoFileIsServed) {
  ApiProcess api(server_->store_config());
  ASSERT_TRUE(api.Start());
  for (const char* path : {"/", "/index.html", "/sw.js"}) {
    RawReply r = Raw(api.port(), "GET", path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.headers["content-type"], "application/json") << path;
  }
}

TEST_F(ApiWebDirTest, AWebDirThatIsNoDirectoryStopsTheServiceAtStart) {
  ApiProcess api(server_->store_config(), {{"web_dir", web_ + "/index.html"}});
  ::testing::TestPartResultArray failures;  // Start() records why it failed: expected here
  bool started = true;
  {
    ::testing::ScopedFakeTestPartResultReporter quiet(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
    started = api.Start();
  }
  EXPECT_FALSE(started);
  EXPECT_NE(api.Log().find("web_dir"), std::string::npos) << api.Log();
}

}  // namespace
}  // namespace mqchat::test
