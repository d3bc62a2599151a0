// Retention, erasure and export (issue 24) over a real broker and mqchatctl, on SQLite and
// PostgreSQL. A retention "day" is shortened by the test option plugin_opt_retention_day_ms, so
// messages expire within a second or two instead of days; every wait has a deadline.
// - The server's default removes exactly the expired messages while a sender keeps sending:
//   no send fails, seqs stay, and history and sync mark the gap (expired_through_seq).
// - A group's owner or admin sets the group's own retention (set_retention); members, outsiders
//   and direct conversations are refused; the operator sets any with mqchatctl.
// - mqchatctl user export writes the user's data as JSON (0600); user erase deletes the account
//   and, with --messages, leaves a tombstone of each message they sent, in order.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "protocol/ops.h"
#include "support/chat_fixture.h"
#include "support/ctl_command.h"
#include "support/temp_dir.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::Op;
using std::chrono::milliseconds;

constexpr int64_t kDayMs = 1500;  // one retention "day" in these tests

int64_t NowMs() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class RetentionFixture : public ChatFixture {
 protected:
  RunResult Ctl(const std::vector<std::string>& words) { return RunCtl(*server_, words); }
  static json History(ChatTestClient& c, int64_t conversation, int64_t after_seq = 0) {
    auto r = c.Request(Op::kHistory, conversation, {{"after_seq", after_seq}, {"limit", 100}});
    EXPECT_TRUE(r.ok()) << r.Describe();
    return r.ok() ? *r.body : json::object();
  }
  // The sync entry of `conversation` from `cursor` (null if sync lists none).
  static json SyncEntry(ChatTestClient& c, int64_t conversation, int64_t cursor) {
    auto r = c.Request(Op::kSync, 0,
                       {{"cursors", {{std::to_string(conversation), cursor}}}, {"limit", 100}});
    EXPECT_TRUE(r.ok()) << r.Describe();
    if (!r.ok()) return nullptr;
    for (const auto& entry : (*r.body)["conversations"]) {
      if (entry["conversation_id"] == std::to_string(conversation)) return entry;
    }
    return nullptr;
  }
  static int64_t ExpiredThrough(const json& page) {
    return page.value("expired_through_seq", int64_t{0});
  }
};

// The server's default: one (short) day.
class RetentionTest : public RetentionFixture {
 protected:
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"retention_days", "1"},
            {"retention_day_ms", std::to_string(kDayMs)},
            {"retention_sweep_ms", "20"},
            {"retention_batch", "7"},  // several batches per sweep
            {"send_rate_per_s", "0"},
            {"fanout_per_s", "0"}};
  }
};

TEST_P(RetentionTest, RemovesExactlyTheExpiredMessagesWhileASenderKeepsSending) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Login("alice");
  auto bob = Login("bob");
  const int64_t dm = alice->OpenDirect("bob");
  ASSERT_GT(dm, 0);
  std::map<int64_t, int64_t> sent_at;  // seq -> server_time_ms
  int n = 0;
  auto send = [&] {
    const std::string id = "m" + std::to_string(++n);
    auto ack = alice->Send(dm, "text " + id, id);
    EXPECT_TRUE(ack.ok()) << "send " << id << " failed: " << ack.Describe();
    if (ack.ok()) sent_at[(*ack.body)["seq"].get<int64_t>()] = (*ack.body)["server_time_ms"];
    return ack.ok();
  };
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(send());

  // Keep sending until the first 30 have expired: no send may fail meanwhile.
  json page;
  int64_t checked_at = 0;
  const bool expired = WaitFor(
      [&] {
        for (int i = 0; i < 5; ++i) {
          if (!send()) return true;  // reported above
        }
        page = History(*bob, dm);
        checked_at = NowMs();
        return ExpiredThrough(page) >= 30;
      },
      milliseconds(15000), "the first 30 messages to expire");
  ASSERT_TRUE(expired);
  const int64_t through = ExpiredThrough(page);
  const int64_t last_seq = sent_at.rbegin()->first;
  // Only expired messages were removed: each was older than a day when the page was read.
  for (const auto& [seq, at] : sent_at) {
    if (seq <= through) EXPECT_LT(at, checked_at - kDayMs) << "seq " << seq << " removed early";
  }
  // Everything above the marker is there, in order: the gap is the marked one only. (The
  // sweeper keeps removing what expires meanwhile, so the page may still hold a few seqs the
  // marker, read after the page, already covers.)
  std::vector<int64_t> seqs;
  for (const auto& m : page["messages"]) seqs.push_back(m["seq"].get<int64_t>());
  ASSERT_FALSE(seqs.empty());
  EXPECT_LE(seqs.front(), through + 1);
  for (size_t i = 1; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], seqs[i - 1] + 1);
  // history pages hold 100; the rest follows on the next page
  if (!page["has_more"].get<bool>()) EXPECT_EQ(seqs.back(), last_seq);

  // Sync from a cursor inside the expired range: the marker, then what is left.
  json entry = SyncEntry(*bob, dm, 5);
  ASSERT_TRUE(entry.is_object());
  EXPECT_GE(ExpiredThrough(entry), through);
  ASSERT_FALSE(entry["messages"].empty());
  const int64_t first = entry["messages"][0]["seq"].get<int64_t>();
  EXPECT_GT(first, 5);
  EXPECT_LE(first, ExpiredThrough(entry) + 1);  // no gap the marker does not cover
  EXPECT_EQ(entry["last_seq"].get<int64_t>(), last_seq);

  // New messages keep their seqs after the gap.
  ASSERT_TRUE(send());
  EXPECT_EQ(sent_at.rbegin()->first, last_seq + 1);
}

