// The terminal client's attachments (issue 16): with a login kept by `mqchat login`, the
// interactive `/attach PATH TEXT` uploads the file through the API service and sends it, the
// recipient sees it as "[name, size /download ID]" and `/download ID PATH` saves its bytes;
// a user who shares no conversation with it gets nothing. Lines are piped to the REPL (no
// terminal: it reads stdin line by line).
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/api_process.h"
#include "support/chat_server.h"
#include "support/rsa_keys.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "support/test_paths.h"

namespace mqchat::test {
namespace {

class TerminalAttachmentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
#ifndef MQCHAT_CLI_PATH
    GTEST_SKIP() << "built without the mqchat terminal client";
#else
    WriteFile(keys_.File("api.pub.pem"), TestRsaKeys().public_pem);
    WriteFile(keys_.File("url.secret"), std::string(40, 'u'));
    ChatServerOptions o;
    o.store = StoreKind::kSqlite;
    o.fixture_defaults = false;
    o.plugin_opts = {{"jwt_rs256_public_key_file", keys_.File("api.pub.pem")}};
    server_ = ChatServer::Create(std::move(o));
    if (!server_) return;
    ASSERT_TRUE(server_->Start());
    api_ = std::make_unique<ApiProcess>(
        server_->store_config(),
        std::vector<std::pair<std::string, std::string>>{
            {"blob_dir", keys_.File("blobs")},
            {"upload_min_free_bytes", "0"},
            {"attachment_url_secret_file", keys_.File("url.secret")}});
    ASSERT_TRUE(api_->Start());
#endif
  }

  // `mqchat` with the broker's port, the config dir and `args`; `input` piped to it.
  RunResult Cli(std::vector<std::string> args, const std::string& input = "") {
    std::vector<std::string> argv = {"env", "MQCHAT_CONFIG_DIR=" + files_.File("cfg"),
#ifdef MQCHAT_CLI_PATH
                                     MQCHAT_CLI_PATH,
#endif
                                     "--port", std::to_string(server_->port())};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, input);
  }
  void SignUp(const std::string& user) {
    auto r = Cli({"--api", "http://127.0.0.1:" + std::to_string(api_->port()), "-u", user,
                  "--password", user + "'s long password", "signup"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }

  TempDir keys_{"mqchat-keys"};
  TempDir files_{"mqchat-cli-files"};
  std::unique_ptr<ChatServer> server_;
  std::unique_ptr<ApiProcess> api_;
};

TEST_F(TerminalAttachmentsTest, AttachSendsTheFileAndDownloadSavesIt) {
  if (!server_ || !api_) GTEST_SKIP() << "server not available";
  SignUp("alice");
  SignUp("bob");
  SignUp("carol");
  const std::string notes = "the minutes\nof the meeting\n";
  WriteFile(files_.File("minutes.txt"), notes);

  auto sent = Cli({"-u", "alice", "-d", "tty"},
                  "/open @bob\n/attach " + files_.File("minutes.txt") + " read this\n/quit\n");
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  EXPECT_EQ(sent.output.find("! "), std::string::npos) << sent.output;
  EXPECT_NE(sent.output.find("uploading 100%"), std::string::npos) << sent.output;

  // bob's history (JSON) carries the attachment; its id is what /download takes.
  auto history = Cli({"-u", "bob", "history", "@alice", "--json"});
  ASSERT_EQ(history.exit_code, 0) << history.output;
  auto line = nlohmann::json::parse(history.output.substr(0, history.output.find('\n')));
  EXPECT_EQ(line["text"], "read this");
  ASSERT_EQ(line["attachments"].size(), 1u) << history.output;
  const std::string id = line["attachments"][0]["id"];
  EXPECT_EQ(line["attachments"][0]["name"], "minutes.txt");

  const std::string saved = files_.File("saved.txt");
  auto got = Cli({"-u", "bob", "-d", "tty"},
                 "/open @alice\n/download " + id + " " + saved + "\n/quit\n");
  ASSERT_EQ(got.exit_code, 0) << got.output;
  EXPECT_NE(got.output.find("read this [minutes.txt, 27 bytes /download " + id + "]"),
            std::string::npos)
      << got.output;
  EXPECT_NE(got.output.find("* saved " + saved), std::string::npos) << got.output;
  EXPECT_EQ(ReadFile(saved), notes);

  auto refused = Cli({"-u", "carol", "-d", "tty"},
                     "/download " + id + " " + files_.File("carol.txt") + "\n/quit\n");
  EXPECT_NE(refused.output.find("! no attachment " + id), std::string::npos) << refused.output;
  EXPECT_EQ(ReadFile(files_.File("carol.txt")), "");
}

}  // namespace
}  // namespace mqchat::test
