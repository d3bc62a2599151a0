#include "support/metrics_scrape.h"

#include <httplib.h>

namespace mqchat::test {

Scrape HttpGet(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(5, 0);
  auto res = client.Get(path.c_str());
  if (!res) return {};
  return {res->status, res->body};
}

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

double ScrapeValue(int port, const std::string& series) {
  const Scrape s = HttpGet(port, "/metrics");
  if (s.status != 200) return -1;
  return Sample(s.body, series).value_or(-1);
}

}  // namespace mqchat::test