MQCHAT_INSTANTIATE_FOR_STORES(RetentionTest);

// The server keeps messages forever; groups set their own retention.
class RetentionOverrideTest : public RetentionFixture {
 protected:
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"retention_day_ms", "300"}, {"retention_sweep_ms", "20"}};
  }
};

TEST_P(RetentionOverrideTest, OwnersAndAdminsSetAGroupsRetention) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob", "carol", "dave"});
  auto alice = Login("alice");
  auto bob = Login("bob");
  auto carol = Login("carol");
  const int64_t short_lived = alice->CreateGroup("short", {"bob", "carol"});
  const int64_t kept = alice->CreateGroup("kept", {"bob"});
  const int64_t dm = alice->OpenDirect("bob");
  ASSERT_GT(short_lived, 0);
  ASSERT_GT(kept, 0);
  auto set = [&](ChatTestClient& c, int64_t id, json days) {
    return c.Request(Op::kSetRetention, 0,
                     {{"conversation_id", std::to_string(id)}, {"days", std::move(days)}});
  };
  EXPECT_EQ(set(*bob, short_lived, 1).error_code(), "FORBIDDEN");  // a member
  auto dave = Login("dave");
  EXPECT_EQ(set(*dave, short_lived, 1).error_code(), "NOT_MEMBER");
  EXPECT_EQ(set(*dave, short_lived + 1000, 1).error_code(), "NOT_MEMBER");
  EXPECT_EQ(set(*alice, dm, 1).error_code(), "FORBIDDEN");  // no owner in a direct conversation
  EXPECT_EQ(set(*alice, short_lived, -2).error_code(), "BAD_REQUEST");
  EXPECT_EQ(set(*alice, short_lived, 36501).error_code(), "BAD_REQUEST");
  EXPECT_EQ(alice->Request(Op::kSetRetention, 0, {{"conversation_id", std::to_string(kept)}})
                .error_code(),
            "BAD_REQUEST");
  auto ok = set(*alice, short_lived, 1);
  ASSERT_TRUE(ok.ok()) << ok.Describe();
  EXPECT_EQ((*ok.body)["retention_days"], 1);
  EXPECT_EQ((*ok.body)["conversation_id"], std::to_string(short_lived));

  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(alice->Send(short_lived, "s" + std::to_string(i), "s" + std::to_string(i)).ok());
    ASSERT_TRUE(alice->Send(kept, "k" + std::to_string(i), "k" + std::to_string(i)).ok());
  }
  ASSERT_TRUE(WaitFor([&] { return ExpiredThrough(History(*carol, short_lived)) >= 5; },
                      milliseconds(10000), "the short-lived group's messages to expire"));
  json page = History(*bob, kept);  // swept in the same passes, and kept
  EXPECT_EQ(ExpiredThrough(page), 0);
  EXPECT_EQ(page["messages"].size(), 5u);
  EXPECT_TRUE(History(*carol, short_lived)["messages"].empty());

  // Back to the server's default (forever), by the owner; the operator's command.
  auto back = set(*alice, short_lived, nullptr);
  ASSERT_TRUE(back.ok()) << back.Describe();
  EXPECT_TRUE((*back.body)["retention_days"].is_null());
  auto ctl = Ctl({"conversation", "retention", std::to_string(kept), "1"});
  EXPECT_EQ(ctl.exit_code, 0) << ctl.output;
  ASSERT_TRUE(WaitFor([&] { return ExpiredThrough(History(*bob, kept)) >= 5; },
                      milliseconds(10000), "the kept group's messages to expire"));
  EXPECT_EQ(Ctl({"conversation", "retention", std::to_string(kept), "default"}).exit_code, 0);
  EXPECT_EQ(Ctl({"conversation", "retention", std::to_string(kept), "x"}).exit_code, 1);
  EXPECT_EQ(Ctl({"conversation", "retention", std::to_string(kept), "36501"}).exit_code, 1);
  EXPECT_EQ(Ctl({"conversation", "retention", std::to_string(kept + 1000), "1"}).exit_code, 1);
}

MQCHAT_INSTANTIATE_FOR_STORES(RetentionOverrideTest);

// Export and erasure.
class ErasureTest : public RetentionFixture {};

json ReadJsonFile(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in, nullptr, /*allow_exceptions=*/false);
}

