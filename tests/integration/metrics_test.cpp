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

#include "support/api_process.h"
#include "support/chat_fixture.h"
#include "support/free_port.h"
#include "support/metrics_scrape.h"
#include "support/postgres_instance.h"
#include "support/redis_instance.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "support/test_paths.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using std::chrono::seconds;

class MetricsTest : public ChatFixture {
 protected:
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"metrics_listen", "127.0.0.1:" + std::to_string(metrics_port_)}};
  }

  double Value(const std::string& series) {
    const Scrape s = HttpGet(metrics_port_, "/metrics");
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

  const Scrape s = HttpGet(metrics_port_, "/metrics");
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
    const Scrape s = HttpGet(metrics_port_, path);
    ASSERT_EQ(s.status, 200) << path << ": " << s.body;
    const auto body = nlohmann::json::parse(s.body);
    EXPECT_EQ(body["status"], "ok") << s.body;
    EXPECT_EQ(body["checks"]["loop"], "ok") << s.body;
  }
  EXPECT_EQ(nlohmann::json::parse(HttpGet(metrics_port_, "/readyz").body)["checks"]["store"], "ok");
  const Scrape missing = HttpGet(metrics_port_, "/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(nlohmann::json::parse(missing.body)["error"]["code"], "NOT_FOUND");
}

// The store stops: not ready (so a load balancer sends new clients elsewhere) but still live
// (a restart would not help); ready again when it returns.
class MetricsOutageTest : public MetricsTest {};  // PostgreSQL only: it is stopped and started

TEST_P(MetricsOutageTest, NotReadyWhileTheStoreIsDown) {
  MQCHAT_REQUIRE_SERVER();
  MQCHAT_SHARED_POSTGRES_OR_SKIP(pg);
  ASSERT_EQ(HttpGet(metrics_port_, "/readyz").status, 200);
  ASSERT_TRUE(pg->Stop().ok());
  Scrape down;
  const bool went_down = WaitFor(
      [&] {
        down = HttpGet(metrics_port_, "/readyz");
        return down.status == 503;
      },
      seconds(20), "readyz to answer 503");
  const int live_status = HttpGet(metrics_port_, "/healthz").status;
  ASSERT_TRUE(pg->Start().ok());
  ASSERT_TRUE(went_down);
  EXPECT_EQ(nlohmann::json::parse(down.body)["status"], "fail");
  EXPECT_NE(nlohmann::json::parse(down.body)["checks"]["store"], "ok");
  EXPECT_EQ(live_status, 200);
  EXPECT_TRUE(WaitFor([&] { return HttpGet(metrics_port_, "/readyz").status == 200; }, seconds(30),
                      "readyz to answer 200 again"));
}

// A send while PostgreSQL is down fails and is counted as a store error; once it is back, the
// writer's session is re-established (a store reconnect) and the next send is stored.
TEST_P(MetricsOutageTest, StoreErrorsAndReconnectsAreCounted) {
  MQCHAT_REQUIRE_SERVER();
  MQCHAT_SHARED_POSTGRES_OR_SKIP(pg);
  Register({"alice", "bob"});
  auto alice = Login("alice");
  const int64_t conv = alice->OpenDirect("bob");
  ASSERT_GT(conv, 0);
  ASSERT_TRUE(alice->Send(conv, "before", "o-1").ok());
  // The failed send is counted as a failed batch (kind="send") or, if a store read before the
  // batch failed first, as a failed request: one error either way.
  auto errors = [&] {
    return Value("mqchat_store_errors_total{kind=\"send\"}") +
           Value("mqchat_store_errors_total{kind=\"request\"}");
  };
  EXPECT_EQ(errors(), 0);
  EXPECT_EQ(Value("mqchat_store_reconnects_total"), 0);

  ASSERT_TRUE(pg->Stop().ok());
  auto refused = alice->Send(conv, "while down", "o-2");
  const double errors_while_down = errors();
  const double reconnects_while_down = Value("mqchat_store_reconnects_total");
  ASSERT_TRUE(pg->Start().ok());
  EXPECT_FALSE(refused.ok()) << refused.Describe();
  EXPECT_EQ(errors_while_down, 1) << "one failed send, one store error";
  EXPECT_EQ(reconnects_while_down, 0);
  EXPECT_TRUE(WaitFor([&] { return alice->Send(conv, "after", "o-3").ok(); }, seconds(30),
                      "a send to be stored again"));
  EXPECT_GE(Value("mqchat_store_reconnects_total"), 1);
}

