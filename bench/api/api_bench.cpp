// mqchat-api-bench: load for the API service (issue 15's logins/s and refreshes/s, issue 29's
// HTTP login flood), with libcurl's easy interface, one handle (one kept-alive connection) per
// thread. Modes:
//   setup    sign up --users accounts bench0..N-1 (password "bench password N")
//   login    --threads threads log those users in (right password) for --seconds
//   refresh  each thread logs one user in once, then rotates its refresh token for --seconds
//   flood    --threads attackers send wrong passwords for those users from --addresses loopback
//            addresses (127.0.10.2...), while one legitimate user logs in every 200 ms from
//            127.0.0.1; reports the attackers' answers and the legitimate logins' latency
//   pbkdf2   PBKDF2 hashes per second at the default cost on one core for --seconds, ours
//            (auth/pbkdf2_sha256.h) beside OpenSSL's PKCS5_PBKDF2_HMAC
// Prints one line of JSON per run (bench/api_bench.sh makes the table). Loopback only.
#include <curl/curl.h>
#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/password_hash.h"
#include "auth/pbkdf2_sha256.h"

namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

struct Options {
  std::string mode;
  std::string url = "http://127.0.0.1:8080";
  int users = 20;
  int threads = 4;
  double seconds = 10;
  int addresses = 200;
};

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// One thread's connection to the service.
class Http {
 public:
  explicit Http(std::string base) : base_(std::move(base)), easy_(curl_easy_init()) {}
  ~Http() { curl_easy_cleanup(easy_); }
  // POSTs `body`; the status (0 on a transport failure), the answer in *out, the time in *ms.
  int Post(const std::string& path, const json& body, const std::string& source, json* out,
           double* ms) {
    const std::string payload = body.dump();
    const std::string url = base_ + path;
    std::string answer;
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(easy_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
    curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &Collect);
    curl_easy_setopt(easy_, CURLOPT_WRITEDATA, &answer);
    // A new source address needs a new connection; the same one keeps its connection.
    curl_easy_setopt(easy_, CURLOPT_INTERFACE, source.empty() ? nullptr : source.c_str());
    curl_easy_setopt(easy_, CURLOPT_FRESH_CONNECT, source != last_source_ ? 1L : 0L);
    last_source_ = source;
    const auto start = Clock::now();
    const CURLcode rc = curl_easy_perform(easy_);
    *ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) return 0;
    long status = 0;
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
    if (out != nullptr) *out = json::parse(answer, nullptr, false);
    return static_cast<int>(status);
  }

 private:
  std::string base_;
  CURL* easy_;
  std::string last_source_;
};

std::string User(int i) { return "bench" + std::to_string(i); }
std::string Password(int i) { return "bench password " + std::to_string(i); }

// Latencies and status counts, merged from every thread.
struct Stats {
  std::mutex mu;
  std::vector<double> ms;
  std::map<int, int64_t> statuses;
  void Add(const std::vector<double>& m, const std::map<int, int64_t>& s) {
    std::lock_guard<std::mutex> lock(mu);
    ms.insert(ms.end(), m.begin(), m.end());
    for (const auto& [status, n] : s) statuses[status] += n;
  }
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, i == 0 ? 0 : i - 1)];
}

json Summary(Stats& stats, double seconds, int ok_status) {
  json statuses = json::object();
  for (const auto& [status, n] : stats.statuses) statuses[std::to_string(status)] = n;
  const int64_t ok = stats.statuses.count(ok_status) ? stats.statuses[ok_status] : 0;
  return {{"requests", stats.ms.size()},
          {"ok", ok},
          {"per_s", static_cast<double>(ok) / seconds},
          {"p50_ms", Percentile(stats.ms, 0.5)},
          {"p99_ms", Percentile(stats.ms, 0.99)},
          {"statuses", statuses}};
}

// Runs `body(thread, deadline, &latencies, &statuses)` on o.threads threads.
template <typename Body>
double RunThreads(const Options& o, Stats* stats, Body body) {
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(o.seconds));
  std::vector<std::thread> threads;
  for (int t = 0; t < o.threads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<double> ms;
      std::map<int, int64_t> statuses;
      body(t, deadline, &ms, &statuses);
      stats->Add(ms, statuses);
    });
  }
  for (auto& thread : threads) thread.join();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int Setup(const Options& o) {
  Http http(o.url);
  int created = 0;
  for (int i = 0; i < o.users; ++i) {
    double ms = 0;
    const int status =
        http.Post("/v1/signup", {{"username", User(i)}, {"password", Password(i)}}, "", nullptr, &ms);
    if (status == 201 || status == 409) ++created;
  }
  std::printf("%s\n", json{{"mode", "setup"}, {"users", created}}.dump().c_str());
  return created == o.users ? 0 : 1;
}

json Login(const Options& o) {
  Stats stats;
  double s = RunThreads(o, &stats, [&](int t, Clock::time_point deadline,
                                       std::vector<double>* ms, std::map<int, int64_t>* st) {
    Http http(o.url);
    for (int i = t; Clock::now() < deadline; i += o.threads) {
      double took = 0;
      const int u = i % o.users;
      ++(*st)[http.Post("/v1/login", {{"username", User(u)}, {"password", Password(u)}}, "",
                        nullptr, &took)];
      ms->push_back(took);
    }
  });
  return Summary(stats, s, 200);
}

