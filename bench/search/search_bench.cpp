// mqchat-search-bench: search latency against a running broker (issue 17; docs/BENCHMARKS.md
// "Search"). Logs in as one user through the SDK (a JWT signed with --jwt-secret), then for each
// query runs it --repeat times in one conversation (--conversation) and across all of the
// user's conversations, one request at a time, once the client has caught up (its first sync
// done), timing request -> response on the client (steady_clock), and prints one JSON line per
// (query, scope): p50, p99, max in ms and the results of the first page. The corpus is loaded
// beforehand by bench/search_bench.sh. --first-sync R instead times a search made at once
// after Connect, during the client's first sync (first_sync.h), with the first query.
//   mqchat-search-bench --port P --jwt-secret S --user U --conversation C --repeat N Q1 Q2...
//   mqchat-search-bench --port P --jwt-secret S --user U --first-sync R Q
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "auth/jwt.h"
#include "first_sync.h"
#include "mqchat/client.h"

namespace {

struct Args {
  int port = 1883;
  std::string secret;
  std::string user = "searcher";
  int64_t conversation = 0;
  int repeat = 50;
  int limit = 20;
  int first_sync = 0;  // passes of the first-sync mode; 0: the query latency mode
  std::vector<std::string> queries;
};

bool Parse(int argc, char** argv, Args* a) {
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (k == "--port" && (v = next())) {
      a->port = std::atoi(v);
    } else if (k == "--jwt-secret" && (v = next())) {
      a->secret = v;
    } else if (k == "--user" && (v = next())) {
      a->user = v;
    } else if (k == "--conversation" && (v = next())) {
      a->conversation = std::atoll(v);
    } else if (k == "--repeat" && (v = next())) {
      a->repeat = std::max(1, std::atoi(v));
    } else if (k == "--limit" && (v = next())) {
      a->limit = std::atoi(v);
    } else if (k == "--first-sync" && (v = next())) {
      a->first_sync = std::max(1, std::atoi(v));
    } else if (!k.empty() && k[0] != '-') {
      a->queries.push_back(k);
    } else {
      return false;
    }
  }
  return !a->secret.empty() && !a->queries.empty();
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  return v[i];
}

// Runs `query` `repeat` times; one JSON line. False if a search failed.
bool Measure(mqchat::Client& client, const Args& a, const std::string& query, int64_t conv) {
  mqchat::SearchOptions o;
  o.conversation_id = conv;
  o.limit = a.limit;
  std::vector<double> ms;
  size_t results = 0;
  bool has_more = false;
  for (int i = 0; i < a.repeat; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto page = client.Search(query, o).get();
    const auto t1 = std::chrono::steady_clock::now();
    if (!page.ok()) {
      std::fprintf(stderr, "search '%s': %s\n", query.c_str(), page.status().ToString().c_str());
      return false;
    }
    results = page->results.size();
    has_more = page->has_more;
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  nlohmann::json line = {{"query", query},
                         {"scope", conv > 0 ? "one conversation" : "all conversations"},
                         {"runs", a.repeat},
                         {"results", results},
                         {"has_more", has_more},
                         {"p50_ms", Percentile(ms, 0.50)},
                         {"p99_ms", Percentile(ms, 0.99)},
                         {"max_ms", *std::max_element(ms.begin(), ms.end())},
                         // Which run was the slowest (0-based): a first run slow every time
                         // is a cold start, a random one a stall.
                         {"max_run", std::max_element(ms.begin(), ms.end()) - ms.begin()}};
  std::printf("%s\n", line.dump().c_str());
  std::fflush(stdout);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!Parse(argc, argv, &a)) {
    std::fprintf(stderr,
                 "usage: mqchat-search-bench --port P --jwt-secret S [--user U] [--conversation C]"
                 " [--repeat N] [--limit L] [--first-sync R] QUERY...\n");
    return 2;
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  auto token =
      mqchat::auth::SignHs256({{"sub", a.user}, {"iat", now}, {"exp", now + 86400}}, a.secret);
  if (!token.ok()) {
    std::fprintf(stderr, "token: %s\n", token.status().ToString().c_str());
    return 2;
  }
  auto options = mqchat::ClientOptions::Builder()
                     .Server("tcp://127.0.0.1:" + std::to_string(a.port))
                     .Token(a.user, *token)
                     .Device("search-bench")
                     .RequestTimeout(std::chrono::seconds(60))
                     .Build();
  if (!options.ok()) return 2;
  if (a.first_sync > 0) {
    return mqchat::bench::RunFirstSyncPasses(*options, a.queries.front(), a.first_sync) ? 0 : 1;
  }
  auto client = mqchat::Client::Create(*options);
  if (!client.ok() || !(*client)->Connect().ok()) {
    std::fprintf(stderr, "cannot connect as %s\n", a.user.c_str());
    return 3;
  }
  // Connect returns before the SDK's first sync (state kSyncing): that sync stores the user's
  // conversations in the client's cache on the SDK's engine thread, and a search answered
  // meanwhile waits for its page's parse and one storing step (before the SDK stored a page in
  // steps, for the whole page: 400-900 ms with 200 conversations, the "outlier" of earlier
  // runs; --first-sync measures it). Query latency is measured once the client has caught up.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  struct Caught {
    std::mutex mu;
    std::condition_variable cv;
    bool online = false;
  };
  auto caught = std::make_shared<Caught>();  // the handler may outlive this scope's wait
  (*client)->OnConnectionChange([caught](const mqchat::ConnectionEvent& e) {
    std::lock_guard<std::mutex> lock(caught->mu);
    if (e.state == mqchat::ConnectionState::kOnline) caught->online = true;
    caught->cv.notify_all();
  });
  {
    std::unique_lock<std::mutex> lock(caught->mu);
    if (!caught->cv.wait_until(lock, deadline, [&] {
          return caught->online || (*client)->state() == mqchat::ConnectionState::kOnline;
        })) {
      std::fprintf(stderr, "%s did not catch up within 120 s\n", a.user.c_str());
      return 3;
    }
  }
  bool ok = true;
  for (const auto& q : a.queries) {
    if (a.conversation > 0) ok = Measure(**client, a, q, a.conversation) && ok;
    ok = Measure(**client, a, q, 0) && ok;
  }
  (*client)->Disconnect();
  return ok ? 0 : 1;
}