// Debian's prometheus scrapes the broker's listener and mqchat-api's: the samples it stores are
// their counts, and the Grafana dashboards' queries are ones it accepts.
class PrometheusScrapeTest : public MetricsTest {  // one store is enough for the scrape
 protected:
  // With Redis, so that the bus's metrics (mqchat_bus_connected is served only with Redis) are
  // scraped too.
  void SetUp() override {
    redis_ = std::make_unique<RedisInstance>();
    if (!redis_->Start()) return;  // skipped (or failed under MQCHAT_REQUIRE_INTEGRATION)
    MetricsTest::SetUp();
  }
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    auto options = MetricsTest::ExtraOptions();
    options.emplace_back("redis_url", redis_->url());
    return options;
  }

  // `dashboard` (conf/grafana/): every panel's query is one Prometheus accepts, and every
  // metric it names is one the listener serves (`exposition`), so the dashboard cannot drift
  // from the metrics.
  static void CheckDashboardQueries(const std::string& dashboard_file, int prometheus_port,
                                    const std::string& exposition) {
    std::ifstream file(std::string(MQCHAT_SOURCE_DIR) + "/conf/grafana/" + dashboard_file);
    ASSERT_TRUE(file.good()) << dashboard_file;
    const auto dashboard = nlohmann::json::parse(file, nullptr, false);
    ASSERT_FALSE(dashboard.is_discarded()) << dashboard_file;
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
              << dashboard_file << ": " << panel["title"] << " names " << it->str()
              << ", which the listener does not serve";
        }
        const Scrape q = HttpGet(prometheus_port, "/api/v1/query?query=" +
                                                      httplib::detail::encode_query_param(expr));
        EXPECT_EQ(q.status, 200) << panel["title"] << ": " << expr << " -> " << q.body;
        ++queries;
      }
    }
    EXPECT_GE(queries, 6) << dashboard_file;
  }

  std::unique_ptr<RedisInstance> redis_;

  // The value of the first series `expr` gives in Prometheus, if any.
  static std::optional<double> Query(int prometheus_port, const std::string& expr) {
    const Scrape q = HttpGet(prometheus_port, "/api/v1/query?query=" +
                                                  httplib::detail::encode_query_param(expr));
    if (q.status != 200) return std::nullopt;
    const auto body = nlohmann::json::parse(q.body, nullptr, false);
    if (body.is_discarded() || body["data"]["result"].empty()) return std::nullopt;
    return std::stod(body["data"]["result"][0]["value"][1].get<std::string>());
  }

  // Waits until Prometheus holds `expr` == `want` (what it scraped last).
  static bool WaitQuery(int prometheus_port, const std::string& expr, double want) {
    std::optional<double> last;
    const bool ok = WaitFor(
        [&] {
          last = Query(prometheus_port, expr);
          return last == want;
        },
        seconds(60), expr.c_str());
    EXPECT_TRUE(ok) << expr << " is " << (last ? std::to_string(*last) : "absent")
                    << ", not " << want;
    return ok;
  }
};

