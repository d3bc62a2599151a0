// mqchat-bench: load generator for the mqchat plugin and for plain Mosquitto.
// See docs/BENCHMARKS.md; `mqchat-bench --help` for the options.
#include <mosquitto.h>
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>

#include "driver.h"
#include "options.h"
#include "report.h"

namespace {

// Each connection holds a socket and libmosquitto's socket pair: lift the fd limit.
void RaiseFdLimit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
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
  RaiseFdLimit();
  mosquitto_lib_init();
  int exit_code = 1;
  {
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
