// The `mqchat` terminal client against a real broker with the plugin: the interactive mode
// driven through a pseudo-terminal and through tmux (what the screen shows while a line is
// typed), and the scripting subcommands by exit code and output.
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
#include "support/pty_process.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "support/test_paths.h"
#include "support/wait_for.h"

extern char** environ;

namespace mqchat::test {
namespace {

constexpr auto kWait = std::chrono::seconds(20);

// mqchat in a detached tmux session on its own server socket: keys in, the screen out.
class TmuxPane {
 public:
  explicit TmuxPane(std::string socket) : socket_(std::move(socket)) {}
  ~TmuxPane() { RunCommand({"tmux", "-S", socket_, "kill-server"}); }

  // Runs `command` (a shell command line) in a 100x30 pane.
  bool Start(const std::string& command) {
    auto r = RunCommand({"tmux", "-S", socket_, "new-session", "-d", "-s", "cli", "-x", "100",
                         "-y", "30", command});
    EXPECT_EQ(r.exit_code, 0) << "tmux new-session: " << r.output;
    return r.exit_code == 0;
  }
  // Types `text` as it is (no Enter).
  void Type(const std::string& text) {
    EXPECT_EQ(RunCommand({"tmux", "-S", socket_, "send-keys", "-t", "cli", "-l", text}).exit_code,
              0);
  }
  void Enter() {
    EXPECT_EQ(RunCommand({"tmux", "-S", socket_, "send-keys", "-t", "cli", "Enter"}).exit_code, 0);
  }
  // The visible screen, one string per row, trailing blanks and empty rows at the end removed.
  std::vector<std::string> Screen() {
    auto r = RunCommand({"tmux", "-S", socket_, "capture-pane", "-p", "-t", "cli"});
    std::vector<std::string> rows;
    std::istringstream in(r.output);
    for (std::string row; std::getline(in, row);) {
      row.erase(row.find_last_not_of(' ') + 1);
      rows.push_back(row);
    }
    while (!rows.empty() && rows.back().empty()) rows.pop_back();
    return rows;
  }
  std::string ScreenText() {
    std::string out;
    for (const auto& row : Screen()) out += row + "\n";
    return out;
  }
  // Waits (bounded) until the screen shows `text`.
  bool WaitShows(const std::string& text) {
    return WaitFor([&] { return ScreenText().find(text) != std::string::npos; }, kWait,
                   "the pane to show '" + text + "'; it shows:\n" + ScreenText());
  }

 private:
  std::string socket_;
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
  ASSERT_TRUE(cli.Expect("bob: hi terminal  #2"));
  // Message changes (issue 16): shown as changes of the message, with its #seq.
  ASSERT_TRUE(Get(bob->client->Edit(conv->id, 2, "hi terminal!")).ok());
  ASSERT_TRUE(cli.Expect("* bob edited: "));
  ASSERT_TRUE(cli.Expect("bob: hi terminal! (edited)  #2"));
  ASSERT_TRUE(Get(bob->client->React(conv->id, 2, "\xF0\x9F\x91\x8D")).ok());
  ASSERT_TRUE(cli.Expect("* bob reacted \xF0\x9F\x91\x8D: "));
  ASSERT_TRUE(cli.Expect("[\xF0\x9F\x91\x8D 1]  #2"));
  cli.SendLine("/reply #2 agreed");
  ASSERT_TRUE(cli.Expect("alice: [re #2 bob: hi terminal!] agreed  #5"));
  cli.SendLine("/delete 1");
  ASSERT_TRUE(cli.Expect("* alice deleted #1"));
  cli.SendLine("/edit 2 not mine");
  ASSERT_TRUE(cli.Expect("! edit refused: "));
  ASSERT_TRUE(Get(bob->client->SetTyping(conv->id, true)).ok());
  ASSERT_TRUE(cli.Expect("* bob is typing..."));
  cli.SendLine("/who");
  ASSERT_TRUE(cli.Expect("* online: bob"));
  // Reports (issue 24): a message by its #seq, a user by @name; a bad reason in words.
  cli.SendLine("/report #2 spam selling things");
  ASSERT_TRUE(cli.Expect("* reported (report "));
  cli.SendLine("/report @bob harassment");
  ASSERT_TRUE(cli.Expect("* reported (report "));
  cli.SendLine("/report @bob boring");
  ASSERT_TRUE(cli.Expect("! report refused: "));

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

// Search (issue 17): /search in every conversation, /find in the open one, each result on a
// line with its conversation, #seq, sender and the matched words in [brackets]; /more pages.
TEST_P(TerminalTest, SearchPrintsResultsWithTheMatchMarked) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "carol"});
  auto bob = Connect("bob");
  auto direct = Get(bob->client->OpenDirect("alice"));
  ASSERT_TRUE(direct.ok());
  auto group = Get(bob->client->CreateGroup("team", {"alice", "carol"}));
  ASSERT_TRUE(group.ok());
  ASSERT_TRUE(Get(bob->client->Send(direct->id, "내일 lunch 어때?")).ok());
  ASSERT_TRUE(Get(bob->client->Send(group->id, "lunch meeting 회의")).ok());
  for (int i = 0; i < 11; ++i) {
    ASSERT_TRUE(Get(bob->client->Send(group->id, "status report " + std::to_string(i))).ok());
  }
  // Indexed after the ack: wait until bob (a member of both) finds everything.
  ASSERT_TRUE(WaitFor(
      [&] {
        auto lunch = Get(bob->client->Search("lunch"));
        auto reports = Get(bob->client->Search("reports", {0, "", 0, 0, 50, ""}));
        return lunch.ok() && lunch->results.size() == 2 && reports.ok() &&
               reports->results.size() == 11;
      },
      kWait, "the index has the messages"));