TEST_P(PrometheusScrapeTest, PrometheusScrapesTheListeners) {
  MQCHAT_REQUIRE_SERVER();
  const char* binary = "/usr/bin/prometheus";
  if (access(binary, X_OK) != 0) {
    if (std::getenv("MQCHAT_REQUIRE_INTEGRATION") != nullptr) FAIL() << "no " << binary;
    GTEST_SKIP() << "no " << binary << " (scripts/install-deps.sh installs it)";
  }
  const int api_metrics_port = FreePort();
  ApiProcess api(server_->store_config(),
                 {{"metrics_listen", "127.0.0.1:" + std::to_string(api_metrics_port)}});
  ASSERT_TRUE(api.Start());
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
           << "      - targets: ['127.0.0.1:" << metrics_port_ << "']\n"
           << "  - job_name: mqchat-api\n    static_configs:\n"
           << "      - targets: ['127.0.0.1:" << api_metrics_port << "']\n";
  }
  Subprocess prometheus;
  prometheus.Start({binary, "--config.file=" + dir.File("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.File("data"),
                    "--web.listen-address=127.0.0.1:" + std::to_string(port)},
                   dir.File("prometheus.log"));
  ASSERT_TRUE(WaitQuery(port, "mqchat_messages_stored_total", 3))
      << "prometheus log: " << prometheus.log_path();
  ASSERT_TRUE(WaitQuery(port, "up{job=\"mqchat-api\"}", 1));
  WaitQuery(port, "mqchat_bus_connected", 1);
  // Scraped before the traffic: no sign-up yet.
  EXPECT_FALSE(Query(port, "mqchat_api_signups_total").has_value());

  // Sign-ups, logins (one refused) and refreshes (one a reuse) while Prometheus scrapes.
  for (const char* user : {"carol", "dave"}) {
    ASSERT_EQ(api.Post("/v1/signup", {{"username", user}, {"password", "a long password"}}).status,
              201);
  }
  EXPECT_EQ(api.Post("/v1/signup", {{"username", "carol"}, {"password", "a long password"}})
                .status,
            409);
  const ApiReply login =
      api.Post("/v1/login", {{"username", "carol"}, {"password", "a long password"}});
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_EQ(api.Post("/v1/login", {{"username", "carol"}, {"password", "wrong"}}).status, 401);
  const std::string refresh = login.json["refresh_token"].get<std::string>();
  EXPECT_EQ(api.Post("/v1/refresh", {{"refresh_token", refresh}}).status, 200);
  EXPECT_EQ(api.Post("/v1/refresh", {{"refresh_token", refresh}}).status, 401);  // reused
  EXPECT_EQ(api.Get("/v1/users/carol").status, 401);  // no bearer: counted by template

  WaitQuery(port, "mqchat_api_signups_total{outcome=\"ok\"}", 2);
  WaitQuery(port, "mqchat_api_signups_total{outcome=\"taken\"}", 1);
  WaitQuery(port, "mqchat_api_logins_total{outcome=\"ok\"}", 1);
  WaitQuery(port, "mqchat_api_logins_total{outcome=\"refused\"}", 1);
  WaitQuery(port, "mqchat_api_refreshes_total{outcome=\"ok\"}", 1);
  WaitQuery(port, "mqchat_api_refreshes_total{outcome=\"reuse_detected\"}", 1);
  WaitQuery(port,
            "mqchat_api_http_requests_total{route=\"/v1/signup\",method=\"POST\","
            "status=\"2xx\"}",
            2);
  WaitQuery(port, "mqchat_api_http_requests_total{route=\"/v1/users/{name}\"}", 1);
  // The 8 above, and whatever ApiProcess::Start asked to see the service up.
  WaitQuery(port, "mqchat_api_http_request_duration_seconds_count >= bool 8", 1);
  const std::string api_exposition = HttpGet(api_metrics_port, "/metrics").body;
  EXPECT_EQ(api_exposition.find("carol"), std::string::npos) << "a user name in a label";
  CheckDashboardQueries("mqchat-brokers.json", port, HttpGet(metrics_port_, "/metrics").body);
  CheckDashboardQueries("mqchat-api.json", port, api_exposition);
  prometheus.Stop();
}

MQCHAT_INSTANTIATE_FOR_STORES(MetricsTest);
INSTANTIATE_TEST_SUITE_P(Stores, MetricsOutageTest, ::testing::Values(StoreKind::kPostgres),
                         StoreParamName);
INSTANTIATE_TEST_SUITE_P(Stores, PrometheusScrapeTest, ::testing::Values(StoreKind::kSqlite),
                         StoreParamName);

}  // namespace
}  // namespace mqchat::test
