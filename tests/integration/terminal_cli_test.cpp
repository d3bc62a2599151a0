// The `mqchat` terminal client against a real broker with the plugin: the interactive mode
// driven through a pseudo-terminal, and the scripting subcommands by exit code and output.
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mqchat/client.h"
#include "support/chat_fixture.h"
#include "support/free_port.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "support/wait_for.h"

extern char** environ;

namespace mqchat::test {
namespace {

constexpr auto kWait = std::chrono::seconds(20);

// The mqchat binary on a pseudo-terminal (echo off), with bounded waits on its output.
class PtyProcess {
 public:
  ~PtyProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) ::close(fd_);
  }

  void Start(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env) {
    // Everything the child needs is built before fork: only exec-safe calls run after it.
    std::vector<std::string> env_strings(extra_env);
    for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
    std::vector<char*> envp, args;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_copy(argv);
    for (auto& a : argv_copy) args.push_back(a.data());
    args.push_back(nullptr);
    pid_ = ::forkpty(&fd_, nullptr, nullptr, nullptr);
    ASSERT_GE(pid_, 0) << "forkpty: " << std::strerror(errno);
    if (pid_ == 0) {
      struct termios t;
      if (::tcgetattr(STDIN_FILENO, &t) == 0) {
        t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &t);
      }
      ::execve(args[0], args.data(), envp.data());
      ::_exit(127);
    }
  }

  void SendLine(const std::string& line) {
    const std::string data = line + "\n";
    ASSERT_EQ(::write(fd_, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  }

  // Waits until `text` appears after the previous match. False (and a failure) on timeout.
  bool Expect(const std::string& text, std::chrono::milliseconds timeout = kWait) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      const size_t at = output_.find(text, consumed_);
      if (at != std::string::npos) {
        consumed_ = at + text.size();
        return true;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !Pump(static_cast<int>(left.count()))) {
        ADD_FAILURE() << "no '" << text << "' in the terminal output:\n" << output_;
        return false;
      }
    }
  }

  // The exit code once the process exits (-1 if signalled), or -2 after `timeout`.
  int WaitExit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      Pump(20);  // waits for output (or the hang-up) at most 20 ms
    }
    return -2;
  }

  const std::string& output() const { return output_; }

 private:
  // Reads what is available within `timeout_ms`; false once the terminal is closed.
  bool Pump(int timeout_ms) {
    struct pollfd p = {fd_, POLLIN, 0};
    int r = ::poll(&p, 1, timeout_ms);
    if (r <= 0) return r == 0;
    char buf[4096];
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) return false;
    output_.append(buf, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string output_;
  size_t consumed_ = 0;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? tab : tab - start));
    if (tab == std::string::npos) return out;
    start = tab + 1;
  }
}

class TerminalTest : public ChatFixture {
 protected:
  void SetUp() override {
#ifndef MQCHAT_CLI_PATH
    GTEST_SKIP() << "built without the mqchat terminal client";
#else
    ChatFixture::SetUp();
#endif
  }

  std::string Cli() const {
#ifdef MQCHAT_CLI_PATH
    return MQCHAT_CLI_PATH;
#else
    return "";
#endif
  }