TEST_P(ErasureTest, ExportThenEraseRoundTrip) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Login("alice");
  auto bob = Login("bob");
  const int64_t dm = alice->OpenDirect("bob");
  const int64_t group = alice->CreateGroup("team", {"bob"});
  ASSERT_TRUE(alice->Send(dm, "first", "a1").ok());                                      // 1
  ASSERT_TRUE(bob->Send(dm, "from bob", "b1").ok());                                     // 2
  ASSERT_TRUE(alice->Request(Op::kEdit, dm, {{"client_msg_id", "e1"}, {"seq", 1},
                                             {"text", "first, edited"}}).ok());          // 3
  ASSERT_TRUE(alice->Send(group, "to the team", "a2").ok());                             // 1

  TempDir dir;
  const std::string file = dir.File("alice.json");
  auto exported = Ctl({"user", "export", "alice", file});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  json doc = ReadJsonFile(file);
  ASSERT_TRUE(doc.is_object()) << "not JSON";
  EXPECT_EQ(doc["profile"]["username"], "alice");
  EXPECT_EQ(doc["profile"]["state"], "active");
  ASSERT_EQ(doc["conversations"].size(), 2u);
  std::map<std::string, json> by_id;
  for (const auto& c : doc["conversations"]) by_id[c["conversation_id"]] = c;
  EXPECT_EQ(by_id[std::to_string(group)]["name"], "team");
  EXPECT_EQ(by_id[std::to_string(group)]["role"], "owner");
  EXPECT_EQ(by_id[std::to_string(dm)]["members"], json({"alice", "bob"}));
  // Alice's entries only, as they are now: the message edited, the edit, the group message.
  ASSERT_EQ(doc["messages"].size(), 3u) << doc["messages"].dump();
  std::map<std::pair<std::string, int64_t>, json> sent;
  for (const auto& m : doc["messages"]) sent[{m["conversation_id"], m["seq"]}] = m;
  EXPECT_EQ((sent[{std::to_string(dm), 1}]["text"]), "first, edited");
  EXPECT_EQ((sent[{std::to_string(dm), 3}]["kind"]), "edit");
  EXPECT_EQ((sent[{std::to_string(group), 1}]["text"]), "to the team");
  EXPECT_EQ(sent.count({std::to_string(dm), 2}), 0u);  // bob's

  // Never over an existing file; an unknown user leaves no file.
  EXPECT_EQ(Ctl({"user", "export", "alice", file}).exit_code, 1);
  EXPECT_EQ(Ctl({"user", "export", "nobody", dir.File("nobody.json")}).exit_code, 1);
  EXPECT_NE(::stat(dir.File("nobody.json").c_str(), &st), 0);

  // Erasure with the messages: tombstones in order, seqs kept, bob's message untouched.
  auto erased = Ctl({"user", "erase", "alice", "--messages"});
  ASSERT_EQ(erased.exit_code, 0) << erased.output;
  EXPECT_NE(erased.output.find("2 messages erased"), std::string::npos) << erased.output;
  auto show = Ctl({"--json", "user", "show", "alice"});
  ASSERT_EQ(show.exit_code, 0) << show.output;
  EXPECT_EQ(json::parse(show.output)["state"], "deleted");

  json page = History(*bob, dm);
  ASSERT_EQ(page["messages"].size(), 2u) << page.dump();
  EXPECT_EQ(page["messages"][0]["seq"], 1);
  EXPECT_EQ(page["messages"][0]["text"], "");
  EXPECT_TRUE(page["messages"][0].value("deleted", false));
  EXPECT_EQ(page["messages"][1]["seq"], 2);
  EXPECT_EQ(page["messages"][1]["text"], "from bob");
  json entry = SyncEntry(*bob, dm, 0);
  ASSERT_EQ(entry["messages"].size(), 3u);
  for (const auto& m : entry["messages"]) {
    if (m["sender"] == "alice") EXPECT_EQ(m["text"], "") << m.dump();
  }
  json team = History(*bob, group);
  ASSERT_EQ(team["messages"].size(), 1u);
  EXPECT_EQ(team["messages"][0]["text"], "");

  // The export after the erasure holds no text of hers.
  const std::string after = dir.File("after.json");
  ASSERT_EQ(Ctl({"user", "export", "alice", after}).exit_code, 0);
  json again = ReadJsonFile(after);
  EXPECT_EQ(again["profile"]["state"], "deleted");
  for (const auto& m : again["messages"]) EXPECT_EQ(m["text"], "") << m.dump();

  // Without --messages: the account goes, the messages stay.
  ASSERT_TRUE(bob->Send(group, "still here", "b2").ok());
  ASSERT_EQ(Ctl({"user", "erase", "bob"}).exit_code, 0);
  EXPECT_EQ(Ctl({"user", "erase", "nobody"}).exit_code, 1);
  const std::string bob_file = dir.File("bob.json");
  ASSERT_EQ(Ctl({"user", "export", "bob", bob_file}).exit_code, 0);
  json bobs = ReadJsonFile(bob_file);
  bool kept = false;
  for (const auto& m : bobs["messages"]) kept = kept || m["text"] == "still here";
  EXPECT_TRUE(kept) << bobs.dump();
}

MQCHAT_INSTANTIATE_FOR_STORES(ErasureTest);

}  // namespace
}  // namespace mqchat::test
