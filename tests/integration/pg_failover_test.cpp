// PostgreSQL failover (issue 14): two brokers share a database on a pg_auto_failover cluster (a
// primary with a synchronous standby, and a monitor), reached through a multi-host conninfo with
// target_session_attrs=read-write. A sender on each broker sends without pause, retrying each
// message by its client_msg_id until acknowledged (QoS 1), while the primary's machine is
// SIGKILLed (pg_autoctl, PostgreSQL and its backends) and the monitor promotes the standby. No
// broker restarts. Then: every acknowledged message is stored exactly once with the seq and id
// it was acknowledged with, seqs have no gap, nothing is stored that was not acknowledged, no
// receiver on the other broker got a message twice, and sends succeeded again within seconds
// (the measured times are printed).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "protocol/ops.h"
#include "store/pg/pg_handles.h"
#include "store/pg/pg_migrator.h"
#include "support/pg_auto_failover_cluster.h"
#include "support/shared_brokers.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr int kBeforeKill = 15;             // acks per sender before the primary is killed
constexpr int kAfterKill = 10;              // acks per sender begun after the kill, before stopping
constexpr auto kResumeBound = seconds(30);  // sends succeed again within this after the kill

long long Ms(Clock::duration d) { return std::chrono::duration_cast<milliseconds>(d).count(); }

struct Ack {
  std::string client_msg_id;
  int64_t seq = 0;
  int64_t message_id = 0;
  int attempts = 0;
  bool duplicate = false;  // acked by a resend after a cut-off commit had stored it
  Clock::time_point first_try;
  Clock::time_point acked_at;
};

// One user sending to one conversation from its own thread (its client is used by no other).
struct Sender {
  std::unique_ptr<ChatTestClient> client;
  int64_t conversation = 0;
  std::string prefix;
  std::vector<Ack> acks;                 // read by the test thread after the join
  std::vector<std::string> never_acked;  // given up after 40 s of retries
  std::map<std::string, int> errors;     // error code ("" = no answer in time) -> count
  std::atomic<int> acked{0};

  // Sends until `stop`; each message is resent with its client_msg_id until acknowledged, as
  // a client does with a retryable error or no answer.
  void Run(const std::atomic<bool>& stop) {
    for (int i = 0; !stop; ++i) {
      Ack ack;
      ack.client_msg_id = prefix + std::to_string(i);
      ack.first_try = Clock::now();
      const auto deadline = ack.first_try + seconds(40);
      bool done = false;
      while (!done && Clock::now() < deadline) {
        ++ack.attempts;
        auto r = client->Send(conversation, "m " + ack.client_msg_id, ack.client_msg_id);
        if (r.ok()) {
          ack.acked_at = Clock::now();
          ack.seq = (*r.body)["seq"].get<int64_t>();
          ack.message_id = JsonId((*r.body)["message_id"]);
          ack.duplicate = r.body->value("duplicate", false);
          done = true;
        } else {
          ++errors[r.error_code()];
          // A client's pause before resending a refused message (not a wait for an event).
          if (r.body) std::this_thread::sleep_for(milliseconds(50));
        }
      }
      if (!done) {
        never_acked.push_back(ack.client_msg_id);
        return;
      }
      acks.push_back(ack);
      ++acked;
    }
  }
};

class PgFailoverTest : public SharedBrokersTest {
 protected:
  // A cluster that does not come up fails the test with pg_autoctl's logs (kInternal).
  Result<std::string> StoreConnInfo() override {
    const auto started = Clock::now();
    MQCHAT_ASSIGN_OR_RETURN(cluster_, PgAutoFailoverCluster::Start());
    std::printf("pg failover: monitor, primary and standby up in %lld ms\n",
                Ms(Clock::now() - started));
    MQCHAT_ASSIGN_OR_RETURN(std::string conninfo, cluster_->CreateDatabase("mqchat"));
    // Migrated here, not by the first broker: every commit waits for the synchronous standby,
    // and a broker must listen within BrokerProcess::kStartTimeout on a loaded machine.
    MQCHAT_ASSIGN_OR_RETURN(store::PgConnPtr conn, store::ConnectPg(conninfo));
    MQCHAT_RETURN_IF_ERROR(store::MigratePg(conn.get()));
    return conninfo;
  }
  void TearDown() override {
    brokers_.clear();
    cluster_.reset();
  }