json Refresh(const Options& o) {
  Stats stats;
  double s = RunThreads(o, &stats, [&](int t, Clock::time_point deadline,
                                       std::vector<double>* ms, std::map<int, int64_t>* st) {
    Http http(o.url);
    json answer;
    double took = 0;
    const int u = t % o.users;
    if (http.Post("/v1/login", {{"username", User(u)}, {"password", Password(u)}}, "", &answer,
                  &took) != 200) {
      ++(*st)[0];
      return;
    }
    std::string token = answer.value("refresh_token", "");
    while (Clock::now() < deadline) {
      const int status = http.Post("/v1/refresh", {{"refresh_token", token}}, "", &answer, &took);
      ++(*st)[status];
      ms->push_back(took);
      if (status != 200) break;  // the family is gone: nothing more to rotate
      token = answer.value("refresh_token", "");
    }
  });
  return Summary(stats, s, 200);
}

std::string Address(int n) {
  return "127.0." + std::to_string(n / 250 + 10) + "." + std::to_string(n % 250 + 2);
}

json Flood(const Options& o) {
  Stats attack, legit;
  std::atomic<bool> done{false};
  std::thread user([&] {
    Http http(o.url);
    std::vector<double> ms;
    std::map<int, int64_t> st;
    while (!done) {
      const auto next = Clock::now() + std::chrono::milliseconds(200);
      double took = 0;
      ++st[http.Post("/v1/login", {{"username", User(0)}, {"password", Password(0)}}, "127.0.0.1",
                     nullptr, &took)];
      ms.push_back(took);
      std::this_thread::sleep_until(next);  // pacing one real user
    }
    legit.Add(ms, st);
  });
  double s = RunThreads(o, &attack, [&](int t, Clock::time_point deadline,
                                        std::vector<double>* ms, std::map<int, int64_t>* st) {
    Http http(o.url);
    for (int n = t; Clock::now() < deadline; n += o.threads) {
      double took = 0;
      const int victim = 1 + n % std::max(1, o.users - 1);  // bench0 is the real user
      ++(*st)[http.Post("/v1/login", {{"username", User(victim)}, {"password", "guess"}},
                        Address(n % o.addresses), nullptr, &took)];
      ms->push_back(took);
    }
  });
  done = true;
  user.join();
  json attack_summary = Summary(attack, s, 401);
  attack_summary["per_s"] = static_cast<double>(attack.ms.size()) / s;
  return {{"attack", attack_summary}, {"legit", Summary(legit, s, 200)}};
}

// Hashes per second on one core of `derive` (one derivation at the default cost), timed over
// `seconds` (at least 3 hashes).
template <typename Derive>
double HashesPerS(Derive derive, double seconds) {
  const auto start = Clock::now();
  int n = 0;
  double elapsed = 0;
  do {
    derive();
    ++n;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (n < 3 || elapsed < seconds);
  return n / elapsed;
}

// The stored-password hash (auth/pbkdf2_sha256.h) beside OpenSSL's PKCS5_PBKDF2_HMAC on the
// same inputs, alternating rounds so a change in the machine's load falls on both.
json Pbkdf2(const Options& o) {
  const int iterations = mqchat::auth::kDefaultPbkdf2Iterations;
  const std::string password = "bench password", salt = "0123456789abcdef";
  unsigned char key[32];
  auto ours = [&] {
    (void)mqchat::auth::Pbkdf2HmacSha256(password, salt, iterations, key, sizeof key);
  };
  auto openssl = [&] {
    (void)PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                            reinterpret_cast<const unsigned char*>(salt.data()),
                            static_cast<int>(salt.size()), iterations, EVP_sha256(), sizeof key,
                            key);
  };
  const int kRounds = 3;
  std::vector<double> ours_per_s, openssl_per_s;
  for (int round = 0; round < kRounds; ++round) {
    ours_per_s.push_back(HashesPerS(ours, o.seconds / (2 * kRounds)));
    openssl_per_s.push_back(HashesPerS(openssl, o.seconds / (2 * kRounds)));
  }
  std::sort(ours_per_s.begin(), ours_per_s.end());
  std::sort(openssl_per_s.begin(), openssl_per_s.end());
  const double ours_median = ours_per_s[kRounds / 2], openssl_median = openssl_per_s[kRounds / 2];
  return {{"iterations", iterations},
          {"ms_per_hash", 1000 / ours_median},
          {"hashes_per_s", ours_median},
          {"openssl_ms_per_hash", 1000 / openssl_median},
          {"openssl_hashes_per_s", openssl_median},
          {"speedup", ours_median / openssl_median}};
}

bool Parse(int argc, char** argv, Options* o) {
  if (argc < 2) return false;
  o->mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--url") o->url = value;
    else if (key == "--users") o->users = std::max(1, std::atoi(value.c_str()));
    else if (key == "--threads") o->threads = std::max(1, std::atoi(value.c_str()));
    else if (key == "--seconds") o->seconds = std::max(0.1, std::atof(value.c_str()));
    else if (key == "--addresses") o->addresses = std::max(1, std::atoi(value.c_str()));
    else return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!Parse(argc, argv, &o)) {
    std::fprintf(stderr,
                 "usage: mqchat-api-bench setup|login|refresh|flood|pbkdf2 [--url URL] "
                 "[--users N] [--threads N] [--seconds S] [--addresses N]\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  json result;
  if (o.mode == "setup") return Setup(o);
  if (o.mode == "login") result = Login(o);
  else if (o.mode == "refresh") result = Refresh(o);
  else if (o.mode == "flood") result = Flood(o);
  else if (o.mode == "pbkdf2") result = Pbkdf2(o);
  else return 2;
  result["mode"] = o.mode;
  result["threads"] = o.threads;
  std::printf("%s\n", result.dump().c_str());
  return 0;
}
