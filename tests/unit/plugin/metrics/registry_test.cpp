// Registry renders Prometheus' text format: headers, cumulative buckets, escaped labels.
#include "metrics/registry.h"

#include <gtest/gtest.h>

#include "metrics/listen_address.h"

namespace mqchat::metrics {
namespace {

TEST(MetricsRegistryTest, RendersEachKindInRegistrationOrder) {
  Registry r;
  Counter& c = r.AddCounter("t_events_total", "Events.");
  Gauge& g = r.AddGauge("t_depth", "Depth.");
  Histogram& h = r.AddHistogram("t_seconds", "Time.", {0.1, 1});
  CounterFamily& f = r.AddCounterFamily("t_requests_total", "Requests.", {"op", "outcome"});
  c.Inc(3);
  g.Set(7);
  g.Add(-2);
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(0.5);
  h.Observe(5);
  f.With({"send", "ok"}).Inc();
  f.With({"send", "ok"}).Inc();
  f.With({"a\"b\\c\nd", "x"}).Inc();
  EXPECT_EQ(r.Render(),
            "# HELP t_events_total Events.\n# TYPE t_events_total counter\nt_events_total 3\n"
            "# HELP t_depth Depth.\n# TYPE t_depth gauge\nt_depth 5\n"
            "# HELP t_seconds Time.\n# TYPE t_seconds histogram\n"
            "t_seconds_bucket{le=\"0.1\"} 1\nt_seconds_bucket{le=\"1\"} 3\n"
            "t_seconds_bucket{le=\"+Inf\"} 4\nt_seconds_sum 6.05\n"
            "t_seconds_count 4\n"
            "# HELP t_requests_total Requests.\n# TYPE t_requests_total counter\n"
            "t_requests_total{op=\"a\\\"b\\\\c\\nd\",outcome=\"x\"} 1\n"
            "t_requests_total{op=\"send\",outcome=\"ok\"} 2\n");
}

TEST(MetricsRegistryTest, SampledGaugesAreReadAtRenderAndCanBeCleared) {
  Registry r;
  double depth = 4;
  r.SetSampledGauge("t_queue", "Queue.", [&depth] { return depth; });
  EXPECT_NE(r.Render().find("t_queue 4\n"), std::string::npos);
  depth = 9;
  EXPECT_NE(r.Render().find("t_queue 9\n"), std::string::npos);
  r.SetSampledGauge("t_queue", "Queue.", [] { return 1.0; });  // replaced, not repeated
  EXPECT_EQ(r.Render(), "# HELP t_queue Queue.\n# TYPE t_queue gauge\nt_queue 1\n");
  r.ClearSampled();
  EXPECT_EQ(r.Render(), "");
}

TEST(MetricsListenAddressTest, ParsesHostAndPort) {
  auto v4 = ParseListenAddress("127.0.0.1:9883");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 9883);
  auto v6 = ParseListenAddress("[::1]:80");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 80);
  for (const char* bad : {"9883", ":9883", "host:", "host:99999", "host:80x", "host:123456"}) {
    EXPECT_FALSE(ParseListenAddress(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace mqchat::metrics