  // Every stored message of `conv`, by client_msg_id; fails the test on a seq gap or a
  // client_msg_id stored twice.
  std::map<std::string, nlohmann::json> Stored(ChatTestClient& reader, int64_t conv) {
    std::map<std::string, nlohmann::json> out;
    int64_t last_seq = 0;
    for (bool more = true; more;) {
      auto page =
          reader.Request(protocol::Op::kHistory, conv, {{"after_seq", last_seq}, {"limit", 100}});
      EXPECT_TRUE(page.ok()) << page.Describe();
      if (!page.ok()) break;
      for (const auto& m : (*page.body)["messages"]) {
        const int64_t seq = m["seq"].get<int64_t>();
        EXPECT_EQ(seq, last_seq + 1) << "a seq gap in conversation " << conv;
        last_seq = seq;
        EXPECT_TRUE(out.emplace(m["client_msg_id"].get<std::string>(), m).second)
            << "stored twice: " << m.dump();
      }
      more = (*page.body)["has_more"].get<bool>();
    }
    return out;
  }

  // Checks `sender`'s acks against the store (read by `reader`) and what `receiver` got live.
  void CheckConversation(Sender& sender, ChatTestClient& reader, ChatTestClient& receiver) {
    const auto stored = Stored(reader, sender.conversation);
    EXPECT_EQ(stored.size(), sender.acks.size()) << "stored messages that were never acked";
    for (const Ack& ack : sender.acks) {
      auto it = stored.find(ack.client_msg_id);
      if (it == stored.end()) {
        ADD_FAILURE() << "acknowledged but lost: " << ack.client_msg_id;
        continue;
      }
      EXPECT_EQ(it->second["seq"].get<int64_t>(), ack.seq) << ack.client_msg_id;
      EXPECT_EQ(JsonId(it->second["message_id"]), ack.message_id) << ack.client_msg_id;
    }
    std::set<int64_t> stored_ids;
    for (const auto& [id, m] : stored) stored_ids.insert(JsonId(m["message_id"]));
    auto live = receiver.WaitMessages(sender.conversation, sender.acks.size(), seconds(5));
    for (const auto& m : receiver.WaitMessages(sender.conversation, 1, milliseconds(500))) {
      live.push_back(m);  // one more than was acked would be a duplicate
    }
    std::set<int64_t> seen;
    for (const auto& m : live) {
      const int64_t id = JsonId(m["message_id"]);
      EXPECT_TRUE(seen.insert(id).second) << receiver.user() << " got twice: " << m.dump();
      EXPECT_EQ(stored_ids.count(id), 1u) << "delivered but not stored: " << m.dump();
    }
    const auto duplicates = std::count_if(sender.acks.begin(), sender.acks.end(),
                                          [](const Ack& ack) { return ack.duplicate; });
    std::printf(
        "pg failover: %s: %zu acked (%lld of them by a resend as duplicate: the commit "
        "had been cut off), %zu stored, %zu delivered live to %s\n",
        sender.prefix.c_str(), sender.acks.size(), static_cast<long long>(duplicates),
        stored.size(), seen.size(), receiver.user().c_str());
  }

  std::unique_ptr<PgAutoFailoverCluster> cluster_;
};

