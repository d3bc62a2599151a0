// A legitimate user logs in within 1 s during a login flood at the API service (issue 29), and
// the chat beside it keeps its latency: the real mqchat-api with its default throttles, hash
// budgets (the pool's and each network's) and front gate (api/src/request_gate.h), the real
// broker on the same store. Attacker threads send wrong passwords for real usernames from 1,000
// loopback addresses in four /24s (127.0.10.x to 127.0.13.x), each a fresh connection, at
// kAttackRequestsPerS in total, while five token-authenticated pairs chat at 10 messages/s each
// and a real user logs in with the right password from 127.0.0.1 (another network) four times
// in every flood window.
// Quiet and flood windows of 2 s alternate, a quiet one before and after each of kRounds flood
// windows, so a drift in the load of this shared machine falls on both alike. The pairs' bound is
// on the median over the windows of each window's p99 (flood at most twice quiet, the quiet
// value floored at kQuietFloorMs): the flood is in every flood window, so its cost shows in
// their median, while another process's stall of a few hundred ms, which on 2 shared cores lands
// in one window now and then (measured: a quiet window's p99 from 11 to 189 ms between windows
// under other builds), moves the median by one window at most. The p99 over all samples is
// printed beside it.
// What the test proves, each asserted:
// - the flood ran at its rate in every flood window (requests answered within the window);
// - every attacker was refused (401, 429 or 503), none waited more than 5 s for an answer (no
//   queue that grows), and the attackers' networks got no more hashes than their budget;
// - every real login succeeded, its median and 90th percentile within 1 s;
// - the pairs' bound above, and that they kept their pace.
// To be checked to fail (by hand, not committed; not yet done): with every API throttle off (the
// pool's queue unbounded, no per-network budget, no login limits) the attackers' checks queue
// (unanswered in 5 s) and hash far past the budget; with the password checks on the broker's thread
// (the same flood and logins as MQTT CONNECTs to a broker with password_login true) the pairs'
// median p99 and the real user's logins fail. Figures: docs/BENCHMARKS.md, "PBKDF2 and the
// per-network hash budget". DISABLED (2026-12-07 06:54-07:00 UTC, not yet robust): passed once at
// load 4 (flood 390/s, 105 hashed of a budget of 276, 0 unanswered; real logins median 53 / p90 74
// / max 122 ms; pairs' median window p99 quiet 19.1 -> flood 22.5 ms). With two CPU hogs (both
// cores; one was left running by mistake) it failed 3 of 3 runs, on the flood's rate (172-208/s of
// the 320/s asserted) and on 8-14 attackers unanswered in 5 s, i.e. the in-process attack client
// starved at nice 19, while the service's bounds held (logins p90 690-974 ms, pairs' median
// p99 38.8 -> 45.1, 52.2 -> 54.2, 48.8
// -> 42.5 ms); attackers at nice 10 made it worse. Next: run the attack client as its own process
// (or cap the rate to what the client can reach and assert that), then 10 runs plain and 10 with
// the hog, and the two by-hand breaks in this header (not yet run). The attackers run in this
// process at nice 19: a real attacker's client runs on its own machines, so what the pairs may feel
// is the service's and the kernel's work for the flood, not the attacking client's. SQLite only
// (login does not depend on the store's kind).
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "auth/jwt.h"
#include "auth/password_hash.h"
#include "support/api_process.h"
#include "support/chat_client.h"
#include "support/chat_server.h"
#include "support/http_from.h"
#include "support/raw_connect.h"

