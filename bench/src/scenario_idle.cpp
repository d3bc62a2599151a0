// idle / baseline-idle: many authenticated (or anonymous) connections held open, and what they
// cost the broker in resident memory: (VmRSS with them connected - VmRSS before) / connections.
#include <sys/resource.h>

#include "broker_probe.h"
#include "fd_budget.h"
#include "fleet.h"
#include "protocol/topics.h"
#include "scenarios.h"

namespace mqchat::bench {
namespace {

constexpr char kDevice[] = "bench";

double Seconds(int64_t from_ns, int64_t to_ns) { return (to_ns - from_ns) / 1e9; }

}  // namespace

// Long (about 80 lines) on purpose: the idle scenario's phases (baseline memory, connect,
// hold, measure) in the order they run, each a few lines.
Figures RunIdle(const Options& o) {
  const bool chat = o.scenario == Scenario::kIdle;
  Figures f(o);
  f.Param("connections", o.connections);
  f.Param("connect_window", o.connect_window);
  f.Param("hold_s", o.duration_s);
  const BrokerProbe probe(o.broker_pid);
  auto fail = [&](const Status& s) {
    f.SetSetupError(s.ToString());
    return f;
  };
  Status s = probe.Check();
  if (s.ok()) s = EnsureDescriptors(o.connections);
  if (!s.ok()) return fail(s);
  auto fleet_or = Fleet::Create(o);
  if (!fleet_or.ok()) return fail(fleet_or.status());
  Fleet& fleet = **fleet_or;

  std::vector<Connection*> conns;
  for (int i = 0; i < o.connections; ++i) {
    auto config = fleet.Config(o.prefix + "u" + std::to_string(i), kDevice, chat);
    if (!config.ok()) return fail(config.status());
    auto conn = fleet.Add(std::move(*config), {});
    if (!conn.ok()) return fail(conn.status());
    conns.push_back(*conn);
  }

  const auto rss_before = probe.RssKb();
  rusage r0{}, r1{};
  getrusage(RUSAGE_SELF, &r0);
  const int64_t t0 = NowNs();
  const double timeout_s = 60 + o.connections / 100.0;
  s = fleet.ConnectAll(conns, timeout_s);
  const int64_t t_connected = NowNs();
  // The filter a device uses (the baseline subscribes to the same, anonymously).
  if (s.ok()) {
    s = fleet.SubscribeAll(
        conns, [](const Connection& c) { return protocol::UserPrefix(c.user()) + "#"; }, timeout_s);
  }
  const int64_t t_subscribed = NowNs();
  const auto rss_connected = probe.RssKb();
  if (s.ok()) {
    const int64_t hold_end = NowNs() + static_cast<int64_t>(o.duration_s * 1e9);
    s = fleet.Pump("hold", o.duration_s + 10, [&] { return NowNs() >= hold_end; });
  }
  const auto rss_held = probe.RssKb();
  const int64_t t_end = NowNs();
  getrusage(RUSAGE_SELF, &r1);
  if (!s.ok()) f.SetSetupError(s.ToString());

  int connected = 0, open = 0;
  for (Connection* c : conns) {
    connected += c->connack_rc == 0;
    open += c->alive();
  }
  f.Add("connected", "connected", connected,
        std::to_string(connected) + "/" + std::to_string(o.connections) + " (" +
            std::to_string(open) + " still open after the hold)");
  f.Add("open_after_hold", "open after hold", open);
  f.Add("connect_s", "connect s", Seconds(t0, t_connected));
  f.Add("connects_per_s", "connects/s", connected / std::max(Seconds(t0, t_connected), 1e-9));
  f.Add("subscribe_s", "subscribe s", Seconds(t_connected, t_subscribed));
  if (probe.enabled()) {
    const int64_t before = rss_before.value_or(0), with = rss_held.value_or(0);
    const double per_conn = connected > 0 ? (with - before) * 1024.0 / connected : 0;
    f.Add("broker_rss_before_kb", "broker VmRSS before kB", before);
    f.Add("broker_rss_connected_kb", "broker VmRSS connected kB", rss_connected.value_or(0));
    f.Add("broker_rss_held_kb", "broker VmRSS after hold kB", with);
    f.Add("broker_rss_per_connection_bytes", "broker RSS per connection", per_conn,
          FormatFixed(per_conn, 0) + " B (" + FormatFixed(per_conn / 1024, 2) + " KiB)");
  }
  f.AddGeneratorCpu(r0, r1, Seconds(t0, t_end));
  f.Add("errors", "errors", fleet.errors());
  for (const auto& e : fleet.error_samples()) f.AddErrorSample(e);
  f.SetOk(connected == o.connections && open == o.connections && fleet.errors() == 0 &&
          (!probe.enabled() || (rss_before && rss_held)));
  fleet.DisconnectAll(conns);
  return f;
}

}  // namespace mqchat::bench
