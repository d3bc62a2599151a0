// mqchat CLI: the interactive mode, a line-oriented REPL on the Console (libedit on a
// terminal). Plain lines are sent to the open conversation; /commands manage the rest. SDK
// events print from the callback thread, above the line being typed.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>

#include "attachment_command.h"
#include "call_command.h"
#include "change_command.h"
#include "cli.h"
#include "command_words.h"
#include "community_command.h"
#include "console.h"
#include "conversation_lines.h"
#include "message_lines.h"
#include "profile_lines.h"
#include "report_command.h"
#include "search_command.h"

namespace mqchat::cli {
namespace {

const std::string kReplHelp = R"(Commands:
  /list                      conversations with unread counts
  /open NAME|@USER|ID        open a group by its name (the rest of the line), or the direct
                             conversation with USER
                             (a bare name that is no group's: the user of that name)
  /group NAME USER...        create a group and open it ("quote a name with spaces")
  /add USER...               add members to the open group
  /members                   members of the open conversation and their read receipts
  /who                       who of the open conversation is online or typing
)" + std::string(kChangeHelp) + R"(
  /search QUERY              find messages in every conversation ([matches] marked)
  /find QUERY                find messages in the open conversation; /more: next results
)" + std::string(kCommunityHelp) + "\n" + kCallHelp + "\n" + std::string(kReportHelp) + "\n" + kAttachmentHelp + R"(
  /help                      this text
  /quit                      leave (also Ctrl-D)
Any other line is sent to the open conversation.)";

class Repl {
 public:
  Repl(const Settings& s, Client& client)
      : s_(s),
        client_(client),
        search_(s, client, [this](int64_t id) { return Label(id); }),
        community_(s, client),
        calls_(s, client, [this](int64_t id) { return Label(id); }) {}

  void InstallHandlers() {
    client_.OnMessage([this](const Message& m) { OnMessage(m); });
    client_.OnMessageUpdated([this](const MessageUpdate& u) { OnMessageUpdated(u); });
    client_.OnConversationEvent([this](const ConversationEvent& e) { OnConversation(e); });
    client_.OnTyping([this](const TypingEvent& e) { OnTyping(e); });
    client_.OnPresence([this](const PresenceEvent& e) { OnPresence(e); });
    client_.OnProfile([this](const Profile& p) { OnProfile(p); });
    client_.OnConnectionChange([this](const ConnectionEvent& e) { OnConnection(e); });
    client_.OnRead([](const ReadEvent&) {});  // receipts show in /members
    client_.OnCall([this](const CallEvent& e) {
      if (auto line = calls_.OnEvent(e)) PrintLine(*line);
    });
  }

  int Run(Console& console) {
    while (auto line = console.ReadLine(Prompt())) {
      if (line->empty()) continue;
      if (*line == "/quit" || *line == "/exit") return kExitOk;
      if ((*line)[0] != '/') {
        SendText(*line);
        continue;
      }
      std::vector<std::string> words;
      if (!Words(*line, &words)) {
        PrintLine("! a quote is not closed");
      } else if (words[0] == "/report") {
        PrintLine(ReportCommand(client_, Current(), words, *line, s_.timeout));
      } else if (!AttachmentCommand(s_, client_, Current(), words, *line) &&
                 !ChangeCommand(s_, client_, Current(), words, *line) &&
                 !search_.Handle(words, *line, Current()) && !Community(words) &&
                 !calls_.Handle(words)) {
        Command(words);
      }
    }
    return kExitOk;
  }

 private:
  // "bob> " in the direct conversation with bob, "team> " in group team, "> " before /open.
  std::string Prompt() {
    const int64_t id = Current();
    return id == 0 ? "> " : Label(id) + "> ";
  }

  // The name shown for a conversation: a group's name, or the other member of a direct one.
  std::string Label(int64_t id) {
    auto list = client_.CachedConversations();
    if (list.ok()) {
      for (const auto& c : *list) {
        if (c.id != id) continue;
        if (c.kind == ConversationKind::kGroup) return c.name;
        for (const auto& m : c.members) {
          if (m != s_.user) return m;
        }
      }
    }
    return "#" + std::to_string(id);
  }

  void OnMessage(const Message& m) {
    bool mark = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (m.conversation_id == current_) {
        if (m.seq <= shown_) return;
        shown_ = m.seq;
        typing_.erase(m.sender);
        PrintLine(Shown(m));
        mark = m.sender != s_.user;
      } else if (caught_up_ && m.sender != s_.user) {
        PrintLine("* new message in " + Label(m.conversation_id) + " (" +
                  std::to_string(m.conversation_id) + ") from " + m.sender);
      }
    }
    if (mark) (void)client_.MarkRead(m.conversation_id, m.seq);
  }

