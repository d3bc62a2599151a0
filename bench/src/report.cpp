#include "report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace mqchat::bench {
namespace {

double PerSecond(int64_t count, int64_t from_ns, int64_t to_ns) {
  if (count <= 0 || to_ns <= from_ns) return 0;
  return count / ((to_ns - from_ns) / 1e9);
}

nlohmann::json LatencyJson(const LatencySummary& s) {
  return {{"count", s.count},  {"p50", s.p50_ms}, {"p99", s.p99_ms},
          {"p999", s.p999_ms}, {"max", s.max_ms}, {"mean", s.mean_ms}};
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

}  // namespace

std::string FormatFixed(double v, int decimals) { return Fixed(v, decimals); }

LatencySummary Percentiles(std::vector<int64_t>& ns) {
  LatencySummary s;
  s.count = static_cast<int64_t>(ns.size());
  if (ns.empty()) return s;
  std::sort(ns.begin(), ns.end());
  // Nearest rank: the smallest sample with at least p of all samples at or below it.
  auto at = [&](double p) {
    size_t rank = static_cast<size_t>(std::ceil(p * ns.size()));
    return ns[std::min(ns.size(), std::max<size_t>(rank, 1)) - 1] / 1e6;
  };
  s.p50_ms = at(0.50);
  s.p99_ms = at(0.99);
  s.p999_ms = at(0.999);
  s.max_ms = ns.back() / 1e6;
  double sum = 0;
  for (int64_t v : ns) sum += v;
  s.mean_ms = sum / ns.size() / 1e6;
  return s;
}

Report Summarize(const Options& options, RunResult& result) {
  TrackerTotals& t = result.totals;
  Report r;
  r.scenario = ScenarioName(options.scenario);
  r.sent = t.sent;
  r.acked = t.acked;
  r.delivered = t.delivered;
  r.expected_deliveries = t.expected_deliveries;
  r.lost_acks = t.sent - t.acked;
  r.lost_deliveries = t.expected_deliveries - t.delivered;
  r.lost = r.lost_acks + r.lost_deliveries;
  r.duplicated = t.duplicate_acks + t.duplicate_deliveries;
  r.unexpected = t.unexpected;
  r.errors = t.errors;
  r.retryable_errors = t.retryable_errors;
  r.resent = t.resent;
  // Each rate runs from the first send to the last event of its kind.
  r.sent_per_s = PerSecond(t.sent, t.first_send_ns, t.last_send_ns);
  r.acked_per_s = PerSecond(t.acked, t.first_send_ns, t.last_ack_ns);
  r.delivered_per_s = PerSecond(t.delivered, t.first_send_ns, t.last_delivery_ns);
  r.ack = Percentiles(t.ack_latency_ns);
  r.delivery = Percentiles(t.delivery_latency_ns);
  if (result.run_s > 0) r.cpu_percent = 100 * (result.cpu_user_s + result.cpu_sys_s) / result.run_s;
  r.ok = result.setup_error.empty() && result.connected == result.connections &&
         result.disconnected == 0 && t.sent > 0 && r.lost == 0 && r.duplicated == 0 &&
         r.errors == 0 && r.unexpected == 0;
  return r;
}

std::string FormatTable(const Options& o, const RunResult& result, const Report& r) {
  std::string out;
  auto line = [&](const std::string& k, const std::string& v) {
    char buf[256];
    std::snprintf(buf, sizeof(buf), "  %-22s %s\n", k.c_str(), v.c_str());
    out += buf;
  };
  auto lat = [&](const LatencySummary& s) {
    if (s.count == 0) return std::string("-");
    return Fixed(s.p50_ms, 3) + " / " + Fixed(s.p99_ms, 3) + " / " + Fixed(s.p999_ms, 3) + " / " +
           Fixed(s.max_ms, 3) + "  (n=" + std::to_string(s.count) + ")";
  };
  out += "mqchat-bench " + r.scenario + " @ " + o.host + ":" + std::to_string(o.port) + "\n";
  std::string shape = IsGroup(o.scenario) ? "group of " + std::to_string(o.group_size) + ", " +
                                                std::to_string(o.senders) + " sender(s)"
                                          : std::to_string(o.pairs) + " pairs";
  shape += o.rate > 0 ? ", offered " + Fixed(o.rate, 0) + " msg/s"
                      : ", window " + std::to_string(o.window);
  shape += ", text " + std::to_string(o.payload_bytes) + " B, sent at QoS " +
           std::to_string(o.send_qos) + ", " + std::to_string(o.threads) + " loop thread(s)";
  line("shape", shape);
  line("connections", std::to_string(result.connected) + "/" + std::to_string(result.connections) +
                          " connected, " + std::to_string(result.disconnected) +
                          " lost during the run");
  if (!result.setup_error.empty()) line("setup error", result.setup_error);
  line("sent", std::to_string(r.sent) + "  (" + Fixed(r.sent_per_s, 0) + "/s over " +
                   Fixed(result.send_phase_s, 2) + " s)");
  line("acked", std::to_string(r.acked) + "  (" + Fixed(r.acked_per_s, 0) + "/s)");
  line("delivered", std::to_string(r.delivered) + " of " + std::to_string(r.expected_deliveries) +
                        "  (" + Fixed(r.delivered_per_s, 0) + "/s)");
  line("send->ack ms", "p50 / p99 / p99.9 / max = " + lat(r.ack));
  line("send->deliver ms", "p50 / p99 / p99.9 / max = " + lat(r.delivery));
  line("lost", std::to_string(r.lost) + "  (acks " + std::to_string(r.lost_acks) + ", deliveries " +
                   std::to_string(r.lost_deliveries) + ")");
  line("duplicated", std::to_string(r.duplicated));
  line("errors", std::to_string(r.errors) + "  (retryable " + std::to_string(r.retryable_errors) +
                     ", resent " + std::to_string(r.resent) + ", unexpected " +
                     std::to_string(r.unexpected) + ")");
  line("generator cpu", Fixed(r.cpu_percent, 1) + "% of one core (user " +
                            Fixed(result.cpu_user_s, 2) + " s, sys " + Fixed(result.cpu_sys_s, 2) +
                            " s over " + Fixed(result.run_s, 2) + " s)");
  for (const auto& e : result.error_samples) line("error sample", e);
  line("result", r.ok ? "OK" : "FAILED");
  return out;
}

Figures::Figures(const Options& options) : options_(options) {
  params_["host"] = options.host;
  params_["port"] = options.port;
  params_["prefix"] = options.prefix;
}

void Figures::Param(const std::string& key, nlohmann::json value) { params_[key] = value; }

void Figures::Add(const std::string& key, const std::string& label, nlohmann::json value,
                  std::string text) {
  if (text.empty()) {
    if (value.is_number_float()) {
      const double v = value.get<double>();
      text = Fixed(v, std::fabs(v) >= 100 ? 0 : std::fabs(v) >= 1 ? 2 : 3);
    } else if (value.is_string()) {
      text = value.get<std::string>();
    } else {
      text = value.dump();
    }
  }
  rows_.push_back({key, label, std::move(text), std::move(value)});
}

void Figures::AddLatency(const std::string& key, const std::string& label,
                         std::vector<int64_t>& samples_ns) {
  const LatencySummary s = Percentiles(samples_ns);
  const std::string text = s.count == 0
                               ? "-"
                               : "p50 / p99 / p99.9 / max = " + Fixed(s.p50_ms, 3) + " / " +
                                     Fixed(s.p99_ms, 3) + " / " + Fixed(s.p999_ms, 3) + " / " +
                                     Fixed(s.max_ms, 3) + "  (n=" + std::to_string(s.count) + ")";
  Add(key, label, LatencyJson(s), text);
}

void Figures::AddGeneratorCpu(const rusage& before, const rusage& after, double wall_s) {
  auto seconds = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  const double user = seconds(after.ru_utime) - seconds(before.ru_utime);
  const double sys = seconds(after.ru_stime) - seconds(before.ru_stime);
  const double percent = wall_s > 0 ? 100 * (user + sys) / wall_s : 0;
  Add("cpu", "generator cpu", {{"user_s", user}, {"sys_s", sys}, {"percent", percent}},
      Fixed(percent, 1) + "% of one core (user " + Fixed(user, 2) + " s, sys " + Fixed(sys, 2) +
          " s over " + Fixed(wall_s, 2) + " s)");
}

void Figures::AddProcessCpu() {
  rusage now{};
  getrusage(RUSAGE_SELF, &now);
  const double user = now.ru_utime.tv_sec + now.ru_utime.tv_usec / 1e6;
  const double sys = now.ru_stime.tv_sec + now.ru_stime.tv_usec / 1e6;
  Add("process_cpu", "generator cpu, whole run", {{"user_s", user}, {"sys_s", sys}},
      "user " + Fixed(user, 2) + " s, sys " + Fixed(sys, 2) + " s");
}

void Figures::AddErrorSample(std::string sample) {
  if (error_samples_.size() < 20) error_samples_.push_back(std::move(sample));
}

std::string Figures::FormatTable() const {
  std::string out = std::string("mqchat-bench ") + ScenarioName(options_.scenario) + " @ " +
                    options_.host + ":" + std::to_string(options_.port) + "\n";
  auto line = [&](const std::string& k, const std::string& v) {
    char buf[160];
    std::snprintf(buf, sizeof(buf), "  %-28s ", k.c_str());
    out += buf + v + "\n";
  };
  std::string shape;
  for (const auto& [key, value] : params_.items()) {
    if (key == "host" || key == "port") continue;
    if (!shape.empty()) shape += ", ";
    shape += key + " " + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  line("shape", shape);
  if (!setup_error_.empty()) line("setup error", setup_error_);
  for (const Row& r : rows_) line(r.label, r.text);
  for (const auto& e : error_samples_) line("error sample", e);
  line("result", ok() ? "OK" : "FAILED");
  return out;
}

std::string Figures::FormatJson() const {
  nlohmann::ordered_json j;
  j["scenario"] = ScenarioName(options_.scenario);
  j["params"] = params_;
  for (const Row& r : rows_) j[r.key] = r.value;
  j["setup_error"] = setup_error_;
  j["error_samples"] = error_samples_;
  j["ok"] = ok();
  return j.dump() + "\n";
}

std::string FormatJson(const Options& o, const RunResult& result, const Report& r) {
  nlohmann::json j = {
      {"scenario", r.scenario},
      {"params",
       {{"host", o.host},
        {"port", o.port},
        {"pairs", o.pairs},
        {"window", o.window},
        {"duration_s", o.duration_s},
        {"messages", o.messages},
        {"rate", o.rate},
        {"group_size", o.group_size},
        {"senders", o.senders},
        {"payload_bytes", o.payload_bytes},
        {"threads", o.threads},
        {"send_qos", o.send_qos},
        {"prefix", o.prefix}}},
      {"connections", result.connections},
      {"connected", result.connected},
      {"disconnected", result.disconnected},
      {"setup_error", result.setup_error},
      {"sent", r.sent},
      {"acked", r.acked},
      {"delivered", r.delivered},
      {"expected_deliveries", r.expected_deliveries},
      {"send_phase_s", result.send_phase_s},
      {"run_s", result.run_s},
      {"sent_per_s", r.sent_per_s},
      {"acked_per_s", r.acked_per_s},
      {"delivered_per_s", r.delivered_per_s},
      {"ack_latency_ms", LatencyJson(r.ack)},
      {"delivery_latency_ms", LatencyJson(r.delivery)},
      {"lost", r.lost},
      {"lost_acks", r.lost_acks},
      {"lost_deliveries", r.lost_deliveries},
      {"duplicated", r.duplicated},
      {"errors", r.errors},
      {"retryable_errors", r.retryable_errors},
      {"resent", r.resent},
      {"unexpected", r.unexpected},
      {"error_samples", result.error_samples},
      {"cpu",
       {{"user_s", result.cpu_user_s}, {"sys_s", result.cpu_sys_s}, {"percent", r.cpu_percent}}},
      {"ok", r.ok}};
  return j.dump() + "\n";
}

}  // namespace mqchat::bench