  PtyProcess cli;
  // Queries typed in ASCII: the line editor (libedit, C locale here) does not take Hangul input.
  cli.Start({Cli()}, {"MQCHAT_HOST=127.0.0.1", "MQCHAT_PORT=" + std::to_string(server_->port()),
                      "MQCHAT_USER=alice", "MQCHAT_TOKEN=" + Token("alice"),
                      "MQCHAT_DEVICE=tty"});
  ASSERT_TRUE(cli.Expect("connected as alice"));
  cli.SendLine("/search lunch");
  // The label is the group's name or the other user once the conversations are cached.
  ASSERT_TRUE(cli.Expect("(" + std::to_string(group->id) + ") #1 "));
  ASSERT_TRUE(cli.Expect("bob: [lunch] meeting 회의"));
  ASSERT_TRUE(cli.Expect("(" + std::to_string(direct->id) + ") #1 "));
  ASSERT_TRUE(cli.Expect("bob: 내일 [lunch] 어때?"));
  cli.SendLine("/find lunch");
  ASSERT_TRUE(cli.Expect("! open a conversation first"));
  cli.SendLine("/open bob");
  ASSERT_TRUE(cli.Expect("* opened bob ("));
  cli.SendLine("/find lunch");
  ASSERT_TRUE(cli.Expect("bob: 내일 [lunch] 어때?"));
  cli.SendLine("/search report");
  ASSERT_TRUE(cli.Expect("bob: status [report] 10"));
  ASSERT_TRUE(cli.Expect("* /more for more results"));
  cli.SendLine("/more");
  ASSERT_TRUE(cli.Expect("bob: status [report] 0"));
  cli.SendLine("/search !!!");
  ASSERT_TRUE(cli.Expect("! search: "));
  cli.SendLine("/quit");
  EXPECT_EQ(cli.WaitExit(kWait), 0) << cli.output();
}

// A message that arrives while a line is being typed shows above it; the typed line stays as
// it was (under the prompt, and sent as typed).
TEST_P(TerminalTest, IncomingMessagesDoNotCorruptTheLineBeingTyped) {
  MQCHAT_REQUIRE_SERVER();
  if (RunCommand({"tmux", "-V"}).exit_code != 0) GTEST_SKIP() << "no tmux (scripts/install-deps.sh)";
  Register({"alice"});
  auto bob = Connect("bob");
  auto conv = Get(bob->client->OpenDirect("alice"));
  ASSERT_TRUE(conv.ok());

  TmuxPane pane(dir_.File("tmux.sock"));
  ASSERT_TRUE(pane.Start("env MQCHAT_HOST=127.0.0.1 MQCHAT_PORT=" +
                         std::to_string(server_->port()) + " MQCHAT_USER=alice MQCHAT_TOKEN=" +
                         Token("alice") + " MQCHAT_DEVICE=tmux " + Cli() + "; sleep 600"));
  ASSERT_TRUE(pane.WaitShows("connected as alice"));
  pane.Type("/open @bob");
  pane.Enter();
  ASSERT_TRUE(pane.WaitShows("* opened bob ("));

  const std::string partial = "half a sentence typed";
  pane.Type(partial);
  ASSERT_TRUE(pane.WaitShows(partial));
  ASSERT_TRUE(Get(bob->client->Send(conv->id, "incoming while typing")).ok());
  ASSERT_TRUE(pane.WaitShows("bob: incoming while typing"));

  // The message's row is above the prompt, which still holds exactly the typed text.
  auto rows = pane.Screen();
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.back(), "bob> " + partial) << pane.ScreenText();
  int message_row = -1;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].find("bob: incoming while typing") != std::string::npos) message_row = int(i);
  }
  ASSERT_GE(message_row, 0) << pane.ScreenText();
  EXPECT_LT(message_row, static_cast<int>(rows.size()) - 1) << pane.ScreenText();
  EXPECT_EQ(rows[message_row].find(partial), std::string::npos) << pane.ScreenText();
  // With a time in front: "HH:MM bob: ...".
  EXPECT_TRUE(rows[message_row].size() > 6 && rows[message_row][2] == ':' &&
              rows[message_row].compare(5, 5, " bob:") == 0)
      << rows[message_row];

  // The line goes on as typed and is sent whole.
  pane.Type(", and finished");
  pane.Enter();
  ASSERT_TRUE(WaitFor([&] { return bob->Has(partial + ", and finished"); }, kWait,
                      "bob receives the whole typed line"));
}