  // argv for a subcommand run as `user` with flags (the interactive test uses the environment).
  std::vector<std::string> As(const std::string& user, std::vector<std::string> args) {
    std::vector<std::string> argv = {Cli(),    "--port", std::to_string(server_->port()),
                                     "--user", user,     "--token",
                                     Token(user), "--device", "script"};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  // An SDK client that records the messages it receives.
  struct Peer {
    ~Peer() { client.reset(); }
    std::unique_ptr<Client> client;
    std::mutex mu;
    std::vector<Message> messages;
    bool Has(const std::string& text) {
      std::lock_guard<std::mutex> lock(mu);
      for (const auto& m : messages) {
        if (m.text == text) return true;
      }
      return false;
    }
  };
  std::unique_ptr<Peer> Connect(const std::string& user) {
    auto options = ClientOptions::Builder()
                       .Server("tcp://127.0.0.1:" + std::to_string(server_->port()))
                       .Token(user, Token(user))
                       .Device("sdk")
                       .Build();
    EXPECT_TRUE(options.ok());
    auto peer = std::make_unique<Peer>();
    auto client = Client::Create(*options);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    peer->client = std::move(client).value();
    Peer* p = peer.get();
    p->client->OnMessage([p](const Message& m) {
      std::lock_guard<std::mutex> lock(p->mu);
      p->messages.push_back(m);
    });
    EXPECT_TRUE(p->client->Connect().ok());
    return peer;
  }

  template <typename T>
  static T Get(std::future<T> f) {
    EXPECT_EQ(f.wait_for(kWait), std::future_status::ready);
    return f.get();
  }

  TempDir dir_{"mqchat-cli"};
};

TEST_P(TerminalTest, InteractiveSessionChatsThroughAPseudoTerminal) {
  MQCHAT_REQUIRE_SERVER();
  Register({"carol", "dan"});
  auto bob = Connect("bob");

  PtyProcess cli;
  cli.Start({Cli()}, {"MQCHAT_HOST=127.0.0.1", "MQCHAT_PORT=" + std::to_string(server_->port()),
                      "MQCHAT_USER=alice", "MQCHAT_TOKEN=" + Token("alice"),
                      "MQCHAT_DEVICE=tty"});
  ASSERT_TRUE(cli.Expect("connected as alice"));

  cli.SendLine("/open bob");
  ASSERT_TRUE(cli.Expect("* opened bob ("));
  cli.SendLine("hello from the terminal");
  ASSERT_TRUE(WaitFor([&] { return bob->Has("hello from the terminal"); }, kWait,
                      "bob receives the terminal's message"));
  ASSERT_TRUE(cli.Expect("alice: hello from the terminal"));

  auto conv = Get(bob->client->OpenDirect("alice"));
  ASSERT_TRUE(conv.ok());
  ASSERT_TRUE(Get(bob->client->Send(conv->id, "hi terminal")).ok());
  ASSERT_TRUE(cli.Expect("bob: hi terminal"));
  ASSERT_TRUE(Get(bob->client->SetTyping(conv->id, true)).ok());
  ASSERT_TRUE(cli.Expect("* bob is typing..."));
  cli.SendLine("/who");
  ASSERT_TRUE(cli.Expect("* online: bob"));

  cli.SendLine("/group team bob carol");
  ASSERT_TRUE(cli.Expect("* created group 'team' ("));
  ASSERT_TRUE(cli.Expect("* opened team ("));
  cli.SendLine("/add dan");
  ASSERT_TRUE(cli.Expect("* added: dan"));
  cli.SendLine("/members");
  ASSERT_TRUE(cli.Expect("dan (member, read up to 0)"));
  cli.SendLine("/list");
  ASSERT_TRUE(cli.Expect("team  (group)  unread: 0"));

  cli.SendLine("/quit");
  EXPECT_EQ(cli.WaitExit(kWait), 0) << cli.output();
}

TEST_P(TerminalTest, ScriptingSubcommandsReportByExitCodeAndOutput) {
  MQCHAT_REQUIRE_SERVER();
  Register({"carol"});
  auto bob = Connect("bob");

  // send: one record per message, "conversation<TAB>seq<TAB>message_id".
  auto sent = RunCommand(As("alice", {"send", "@bob", "hello", "via", "script"}));
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  auto fields = Fields(Lines(sent.output).at(0));
  ASSERT_EQ(fields.size(), 3u) << sent.output;
  const std::string conv = fields[0];
  EXPECT_EQ(fields[1], "1");
  ASSERT_TRUE(WaitFor([&] { return bob->Has("hello via script"); }, kWait, "bob gets it"));

  auto piped = RunCommand(As("alice", {"send", conv}), "line one\nline\ttwo\n");
  ASSERT_EQ(piped.exit_code, 0) << piped.output;
  ASSERT_EQ(Lines(piped.output).size(), 2u) << piped.output;

  // history: oldest first, tab-separated, text escaped; or one JSON object per line.
  auto history = RunCommand(As("bob", {"history", conv, "-n", "2"}));
  ASSERT_EQ(history.exit_code, 0) << history.output;
  auto lines = Lines(history.output);
  ASSERT_EQ(lines.size(), 2u) << history.output;
  EXPECT_EQ(Fields(lines[0]).at(1), "2");
  EXPECT_EQ(Fields(lines[0]).at(3), "alice");
  EXPECT_EQ(Fields(lines[0]).at(4), "line one");
  EXPECT_EQ(Fields(lines[1]).at(4), "line\\ttwo");
  auto json = RunCommand(As("bob", {"history", conv, "--json"}));
  ASSERT_EQ(json.exit_code, 0) << json.output;
  lines = Lines(json.output);
  ASSERT_EQ(lines.size(), 3u) << json.output;
  EXPECT_EQ(nlohmann::json::parse(lines[1])["text"], "line one");
  EXPECT_EQ(nlohmann::json::parse(lines[2])["text"], "line\ttwo");

  // groups: create prints the id; the list shows it.
  auto created = RunCommand(As("alice", {"groups", "create", "team", "bob", "carol"}));
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const std::string group = Lines(created.output).at(0);
  auto groups = RunCommand(As("carol", {"groups"}));
  ASSERT_EQ(groups.exit_code, 0) << groups.output;
  ASSERT_EQ(Lines(groups.output).size(), 1u) << groups.output;
  fields = Fields(Lines(groups.output)[0]);
  EXPECT_EQ(fields.at(0), group);
  EXPECT_EQ(fields.at(1), "group");
  EXPECT_EQ(fields.at(2), "team");
  auto all = RunCommand(As("alice", {"groups", "--all", "--json"}));
  ASSERT_EQ(all.exit_code, 0) << all.output;
  EXPECT_EQ(Lines(all.output).size(), 2u) << all.output;

  // tail: the last message, then new ones until --count.
  Subprocess tail;
  const std::string log = dir_.File("tail.log");
  tail.Start(As("bob", {"tail", conv, "-n", "1", "--count", "2", "--for", "30"}), log);
  ASSERT_TRUE(WaitFor([&] { return ReadFile(log).find("line\\ttwo") != std::string::npos; },
                      kWait, "tail prints the backlog"));
  ASSERT_TRUE(RunCommand(As("alice", {"send", conv, "tail", "one"})).exit_code == 0);
  ASSERT_TRUE(RunCommand(As("alice", {"send", conv, "tail", "two"})).exit_code == 0);
  EXPECT_EQ(tail.WaitExit(kWait), 0) << ReadFile(log);
  lines = Lines(ReadFile(log));
  ASSERT_EQ(lines.size(), 3u) << ReadFile(log);
  EXPECT_EQ(Fields(lines[1]).at(4), "tail one");
  EXPECT_EQ(Fields(lines[2]).at(4), "tail two");

  // Exit codes of the failures.
  EXPECT_EQ(RunCommand(As("alice", {"tail", conv, "--count", "1", "--for", "1"})).exit_code, 5);
  auto refused = RunCommand(As("carol", {"send", conv, "not a member"}));
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("NOT_MEMBER"), std::string::npos) << refused.output;
  auto bad_login = RunCommand({Cli(), "--port", std::to_string(server_->port()), "--user",
                               "alice", "--token", "not-a-token", "groups"});
  EXPECT_EQ(bad_login.exit_code, 4) << bad_login.output;
  EXPECT_EQ(RunCommand({Cli(), "--port", std::to_string(FreePort()), "--user", "alice",
                        "--token", Token("alice"), "groups"})
                .exit_code,
            3);
  EXPECT_EQ(RunCommand(As("alice", {"frobnicate"})).exit_code, 2);
  EXPECT_EQ(RunCommand(As("alice", {"history"})).exit_code, 2);
  EXPECT_EQ(RunCommand({Cli(), "groups"}).exit_code, 2);
  auto help = RunCommand({Cli(), "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("Exit codes:"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Stores, TerminalTest, ::testing::Values(StoreKind::kSqlite),
                         StoreParamName);

}  // namespace
}  // namespace mqchat::test
