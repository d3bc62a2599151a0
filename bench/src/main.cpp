// mqchat-bench: load generator for the mqchat plugin and for plain Mosquitto.
// See docs/BENCHMARKS.md; `mqchat-bench --help` for the options.
#include <mosquitto.h>
#include <signal.h>

#include <cstdio>

#include "driver.h"
#include "fd_budget.h"
#include "options.h"
#include "report.h"
#include "scenarios.h"

namespace {

// The idle, storm, presence and channel scenarios; 0 if all went well, else 1.
int RunFleetScenario(const mqchat::bench::Options& options) {
  using mqchat::bench::Scenario;
  // Up to tens of thousands of connections: one descriptor each instead of three.
  mqchat::bench::SkipSocketPairs(true);
  mqchat::bench::Figures figures =
      options.scenario == Scenario::kPresence  ? mqchat::bench::RunPresence(options)
      : options.scenario == Scenario::kChannel ? mqchat::bench::RunChannel(options)
      : (options.scenario == Scenario::kIdle || options.scenario == Scenario::kBaselineIdle)
          ? mqchat::bench::RunIdle(options)
          : mqchat::bench::RunStorm(options);
  figures.AddProcessCpu();
  const std::string text = options.json ? figures.FormatJson() : figures.FormatTable();
  std::fputs(text.c_str(), stdout);
  return figures.ok() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = mqchat::bench::ParseOptions(argc, argv);
  if (!parsed.ok()) {
    std::fprintf(stderr, "mqchat-bench: %s\n%s", parsed.status().message().c_str(),
                 mqchat::bench::Usage());
    return 2;
  }
  if (parsed->help) {
    std::fputs(mqchat::bench::Usage(), stdout);
    return 0;
  }
  const mqchat::bench::Options& options = parsed->options;
  signal(SIGPIPE, SIG_IGN);
  // Lifts the soft fd limit; each scenario checks what it needs.
  (void)mqchat::bench::EnsureDescriptors(0);
  mosquitto_lib_init();
  int exit_code = 1;
  if (!mqchat::bench::IsMessaging(options.scenario)) {
    exit_code = RunFleetScenario(options);
  } else {
    mqchat::bench::Driver driver(options);
    mqchat::bench::RunResult result = driver.Run();
    mqchat::bench::Report report = mqchat::bench::Summarize(options, result);
    const std::string text =
        options.json ? FormatJson(options, result, report) : FormatTable(options, result, report);
    std::fputs(text.c_str(), stdout);
    exit_code = report.ok ? 0 : 1;
  }
  mosquitto_lib_cleanup();
  return exit_code;
}
