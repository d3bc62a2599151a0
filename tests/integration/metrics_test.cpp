// The operators' listener (issue 19): Prometheus metrics that move with the traffic, scraped by
// Debian's real prometheus server; liveness and readiness that follow the store.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>

#include "support/chat_fixture.h"
#include "support/free_port.h"
#include "support/postgres_instance.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "support/test_paths.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using std::chrono::seconds;

struct Scrape {
  int status = 0;
  std::string body;
};

Scrape Get(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(5, 0);
  auto res = client.Get(path.c_str());
  if (!res) return {};
  return {res->status, res->body};
}

// The value of the sample `series` (a metric name with its labels, as rendered), if present.
std::optional<double> Sample(const std::string& text, const std::string& series) {
  size_t at = 0;
  while ((at = text.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') {
      return std::stod(text.substr(at + series.size() + 1));
    }
    at += series.size();
  }
  return std::nullopt;
}

class MetricsTest : public ChatFixture {
 protected:
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"metrics_listen", "127.0.0.1:" + std::to_string(metrics_port_)}};
  }

  double Value(const std::string& series) {
    const Scrape s = Get(metrics_port_, "/metrics");
    EXPECT_EQ(s.status, 200);
    return Sample(s.body, series).value_or(-1);
  }

  const int metrics_port_ = FreePort();
};

TEST_P(MetricsTest, CountersMoveWithTheTraffic) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  const double stored_before = Value("mqchat_messages_stored_total");
  EXPECT_EQ(stored_before, 0);
  auto alice = Login("alice");
  auto bob = Login("bob");
  const int64_t conv = alice->OpenDirect("bob");
  ASSERT_GT(conv, 0);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(alice->Send(conv, "m" + std::to_string(i), "c" + std::to_string(i)).ok());
  }
  ASSERT_TRUE(alice->Send(conv, "m0", "c0").ok());  // a resend: answered, not stored again
  auto bad = alice->Send(conv + 1000, "nowhere", "c-x");
  EXPECT_FALSE(bad.ok());

  const Scrape s = Get(metrics_port_, "/metrics");
  ASSERT_EQ(s.status, 200);
  EXPECT_NE(s.body.find("# TYPE mqchat_store_commit_duration_seconds histogram"),
            std::string::npos);
  EXPECT_EQ(Sample(s.body, "mqchat_messages_stored_total"), 5);
  EXPECT_EQ(Sample(s.body, "mqchat_duplicate_sends_total"), 1);
  EXPECT_EQ(Sample(s.body, "mqchat_requests_total{op=\"send\",outcome=\"ok\"}"), 6);
  EXPECT_EQ(Sample(s.body, "mqchat_requests_total{op=\"send\",outcome=\"NOT_MEMBER\"}"), 1);
  EXPECT_EQ(Sample(s.body, "mqchat_connected_devices"), 2);
  EXPECT_EQ(Sample(s.body, "mqchat_connected_users"), 2);
  EXPECT_GE(Sample(s.body, "mqchat_auth_attempts_total{outcome=\"ok\"}").value_or(0), 4);
  EXPECT_GE(Sample(s.body, "mqchat_store_commit_duration_seconds_count").value_or(0), 1);
  EXPECT_EQ(Sample(s.body, "mqchat_send_ack_duration_seconds_count"), 7);
  EXPECT_EQ(Sample(s.body, "mqchat_store_queue_depth"), 0);
  // Never a user or a conversation in a label.
  EXPECT_EQ(s.body.find("alice"), std::string::npos);
  EXPECT_EQ(s.body.find(std::to_string(conv)), std::string::npos);

  bob->Disconnect();
  EXPECT_TRUE(WaitFor([&] { return Value("mqchat_connected_devices") == 1; }, seconds(10),
                      "the gauge to drop with the disconnect"));
  EXPECT_EQ(Value("mqchat_connected_users"), 1);
}

