#include "metrics/registry.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <variant>

namespace mqchat::metrics {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<int64_t>(std::llround(value * 1e6)), std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::Cumulative() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

Counter& CounterFamily::With(const std::vector<std::string>& values) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = children_[values];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

std::vector<std::pair<std::vector<std::string>, uint64_t>> CounterFamily::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<std::vector<std::string>, uint64_t>> out;
  for (const auto& [values, counter] : children_) out.emplace_back(values, counter->value());
  return out;
}

struct Registry::Entry {
  std::string name;
  std::string help;
  std::variant<std::unique_ptr<Counter>, std::unique_ptr<Gauge>, std::unique_ptr<Histogram>,
               std::unique_ptr<CounterFamily>, std::function<double()>>
      metric;
};

Registry::Registry() = default;
Registry::~Registry() = default;

namespace {

std::string Number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  for (int precision = 15; precision <= 17; ++precision) {  // the shortest that reads back
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

// Label values escape backslash, double quote and line feed (the text format's rules).
std::string Escaped(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Labels(const std::vector<std::string>& names, const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (i > 0) out += ",";
    out += names[i] + "=\"" + Escaped(values[i]) + "\"";
  }
  return out + "}";
}

void Header(std::string& out, const std::string& name, const std::string& help, const char* type) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

Counter& Registry::AddCounter(const std::string& name, const std::string& help) {
  auto entry = std::make_unique<Entry>(Entry{name, help, std::make_unique<Counter>()});
  Counter& c = *std::get<std::unique_ptr<Counter>>(entry->metric);
  std::lock_guard<std::mutex> lock(mu_);
  entries_.push_back(std::move(entry));
  return c;
}

Gauge& Registry::AddGauge(const std::string& name, const std::string& help) {
  auto entry = std::make_unique<Entry>(Entry{name, help, std::make_unique<Gauge>()});
  Gauge& g = *std::get<std::unique_ptr<Gauge>>(entry->metric);
  std::lock_guard<std::mutex> lock(mu_);
  entries_.push_back(std::move(entry));
  return g;
}

Histogram& Registry::AddHistogram(const std::string& name, const std::string& help,
                                  std::vector<double> bounds) {
  auto entry =
      std::make_unique<Entry>(Entry{name, help, std::make_unique<Histogram>(std::move(bounds))});
  Histogram& h = *std::get<std::unique_ptr<Histogram>>(entry->metric);
  std::lock_guard<std::mutex> lock(mu_);
  entries_.push_back(std::move(entry));
  return h;
}

CounterFamily& Registry::AddCounterFamily(const std::string& name, const std::string& help,
                                          std::vector<std::string> labels) {
  auto entry = std::make_unique<Entry>(
      Entry{name, help, std::make_unique<CounterFamily>(std::move(labels))});
  CounterFamily& f = *std::get<std::unique_ptr<CounterFamily>>(entry->metric);
  std::lock_guard<std::mutex> lock(mu_);
  entries_.push_back(std::move(entry));
  return f;
}

void Registry::SetSampledGauge(const std::string& name, const std::string& help,
                               std::function<double()> read) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& e : entries_) {
    if (e->name == name && std::holds_alternative<std::function<double()>>(e->metric)) {
      e->metric = std::move(read);
      return;
    }
  }
  entries_.push_back(std::make_unique<Entry>(Entry{name, help, std::move(read)}));
}

void Registry::ClearSampled() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& e : entries_) {
    if (std::holds_alternative<std::function<double()>>(e->metric)) {
      e->metric = std::function<double()>();  // rendered as absent until set again
    }
  }
}

std::string Registry::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& e : entries_) {
    if (const auto* c = std::get_if<std::unique_ptr<Counter>>(&e->metric)) {
      Header(out, e->name, e->help, "counter");
      out += e->name + " " + std::to_string((*c)->value()) + "\n";
    } else if (const auto* g = std::get_if<std::unique_ptr<Gauge>>(&e->metric)) {
      Header(out, e->name, e->help, "gauge");
      out += e->name + " " + std::to_string((*g)->value()) + "\n";
    } else if (const auto* h = std::get_if<std::unique_ptr<Histogram>>(&e->metric)) {
      Header(out, e->name, e->help, "histogram");
      const auto cumulative = (*h)->Cumulative();
      const auto& bounds = (*h)->bounds();
      for (size_t i = 0; i < bounds.size(); ++i) {
        out += e->name + "_bucket{le=\"" + Number(bounds[i]) + "\"} " +
               std::to_string(cumulative[i]) + "\n";
      }
      out += e->name + "_bucket{le=\"+Inf\"} " + std::to_string(cumulative.back()) + "\n";
      out += e->name + "_sum " + Number((*h)->sum()) + "\n";
      out += e->name + "_count " + std::to_string(cumulative.back()) + "\n";
    } else if (const auto* f = std::get_if<std::unique_ptr<CounterFamily>>(&e->metric)) {
      Header(out, e->name, e->help, "counter");
      for (const auto& [values, value] : (*f)->Snapshot()) {
        out += e->name + Labels((*f)->labels(), values) + " " + std::to_string(value) + "\n";
      }
    } else if (const auto* read = std::get_if<std::function<double()>>(&e->metric)) {
      if (!*read) continue;
      Header(out, e->name, e->help, "gauge");
      out += e->name + " " + Number((*read)()) + "\n";
    }
  }
  return out;
}

}  // namespace mqchat::metrics
