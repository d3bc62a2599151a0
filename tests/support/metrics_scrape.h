// Reading a metrics listener from tests (issue 19): an HTTP GET on loopback, and the value of
// one series in Prometheus' text format. Test thread only.
#pragma once

#include <optional>
#include <string>

namespace mqchat::test {

struct Scrape {
  int status = 0;  // 0: no answer
  std::string body;
};

// GET http://127.0.0.1:<port><path> (2 s to connect, 5 s to read).
Scrape HttpGet(int port, const std::string& path);

// The value of the sample `series` (a metric name with its labels, as rendered), if present.
std::optional<double> Sample(const std::string& text, const std::string& series);

// The value of `series` on the listener at `port` (-1 when absent or not answered).
double ScrapeValue(int port, const std::string& series);

}  // namespace mqchat::test