TEST_P(MetricsTest, HealthAndReadinessAnswerInJson) {
  MQCHAT_REQUIRE_SERVER();
  for (const char* path : {"/healthz", "/readyz"}) {
    const Scrape s = Get(metrics_port_, path);
    ASSERT_EQ(s.status, 200) << path << ": " << s.body;
    const auto body = nlohmann::json::parse(s.body);
    EXPECT_EQ(body["status"], "ok") << s.body;
    EXPECT_EQ(body["checks"]["loop"], "ok") << s.body;
  }
  EXPECT_EQ(nlohmann::json::parse(Get(metrics_port_, "/readyz").body)["checks"]["store"], "ok");
  const Scrape missing = Get(metrics_port_, "/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(nlohmann::json::parse(missing.body)["error"]["code"], "NOT_FOUND");
}

// The store stops: not ready (so a load balancer sends new clients elsewhere) but still live
// (a restart would not help); ready again when it returns.
class MetricsOutageTest : public MetricsTest {};  // PostgreSQL only: it is stopped and started

TEST_P(MetricsOutageTest, NotReadyWhileTheStoreIsDown) {
  MQCHAT_REQUIRE_SERVER();
  MQCHAT_SHARED_POSTGRES_OR_SKIP(pg);
  ASSERT_EQ(Get(metrics_port_, "/readyz").status, 200);
  ASSERT_TRUE(pg->Stop().ok());
  Scrape down;
  const bool went_down = WaitFor(
      [&] {
        down = Get(metrics_port_, "/readyz");
        return down.status == 503;
      },
      seconds(20), "readyz to answer 503");
  const int live_status = Get(metrics_port_, "/healthz").status;
  ASSERT_TRUE(pg->Start().ok());
  ASSERT_TRUE(went_down);
  EXPECT_EQ(nlohmann::json::parse(down.body)["status"], "fail");
  EXPECT_NE(nlohmann::json::parse(down.body)["checks"]["store"], "ok");
  EXPECT_EQ(live_status, 200);
  EXPECT_TRUE(WaitFor([&] { return Get(metrics_port_, "/readyz").status == 200; }, seconds(30),
                      "readyz to answer 200 again"));
}

// Debian's prometheus scrapes the listener: the sample it stores is the broker's count.
class PrometheusScrapeTest : public MetricsTest {  // one store is enough for the scrape
 protected:
  // conf/grafana/mqchat-brokers.json: every panel's query is one Prometheus accepts, and every
  // metric it names is one the listener serves (`exposition`), so the dashboard cannot drift
  // from the metrics.
  static void CheckDashboardQueries(int prometheus_port, const std::string& exposition) {
    std::ifstream file(std::string(MQCHAT_SOURCE_DIR) + "/conf/grafana/mqchat-brokers.json");
    ASSERT_TRUE(file.good());
    const auto dashboard = nlohmann::json::parse(file, nullptr, false);
    ASSERT_FALSE(dashboard.is_discarded());
    int queries = 0;
    const std::regex metric_name("mqchat_[a-z_]+");
    for (const auto& panel : dashboard["panels"]) {
      for (const auto& target : panel["targets"]) {
        std::string expr = target["expr"].get<std::string>();
        expr = std::regex_replace(expr, std::regex("\\$__rate_interval"), "1m");
        expr = std::regex_replace(expr, std::regex("\\$instance"), ".*");
        for (std::sregex_iterator it(expr.begin(), expr.end(), metric_name), end; it != end;
             ++it) {
          const std::string base =
              std::regex_replace(it->str(), std::regex("_(bucket|sum|count)$"), "");
          EXPECT_NE(exposition.find("# TYPE " + base + " "), std::string::npos)
              << panel["title"] << " names " << it->str() << ", which the listener does not serve";
        }
        const Scrape q = Get(prometheus_port, "/api/v1/query?query=" + httplib::detail::encode_query_param(expr));
        EXPECT_EQ(q.status, 200) << panel["title"] << ": " << expr << " -> " << q.body;
        ++queries;
      }
    }
    EXPECT_GE(queries, 10);
  }
};

TEST_P(PrometheusScrapeTest, PrometheusScrapesTheListener) {
  MQCHAT_REQUIRE_SERVER();
  const char* binary = "/usr/bin/prometheus";
  if (access(binary, X_OK) != 0) {
    if (std::getenv("MQCHAT_REQUIRE_INTEGRATION") != nullptr) FAIL() << "no " << binary;
    GTEST_SKIP() << "no " << binary << " (scripts/install-deps.sh installs it)";
  }
  Register({"alice", "bob"});
  auto alice = Login("alice");
  const int64_t conv = alice->OpenDirect("bob");
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(alice->Send(conv, "m" + std::to_string(i), "p" + std::to_string(i)).ok());
  }
  TempDir dir("mqchat-prometheus");
  const int port = FreePort();
  {
    std::ofstream config(dir.File("prometheus.yml"));
    config << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
           << "scrape_configs:\n  - job_name: mqchat\n    static_configs:\n"
           << "      - targets: ['127.0.0.1:" << metrics_port_ << "']\n";
  }
  Subprocess prometheus;
  prometheus.Start({binary, "--config.file=" + dir.File("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.File("data"),
                    "--web.listen-address=127.0.0.1:" + std::to_string(port)},
                   dir.File("prometheus.log"));
  double stored = -1;
  const bool scraped = WaitFor(
      [&] {
        const Scrape q = Get(port, "/api/v1/query?query=mqchat_messages_stored_total");
        if (q.status != 200) return false;
        const auto body = nlohmann::json::parse(q.body, nullptr, false);
        if (body.is_discarded() || body["data"]["result"].empty()) return false;
        stored = std::stod(body["data"]["result"][0]["value"][1].get<std::string>());
        return true;
      },
      seconds(60), "prometheus to scrape the listener");
  ASSERT_TRUE(scraped) << "prometheus log: " << prometheus.log_path();
  EXPECT_EQ(stored, 3);
  CheckDashboardQueries(port, Get(metrics_port_, "/metrics").body);
  prometheus.Stop();
}

MQCHAT_INSTANTIATE_FOR_STORES(MetricsTest);
INSTANTIATE_TEST_SUITE_P(Stores, MetricsOutageTest, ::testing::Values(StoreKind::kPostgres),
                         StoreParamName);
INSTANTIATE_TEST_SUITE_P(Stores, PrometheusScrapeTest, ::testing::Values(StoreKind::kSqlite),
                         StoreParamName);

}  // namespace
}  // namespace mqchat::test