namespace mqchat::test {
namespace {

using Clock = std::chrono::steady_clock;
using Ms = std::chrono::duration<double, std::milli>;

constexpr int kAttackers = 20;
constexpr int kAddresses = 1000;  // 127.0.10.2 .. 127.0.13.251: four /24s
constexpr int kAttackNetworks = 4;
constexpr int kVictims = 10;
constexpr int kPairs = 5;
constexpr int kRounds = 6;  // flood windows; quiet windows: one more
constexpr auto kPhase = std::chrono::seconds(2);
constexpr int kLoginsPerPhase = 4;
// The attackers' total request rate (unpaced, 20 threads made 1,400 requests/s before the gate,
// 8,366 in 6 s), and the share of it each flood window must reach (answers within the window).
constexpr int kAttackRequestsPerS = 400;
constexpr double kMinAttackShare = 0.8;
// The default per-network hash budget (api/src/network_hash_budget.h): 2 a second, bursts of 20.
constexpr double kHashRatePerNetwork = 2;
constexpr double kHashBurstPerNetwork = 20;
// Below this a quiet p99 is the kernel's scheduling granularity, not the chat's latency.
constexpr double kQuietFloorMs = 5;
const std::string kSecret = "api-login-flood-test-jwt-secret-0123456789";

std::string Token(const std::string& user) {
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  auto token = auth::SignHs256({{"sub", user}, {"iat", now}, {"exp", now + 3600}}, kSecret);
  return token.ok() ? *token : "";
}

// What one PBKDF2 at the default cost takes on this machine right now.
double HashMs() {
  auto dummy = auth::MakeDummyHash();
  const auto start = Clock::now();
  (void)auth::VerifyPassword("x", *dummy);
  return Ms(Clock::now() - start).count();
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size()))) - 1;
  return v[std::min(i, v.size() - 1)];
}

std::string LoginBody(const std::string& user, const std::string& password) {
  return nlohmann::json{{"username", user}, {"password", password}}.dump();
}

// One window's figures.
struct Window {
  std::vector<double> sends;  // the pairs' send -> ack, ms
  int attacks = 0;            // attacker requests answered within the window
  double p99() const { return Percentile(sends, 0.99); }
};

class ApiLoginFloodTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ChatServerOptions o;
    o.store = StoreKind::kSqlite;
    o.plugin_opts = {{"jwt_hs256_secret", kSecret}};
    server_ = ChatServer::Create(std::move(o));
    ASSERT_TRUE(server_);
    ASSERT_TRUE(server_->Start());
    // Default login throttles, hash budget and gate; only sign-up is opened up for the setup.
    api_ = std::make_unique<ApiProcess>(
        server_->store_config(),
        std::vector<std::pair<std::string, std::string>>{{"signup_max_per_address", "1000"}});
    ASSERT_TRUE(api_->Start());
    for (int i = 0; i < kVictims; ++i) {
      ASSERT_EQ(api_->Post("/v1/signup", {{"username", "victim" + std::to_string(i)},
                                          {"password", "victim password " + std::to_string(i)}})
                    .status,
                201);
    }
    ASSERT_EQ(
        api_->Post("/v1/signup", {{"username", "legit"}, {"password", "legit password"}}).status,
        201);
    for (int i = 0; i < kPairs; ++i) {
      const std::string a = "a" + std::to_string(i), b = "b" + std::to_string(i);
      auto receiver = std::make_unique<ChatTestClient>();
      ASSERT_EQ(receiver->Connect(server_->port(), b, Token(b)), 0);
      auto sender = std::make_unique<ChatTestClient>();
      ASSERT_EQ(sender->Connect(server_->port(), a, Token(a)), 0);
      conversations_.push_back(sender->OpenDirect(b));
      senders_.push_back(std::move(sender));
      receivers_.push_back(std::move(receiver));
    }
  }

  // One window: the pairs chat for kPhase; with `flood`, the attackers flood meanwhile and the
  // real user logs in kLoginsPerPhase times.
  Window Phase(bool flood) {
    std::atomic<bool> stop{false};
    std::atomic<int> in_window{0};
    const auto start = Clock::now();
    const auto end = start + kPhase;
    if (flood && first_flood_ == Clock::time_point{}) first_flood_ = start;
    std::vector<std::thread> attackers;
    for (int t = 0; flood && t < kAttackers; ++t) {
      attackers.emplace_back([&, t] {
        // A real attacker's client runs on its own machines: here its threads take only CPU
        // the service and the chat leave over (nice 19), so what the pairs feel is the
        // service's and the kernel's work for the flood, not the attacking client's.
        (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19);
        // Each thread at its share of the rate, from its own addresses in turn.
        const auto interval =
            std::chrono::microseconds(1000000LL * kAttackers / kAttackRequestsPerS);
        auto next = Clock::now();
        for (int n = t + kAttackers * attack_round_; !stop; n += kAttackers) {
          auto reply = PostJsonFrom(LoopbackAddress(n % kAddresses), api_->port(), "/v1/login",
                                    LoginBody("victim" + std::to_string(n % kVictims), "guess"),
                                    std::chrono::seconds(5));
          if (Clock::now() < end) ++in_window;
          // 0: no answer within 5 s (a check waiting in a queue that grows).
          (reply.status == 401   ? refused_
           : reply.status == 429 ? throttled_
           : reply.status == 503 ? busy_
           : reply.status == 0   ? timed_out_
                                 : other_)++;
          next += interval;
          std::this_thread::sleep_until(next);  // the attack's pace, not a wait for an event
        }
      });
    }
    std::vector<std::vector<double>> sends(kPairs);
    std::vector<std::thread> pairs;
    for (int p = 0; p < kPairs; ++p) {
      pairs.emplace_back([&, p] {
        auto next = Clock::now();
        for (int n = 0; Clock::now() < end; ++n) {
          const auto sent = Clock::now();
          auto r = senders_[p]->Send(conversations_[p], "hello",
                                     "m" + std::to_string(phase_) + "-" + std::to_string(n));
          if (!r.ok()) ADD_FAILURE() << "send: " << r.Describe();
          sends[p].push_back(Ms(Clock::now() - sent).count());
          next += std::chrono::milliseconds(100);  // the pace of a chat, not a wait for an event
          std::this_thread::sleep_until(next);
        }
      });
    }
    if (flood) {
      // The real user, 0.3 s into the flood and then every 0.4 s (each waits for its answer).
      auto next = start + std::chrono::milliseconds(300);
      for (int i = 0; i < kLoginsPerPhase; ++i) {
        std::this_thread::sleep_until(next);  // pacing the real user, not waiting for an event
        next += std::chrono::milliseconds(400);
        auto reply = PostJsonFrom("127.0.0.1", api_->port(), "/v1/login",
                                  LoginBody("legit", "legit password"), std::chrono::seconds(5));
        legit_ms_.push_back(Ms(reply.elapsed).count());
        legit_status_.push_back(reply.status);
      }
    }
    for (auto& thread : pairs) thread.join();
    stop = true;
    for (auto& thread : attackers) thread.join();
    if (flood) last_flood_ = Clock::now();
    Window w;
    for (auto& s : sends) w.sends.insert(w.sends.end(), s.begin(), s.end());
    w.attacks = in_window.load();
    std::printf("window %d (%s): pairs p99 %.1f ms (%zu sends)", phase_, flood ? "flood" : "quiet",
                w.p99(), w.sends.size());
    if (flood) std::printf(", %d attacker requests answered in it", w.attacks);
    std::printf("\n");
    ++phase_;
    if (flood) ++attack_round_;
    return w;
  }

  std::unique_ptr<ChatServer> server_;
  std::unique_ptr<ApiProcess> api_;
  std::vector<std::unique_ptr<ChatTestClient>> senders_, receivers_;
  std::vector<int64_t> conversations_;
  std::atomic<int> refused_{0}, throttled_{0}, busy_{0}, timed_out_{0}, other_{0};
  std::vector<double> legit_ms_;
  std::vector<int> legit_status_;
  Clock::time_point first_flood_{}, last_flood_{};
  int phase_ = 0;
  int attack_round_ = 0;
};