  void OnConversation(const ConversationEvent& e) {
    const std::string label =
        e.conversation.kind == ConversationKind::kGroup ? "" : Label(e.conversation.id);
    const std::string line = ShownConversationEvent(e, label);
    if (!line.empty()) PrintLine(line);
    if (e.removed_me) {
      std::lock_guard<std::mutex> lock(mu_);
      if (current_ == e.conversation.id) current_ = 0;
    }
  }

  void OnMessageUpdated(const MessageUpdate& u) {
    std::lock_guard<std::mutex> lock(mu_);
    if (u.message.conversation_id == current_) PrintLine(ShownUpdate(u));
  }

  void OnTyping(const TypingEvent& e) {
    std::lock_guard<std::mutex> lock(mu_);
    if (e.conversation_id != current_ || e.user == s_.user) return;
    if (e.typing && typing_.insert(e.user).second) PrintLine("* " + e.user + " is typing...");
    if (!e.typing) typing_.erase(e.user);
  }

  void OnProfile(const Profile& p) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = profiles_.find(p.user);
    std::optional<Profile> before;
    if (it != profiles_.end()) before = it->second;
    for (const std::string& line : ShownProfileChange(before, p)) PrintLine(line);
    profiles_[p.user] = p;
  }

  void OnPresence(const PresenceEvent& e) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = online_.find(e.user);
    const bool changed = it == online_.end() || it->second != e.online;
    online_[e.user] = e.online;
    if (changed && e.user != s_.user && members_.count(e.user) > 0) {
      PrintLine("* " + e.user + " is " + (e.online ? "online" : "offline"));
    }
  }

  // Connection changes, each reason once: a reconnect loop that keeps failing the same way
  // does not print a line per attempt.
  void OnConnection(const ConnectionEvent& e) {
    std::lock_guard<std::mutex> lock(mu_);
    if (e.state == ConnectionState::kOnline) {
      if (caught_up_) PrintLine("* back online");
      caught_up_ = true;
      last_offline_.clear();
      return;
    }
    if (e.reason.ok()) return;
    if (e.state == ConnectionState::kConnecting) Offline(e.reason, "* offline: ", "; reconnecting");
    if (e.state == ConnectionState::kDisconnected) Offline(e.reason, "* disconnected: ", "");
  }

 public:
  // A failed first Connect (the client goes on retrying in the background).
  void ConnectFailed(const Status& status) {
    std::lock_guard<std::mutex> lock(mu_);
    Offline(status, "* offline: ", "; reconnecting");
  }

 private:
  // Prints `before` + the reason in words + `after`, unless that reason was the last printed.
  // mu_ held.
  void Offline(const Status& reason, const std::string& before, const std::string& after) {
    const std::string why = ConnectFailureInWords(reason, s_);
    if (why == last_offline_) return;
    last_offline_ = why;
    PrintLine(before + why + after);
  }

  template <typename T>
  Result<T> Wait(std::future<Result<T>> f) {
    return Await(f, s_.timeout, Result<T>(Status::Unavailable("timed out")));
  }

  void Command(const std::vector<std::string>& w) {
    const std::string& cmd = w[0];
    if (cmd == "/help") {
      PrintLine(kReplHelp);
    } else if (cmd == "/list") {
      List();
    } else if (cmd == "/open" && w.size() >= 2) {
      // The words after /open are one name: "/open Team chat" needs no quotes.
      std::string spec = w[1];
      for (size_t i = 2; i < w.size(); ++i) spec += " " + w[i];
      Open(spec);
    } else if (cmd == "/group" && w.size() >= 2) {
      auto c = Wait(client_.CreateGroup(w[1], std::vector<std::string>(w.begin() + 2, w.end())));
      if (!c.ok()) return PrintLine("! " + Describe(c.status()));
      PrintLine("* created group '" + c->name + "' (" + std::to_string(c->id) + ")");
      Open(std::to_string(c->id));
    } else if (cmd == "/add" && w.size() >= 2) {
      const int64_t id = Current();
      if (id == 0) return PrintLine("! open a group first (/open)");
      auto added = Wait(client_.AddMembers(id, std::vector<std::string>(w.begin() + 1, w.end())));
      if (!added.ok()) return PrintLine("! " + Describe(added.status()));
      PrintLine("* added: " + (added->empty() ? std::string("nobody new") : JoinNames(*added)));
    } else if (cmd == "/members") {
      Members();
    } else if (cmd == "/who") {
      Who();
    } else {
      PrintLine("! unknown command or missing arguments; /help lists the commands");
    }
  }

  // The community commands; /channel opens the channel it watched like a conversation.
  bool Community(const std::vector<std::string>& w) {
    int64_t channel = 0;
    if (!community_.Handle(w, &channel)) return false;
    if (channel > 0) Open(std::to_string(channel));
    return true;
  }

  int64_t Current() {
    std::lock_guard<std::mutex> lock(mu_);
    return current_;
  }

  void List() {
    auto list = Wait(client_.Conversations());
    if (!list.ok()) {
      PrintLine("! " + Describe(list.status()) + " (showing the cache)");
      list = client_.CachedConversations();
      if (!list.ok()) return;
    }
    if (list->empty()) PrintLine("* no conversations yet; /open USER or /group NAME USER...");
    for (const auto& c : *list) {
      PrintLine("  " + std::to_string(c.id) + "  " + Label(c.id) + "  (" +
                (c.kind == ConversationKind::kGroup ? "group" : "direct") +
                ")  unread: " + std::to_string(c.unread));
    }
  }

  void Open(const std::string& spec) {
    int code = kExitOk;
    const int64_t id = ResolveConversation(client_, s_, spec, true, &code);
    if (id == 0) return;
    auto page = Wait(client_.History(id, HistoryQuery::Latest(20)));
    if (!page.ok()) return PrintLine("! " + Describe(page.status()));
    auto members = Wait(client_.Members(id));
    std::lock_guard<std::mutex> lock(mu_);
    current_ = id;
    shown_ = 0;
    typing_.clear();
    members_.clear();
    if (members.ok()) {
      for (const auto& m : *members) members_.insert(m.user);
    }
    PrintLine("* opened " + Label(id) + " (" + std::to_string(id) + ")");
    for (const auto& m : page->messages) {
      PrintLine(Shown(m));
      shown_ = m.seq;
    }
    // Anything that arrived while the page was on its way.
    if (auto later = client_.CachedMessages(id, shown_); later.ok()) {
      for (const auto& m : *later) {
        PrintLine(Shown(m));
        shown_ = m.seq;
      }
    }
    if (shown_ > 0) (void)client_.MarkRead(id, shown_);
    for (const auto& user : members_) {
      if (user != s_.user) (void)client_.WatchPresence(user);
    }
  }

  void Members() {
    const int64_t id = Current();
    if (id == 0) return PrintLine("! open a conversation first (/open)");
    auto members = Wait(client_.Members(id));
    if (!members.ok()) return PrintLine("! " + Describe(members.status()));
    for (const auto& m : *members) {
      const char* role = m.role == MemberRole::kOwner   ? "owner"
                         : m.role == MemberRole::kAdmin ? "admin"
                                                        : "member";
      PrintLine("  " + m.user + " (" + role + ", read up to " + std::to_string(m.read_seq) + ")");
    }
  }

  void Who() {
    std::lock_guard<std::mutex> lock(mu_);
    if (current_ == 0) return PrintLine("! open a conversation first (/open)");
    std::vector<std::string> online, offline, unknown;
    for (const auto& user : members_) {
      if (user == s_.user) continue;
      auto it = online_.find(user);
      (it == online_.end() ? unknown : it->second ? online : offline).push_back(user);
    }
    PrintLine("* online: " + (online.empty() ? "-" : JoinNames(online)) +
              "; offline: " + (offline.empty() ? "-" : JoinNames(offline)) +
              (unknown.empty() ? "" : "; unknown: " + JoinNames(unknown)) + "; typing: " +
              (typing_.empty() ? "-" : JoinNames({typing_.begin(), typing_.end()})));
  }

  void SendText(const std::string& text) {
    const int64_t id = Current();
    if (id == 0) return PrintLine("! open a conversation first (/open NAME|@USER|ID)");
    // The message shows up through OnMessage once stored; only failures are printed here.
    client_.Send(id, text, [](Result<Ack> ack) {
      if (!ack.ok()) PrintLine("! not sent: " + Describe(ack.status()));
    });
  }

  const Settings& s_;
  Client& client_;
  std::mutex mu_;
  int64_t current_ = 0;               // guarded by mu_
  int64_t shown_ = 0;                 // guarded by mu_: newest seq printed of current_
  std::set<std::string> members_;     // guarded by mu_: of current_
  std::set<std::string> typing_;      // guarded by mu_
  std::map<std::string, bool> online_;  // guarded by mu_
  std::map<std::string, Profile> profiles_;  // as the profile events said; guarded by mu_
  bool caught_up_ = false;            // guarded by mu_
  std::string last_offline_;          // guarded by mu_: the last offline reason printed
  SearchCommand search_;              // main thread
  CommunityCommand community_;        // main thread
  CallCommand calls_;                 // events: callback thread; /decline: main thread
};

}  // namespace

int RunInteractive(const Settings& s) {
  auto client = MakeClient(s, 10000);
  if (!client) return kExitUsage;
  Repl repl(s, *client);
  repl.InstallHandlers();
  Status st = client->Connect();
  if (st.code() == Code::kUnauthenticated || st.code() == Code::kPermissionDenied) {
    PrintError("mqchat: " + ConnectFailureInWords(st, s));
    return kExitAuth;
  }
  Console console;
  if (st.ok()) {
    PrintLine("* connected as " + s.user + " (device " + s.device + ")");
  } else {
    repl.ConnectFailed(st);
  }
  PrintLine("* type /help for commands, /list for conversations");
  const int code = repl.Run(console);
  client.reset();  // its destructor runs queued callbacks, which use `repl`
  return code;
}

}  // namespace mqchat::cli