TEST_F(PgFailoverTest, PrimaryKilledDuringSendBurstLosesAndDuplicatesNothing) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  auto bob = Login(1, "bob");
  auto carol = Login(0, "carol");
  Sender alice;
  Sender dave;
  alice.client = Login(0, "alice", "phone");
  dave.client = Login(1, "dave", "phone");
  alice.conversation = alice.client->OpenDirect("bob");
  dave.conversation = dave.client->OpenDirect("carol");
  ASSERT_GT(alice.conversation, 0);
  ASSERT_GT(dave.conversation, 0);
  alice.prefix = "alice-";
  dave.prefix = "dave-";
  std::vector<pid_t> broker_pids;
  for (auto& b : brokers_) broker_pids.push_back(b->pid());

  std::atomic<bool> stop{false};
  std::thread alice_thread([&] { alice.Run(stop); });
  std::thread dave_thread([&] { dave.Run(stop); });
  auto both_reach = [&](int alice_n, int dave_n, Clock::duration timeout, const char* what) {
    return WaitFor([&] { return alice.acked >= alice_n && dave.acked >= dave_n; },
                   std::chrono::duration_cast<milliseconds>(timeout), what);
  };
  const bool burst = both_reach(kBeforeKill, kBeforeKill, seconds(30), "the burst to start");

  const int old_primary = cluster_->PrimaryNode();
  const int alice_at_kill = alice.acked;
  const int dave_at_kill = dave.acked;
  Status kill = burst && old_primary >= 0 ? cluster_->KillNode(old_primary)
                                          : Status::Internal("no burst or no primary");
  // Taken once every process of the node is gone: a send first tried after this cannot have
  // been acked by the old primary.
  const auto killed = Clock::now();
  const bool promoted = kill.ok() && cluster_->WaitPromoted(old_primary, seconds(40));
  const long long promoted_ms = Ms(Clock::now() - killed);
  // Keep sending: each sender gets kAfterKill more acks (the ones in flight at the kill too).
  const bool resumed = promoted && both_reach(alice_at_kill + kAfterKill, dave_at_kill + kAfterKill,
                                              seconds(60), "sends after the failover");
  stop = true;
  alice_thread.join();
  dave_thread.join();
  ASSERT_TRUE(burst);
  ASSERT_GE(old_primary, 0) << "the monitor named no primary";
  ASSERT_TRUE(kill.ok()) << kill.ToString();
  ASSERT_TRUE(promoted) << "the standby was not promoted within 40 s\n" << cluster_->Logs();
  EXPECT_TRUE(resumed);

  // Sends work again: the first ack, after the kill, of a send that began after it or had
  // been refused (each sender's; the slower one is the outage clients saw).
  long long resumed_ms = 0;
  for (Sender* s : {&alice, &dave}) {
    long long first = -1;
    for (const Ack& ack : s->acks) {
      if (ack.acked_at > killed && (ack.first_try >= killed || ack.attempts > 1)) {
        first = Ms(ack.acked_at - killed);
        break;
      }
    }
    EXPECT_GE(first, 0) << s->prefix << " never sent again after the kill";
    resumed_ms = std::max(resumed_ms, first);
    EXPECT_TRUE(s->never_acked.empty()) << s->prefix << " gave up on " << s->never_acked.front();
    for (const auto& [code, count] : s->errors) {
      std::printf("pg failover: %s: %d sends answered %s\n", s->prefix.c_str(), count,
                  code.empty() ? "nothing in time" : code.c_str());
      // Retryable refusals or silence while the store is away; never another error.
      EXPECT_TRUE(code.empty() || code == "UNAVAILABLE") << code << " x" << count;
    }
  }
  std::printf(
      "pg failover: node%d SIGKILLed; node%d promoted after %lld ms; sends acked "
      "again after %lld ms\n",
      old_primary, 1 - old_primary, promoted_ms, resumed_ms);
  EXPECT_LT(resumed_ms, Ms(kResumeBound)) << "sends did not recover within seconds";

  CheckConversation(alice, *bob, *bob);
  CheckConversation(dave, *carol, *carol);
  for (size_t i = 0; i < brokers_.size(); ++i) {
    EXPECT_TRUE(brokers_[i]->Running()) << "broker " << i + 1 << " died";
    EXPECT_EQ(brokers_[i]->pid(), broker_pids[i]) << "broker " << i + 1 << " restarted";
  }
}

}  // namespace
}  // namespace mqchat::test