TEST_F(ApiLoginFloodTest, DISABLED_ALegitimateUserLogsInWithinOneSecondAndTheChatKeepsItsLatency) {
  std::vector<Window> quiet, flooded;
  quiet.push_back(Phase(false));
  for (int round = 0; round < kRounds; ++round) {
    flooded.push_back(Phase(true));
    quiet.push_back(Phase(false));
  }
  auto all = [](const std::vector<Window>& ws) {
    std::vector<double> v;
    for (auto& w : ws) v.insert(v.end(), w.sends.begin(), w.sends.end());
    return v;
  };
  auto median_p99 = [](const std::vector<Window>& ws) {
    std::vector<double> v;
    for (auto& w : ws) v.push_back(w.p99());
    return Percentile(v, 0.5);
  };
  const std::vector<double> quiet_all = all(quiet), flood_all = all(flooded);
  const double quiet_p99 = median_p99(quiet), flood_p99 = median_p99(flooded);
  const int attempts = refused_ + throttled_ + busy_ + timed_out_ + other_;
  const double flood_span_s = std::chrono::duration<double>(last_flood_ - first_flood_).count();
  int slowest_window = attempts;
  for (auto& w : flooded) slowest_window = std::min(slowest_window, w.attacks);
  const double min_rate = slowest_window / std::chrono::duration<double>(kPhase).count();
  const double max_hashed =
      kAttackNetworks * (kHashBurstPerNetwork + kHashRatePerNetwork * flood_span_s);
  std::printf(
      "flood: %d requests in %d windows of %lld s, the slowest window %.0f/s: %d refused "
      "(401, hashed; budget %.0f), %d throttled (429), %d busy (503), %d unanswered in "
      "5 s, %d other; one hash here now %.0f ms\n",
      attempts, kRounds, static_cast<long long>(kPhase.count()), min_rate, refused_.load(),
      max_hashed, throttled_.load(), busy_.load(), timed_out_.load(), other_.load(), HashMs());
  std::printf("legit logins:");
  for (size_t i = 0; i < legit_ms_.size(); ++i) {
    std::printf(" %d in %.0f ms", legit_status_[i], legit_ms_[i]);
  }
  std::printf("\nlegit logins: median %.0f ms, p90 %.0f ms, max %.0f ms\n",
              Percentile(legit_ms_, 0.5), Percentile(legit_ms_, 0.9), Percentile(legit_ms_, 1.0));
  std::printf(
      "pairs send->ack: median of the windows' p99 quiet %.2f ms, flood %.2f ms; over "
      "all samples quiet p50 %.2f p99 %.2f ms (%zu), flood p50 %.2f p99 %.2f ms (%zu)\n",
      quiet_p99, flood_p99, Percentile(quiet_all, 0.5), Percentile(quiet_all, 0.99),
      quiet_all.size(), Percentile(flood_all, 0.5), Percentile(flood_all, 0.99), flood_all.size());

  // The flood ran at its rate in every measured window, and was refused without a queue.
  EXPECT_GE(min_rate, kMinAttackShare * kAttackRequestsPerS) << "the flood did not run at its rate";
  EXPECT_EQ(other_, 0) << "an attacker got another answer than a refusal";
  EXPECT_EQ(timed_out_, 0) << "attackers' checks waited more than 5 s: a queue that grows";
  EXPECT_LE(refused_, max_hashed + kAttackNetworks) << "the attackers' networks hashed past "
                                                       "their budget";
  // The real user: every login succeeded; the median and 9 in 10 within 1 s (one slow
  // scheduling moment of this shared machine may take the tenth; the median says whether the
  // design holds).
  ASSERT_EQ(legit_ms_.size(), static_cast<size_t>(kRounds * kLoginsPerPhase));
  for (size_t i = 0; i < legit_ms_.size(); ++i) {
    EXPECT_EQ(legit_status_[i], 200) << "login " << i;
  }
  EXPECT_LT(Percentile(legit_ms_, 0.5), 1000);
  EXPECT_LT(Percentile(legit_ms_, 0.9), 1000);
  // The pairs: within twice their quiet latency, and at their pace.
  EXPECT_LE(flood_p99, 2 * std::max(quiet_p99, kQuietFloorMs));
  EXPECT_GE(flood_all.size(), quiet_all.size() * kRounds / (kRounds + 1) * 9 / 10)
      << "the pairs could not keep their pace";
}

}  // namespace
}  // namespace mqchat::test