// Without a password or token, mqchat asks for one on the terminal (a token is typed here: the
// MQTT password field carries either).
TEST_P(TerminalTest, AsksForThePasswordWhenNoneIsGiven) {
  MQCHAT_REQUIRE_SERVER();
  PtyProcess cli;
  cli.Start({Cli()}, {"MQCHAT_HOST=127.0.0.1", "MQCHAT_PORT=" + std::to_string(server_->port()),
                      "MQCHAT_USER=alice", "MQCHAT_DEVICE=tty"});
  ASSERT_TRUE(cli.Expect("Password for alice: "));
  cli.SendLine(Token("alice"));
  ASSERT_TRUE(cli.Expect("connected as alice"));
  cli.SendLine("/quit");
  EXPECT_EQ(cli.WaitExit(kWait), 0) << cli.output();
  // Not on a terminal: no prompt, a usage error naming the ways to give one.
  auto piped = RunCommand({Cli(), "--port", std::to_string(server_->port()), "--user", "alice",
                           "groups"});
  EXPECT_EQ(piped.exit_code, 2) << piped.output;
  EXPECT_NE(piped.output.find("no credentials"), std::string::npos) << piped.output;
}

// Names with spaces in quotes; groups opened by name; errors once, in words.
TEST_P(TerminalTest, GroupsByQuotedNameAndErrorsInWords) {
  MQCHAT_REQUIRE_SERVER();
  Register({"carol"});
  auto bob = Connect("bob");
  PtyProcess cli;
  cli.Start({Cli()}, {"MQCHAT_HOST=127.0.0.1", "MQCHAT_PORT=" + std::to_string(server_->port()),
                      "MQCHAT_USER=alice", "MQCHAT_TOKEN=" + Token("alice"),
                      "MQCHAT_DEVICE=tty"});
  ASSERT_TRUE(cli.Expect("connected as alice"));
  cli.SendLine("/group \"Team chat\" bob carol");
  ASSERT_TRUE(cli.Expect("* created group 'Team chat' ("));
  ASSERT_TRUE(cli.Expect("* opened Team chat ("));
  cli.SendLine("/open @bob");
  ASSERT_TRUE(cli.Expect("* opened bob ("));
  cli.SendLine("/open 'team CHAT'");
  ASSERT_TRUE(cli.Expect("* opened Team chat ("));
  cli.SendLine("/open @bob");
  ASSERT_TRUE(cli.Expect("* opened bob ("));
  cli.SendLine("/open Team chat");
  ASSERT_TRUE(cli.Expect("* opened Team chat ("));
  cli.SendLine("/open \"Team chat");
  ASSERT_TRUE(cli.Expect("! a quote is not closed"));
  cli.SendLine("/add nosuchuser");
  ASSERT_TRUE(cli.Expect("! "));
  cli.SendLine("/quit");
  EXPECT_EQ(cli.WaitExit(kWait), 0) << cli.output();
  EXPECT_EQ(cli.output().find("NOT_FOUND"), std::string::npos) << cli.output();
  EXPECT_EQ(cli.output().find("INVALID"), std::string::npos) << cli.output();

  // The scripting commands take a group's name as CONV too.
  auto sent = RunCommand(As("carol", {"send", "Team chat", "by", "name"}));
  EXPECT_EQ(sent.exit_code, 0) << sent.output;
  auto unknown = RunCommand(As("carol", {"send", "No such group", "x"}));
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output;
  EXPECT_NE(unknown.output.find("no group named 'No such group'"), std::string::npos)
      << unknown.output;
  // An unreachable server, in words.
  auto down = RunCommand({Cli(), "--port", std::to_string(FreePort()), "--user", "alice",
                          "--token", Token("alice"), "groups"});
  EXPECT_EQ(down.exit_code, 3);
  EXPECT_NE(down.output.find("cannot reach the server"), std::string::npos) << down.output;
  EXPECT_EQ(down.output.find("CONNECT failed"), std::string::npos) << down.output;
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
  EXPECT_NE(refused.output.find("you are not a member"), std::string::npos) << refused.output;
  EXPECT_EQ(refused.output.find("NOT_MEMBER"), std::string::npos) << refused.output;
  auto bad_login = RunCommand({Cli(), "--port", std::to_string(server_->port()), "--user",
                               "alice", "--token", "not-a-token", "groups"});
  EXPECT_EQ(bad_login.exit_code, 4) << bad_login.output;
  EXPECT_EQ(RunCommand({Cli(), "--port", std::to_string(FreePort()), "--user", "alice",
                        "--token", Token("alice"), "groups"})
                .exit_code,
            3);
  auto unknown = RunCommand(As("alice", {"frobnicate"}));
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("frobnicate"), std::string::npos) << unknown.output;
  EXPECT_EQ(unknown.output.find("Exit codes:"), std::string::npos) << unknown.output;
  auto version = RunCommand({Cli(), "--version"});
  EXPECT_EQ(version.exit_code, 0) << version.output;
  EXPECT_EQ(version.output.rfind("mqchat ", 0), 0u) << version.output;
  EXPECT_EQ(RunCommand(As("alice", {"history", conv, "--bogus"})).exit_code, 2);
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
