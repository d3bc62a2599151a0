#include "first_sync.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mqchat/client.h"

namespace mqchat::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Times one pass (with searches during the sync unless `quiet`); its JSON line, or nullopt
// (with a message on stderr) on failure.
std::optional<nlohmann::json> Pass(ClientOptions options, const std::string& query,
                                   const std::string& cache_path, bool quiet) {
  options.cache_path = cache_path;
  auto created = Client::Create(options);
  if (!created.ok()) {
    std::fprintf(stderr, "client: %s\n", created.status().ToString().c_str());
    return std::nullopt;
  }
  std::unique_ptr<Client> client = std::move(*created);
  struct Seen {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Clock::time_point> online;
    std::optional<Clock::time_point> answered;
    size_t messages = 0;
  };
  auto seen = std::make_shared<Seen>();  // the handlers may outlive this pass's waits
  client->OnMessage([seen](const Message&) {
    std::lock_guard<std::mutex> lock(seen->mu);
    ++seen->messages;
  });
  client->OnConnectionChange([seen](const ConnectionEvent& e) {
    if (e.state != ConnectionState::kOnline) return;
    std::lock_guard<std::mutex> lock(seen->mu);
    if (!seen->online) seen->online = Clock::now();
    seen->cv.notify_all();
  });
  const auto start = Clock::now();
  Status connected = client->Connect();
  const auto up = Clock::now();
  if (!connected.ok()) {
    std::fprintf(stderr, "connect: %s\n", connected.ToString().c_str());
    return std::nullopt;
  }
  // Searches one after the other (the future form: completed on the engine thread as its
  // answer is handled) until the first sync is stored (kOnline), as an app's user typing.
  int searches = 0;
  double first_ms = 0, slowest_ms = 0, slowest_at_ms = 0;
  while (!quiet) {
    const auto t0 = Clock::now();
    auto search = client->Search(query, SearchOptions{});
    if (search.wait_for(std::chrono::seconds(120)) != std::future_status::ready) {
      std::fprintf(stderr, "no answer to a search within 120 s\n");
      return std::nullopt;
    }
    const auto t1 = Clock::now();
    auto page = search.get();
    if (!page.ok()) {
      std::fprintf(stderr, "search: %s\n", page.status().ToString().c_str());
      return std::nullopt;
    }
    if (searches++ == 0) first_ms = Ms(t1 - t0);
    if (Ms(t1 - t0) > slowest_ms) {
      slowest_ms = Ms(t1 - t0);
      slowest_at_ms = Ms(t0 - up);
    }
    std::lock_guard<std::mutex> lock(seen->mu);
    if (seen->online) break;
    if (t1 - up > std::chrono::seconds(120)) {
      std::fprintf(stderr, "not online within 120 s\n");
      return std::nullopt;
    }
  }
  std::unique_lock<std::mutex> lock(seen->mu);
  if (!seen->cv.wait_for(lock, std::chrono::seconds(120),
                         [&] { return seen->online.has_value(); })) {
    std::fprintf(stderr, "not online within 120 s\n");
    return std::nullopt;
  }
  const Clock::time_point online = *seen->online;
  const size_t messages = seen->messages;
  lock.unlock();
  // The same search once caught up, for comparison.
  const auto again_start = Clock::now();
  auto again = client->Search(query, SearchOptions{}).get();
  const auto again_end = Clock::now();
  client->Disconnect();
  if (quiet) {
    client->Disconnect();
    return nlohmann::json{{"connect_ms", Ms(up - start)},
                          {"first_sync_ms", Ms(online - up)},
                          {"messages_delivered", messages}};
  }
  return nlohmann::json{{"connect_ms", Ms(up - start)},
                        {"online_after_connect_ms", Ms(online - up)},
                        {"searches_while_syncing", searches},
                        {"first_search_ms", first_ms},
                        {"slowest_search_ms", slowest_ms},
                        {"slowest_search_started_after_connect_ms", slowest_at_ms},
                        {"search_when_online_ms", again.ok() ? Ms(again_end - again_start) : -1},
                        {"messages_delivered", messages}};
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

bool RunFirstSyncPasses(const ClientOptions& options, const std::string& query, int passes) {
  char dir_template[] = "/tmp/mqchat-first-sync-XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) {
    std::perror("mkdtemp");
    return false;
  }
  std::vector<double> sync_ms, slowest_ms, online_ms, idle_ms;
  bool ok = true;
  // Each pass twice: the first sync alone, then with searches during it.
  for (int i = 0; i < 2 * passes && ok; ++i) {
    const bool quiet = i % 2 == 0;
    const std::string path = std::string(dir) + "/cache-" + std::to_string(i) + ".db";
    auto line = Pass(options, query, path, quiet);
    for (const char* suffix : {"", "-wal", "-shm"}) unlink((path + suffix).c_str());
    if (!line) {
      ok = false;
      break;
    }
    (*line)["pass"] = i / 2 + 1;
    std::printf("%s\n", line->dump().c_str());
    if (quiet) {
      sync_ms.push_back((*line)["first_sync_ms"].get<double>());
      continue;
    }
    slowest_ms.push_back((*line)["slowest_search_ms"].get<double>());
    online_ms.push_back((*line)["online_after_connect_ms"].get<double>());
    idle_ms.push_back((*line)["search_when_online_ms"].get<double>());
  }
  rmdir(dir);
  if (!ok) return false;
  nlohmann::json summary = {
      {"query", query},
      {"passes", passes},
      {"first_sync_p50_ms", Median(sync_ms)},
      {"first_sync_max_ms", *std::max_element(sync_ms.begin(), sync_ms.end())},
      {"online_after_connect_p50_ms", Median(online_ms)},
      {"slowest_search_while_syncing_p50_ms", Median(slowest_ms)},
      {"slowest_search_while_syncing_max_ms",
       *std::max_element(slowest_ms.begin(), slowest_ms.end())},
      {"search_when_online_p50_ms", Median(idle_ms)}};
  std::printf("%s\n", summary.dump().c_str());
  std::fflush(stdout);
  return true;
}

}  // namespace mqchat::bench
