// mqchat_flood_client: the attack client of the hostile-login tests (issue 29) as its own
// process, so that it neither starves behind nor steals from the test process's threads (the
// chatting pairs and the real user whose latency the tests bound): a real attacker's client runs
// on its own machines. The tests start one per flood window (tests/support/flood_client.h) and
// read back one line of JSON.
//
//   mqchat_flood_client --attack http-wrong-password|mqtt-unknown|mqtt-wrong-password
//     --port P --seconds S [--rate R (requests/s in total; 0: as fast as the threads go)]
//     [--threads T] [--first-address K] [--addresses N] [--users N] [--user-prefix NAME]
//     [--timeout-ms MS] [--nice N]
//
// Request n (0-based, over all threads) comes from the loopback address LoopbackAddress((K + n)
// % N) (tests/support/raw_connect.h: 127.0.10.2 ...), each on a fresh connection, with a wrong
// password: HTTP `POST /v1/login` for NAME<n % users> (http-wrong-password), an MQTT 5 CONNECT
// for NAME<n % users> (mqtt-wrong-password) or for a name no one has (mqtt-unknown). Paced
// attacks spread each thread's requests evenly, threads staggered. Prints
//   {"requests":..,"in_window":..,"seconds":..,"answers":{"401":..,...},"p50_ms":..,"max_ms":..}
// where `answers` counts HTTP statuses (0: no answer within the timeout or a transport failure)
// or CONNACK reason codes (RawConnectResult::reason: -2 timeout, -3 closed without a CONNACK),
// and `in_window` the requests answered before S seconds had passed.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/http_from.h"
#include "support/raw_connect.h"

namespace {

using Clock = std::chrono::steady_clock;
using mqchat::test::LoopbackAddress;

struct Options {
  std::string attack;
  int port = 0;
  double seconds = 0;
  double rate = 0;
  int threads = 8;
  int first_address = 0;
  int addresses = 200;
  int users = 10;
  std::string user_prefix = "victim";
  int timeout_ms = 5000;
  int nice = 0;
};

bool Parse(int argc, char** argv, Options* o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--attack")
      o->attack = value;
    else if (key == "--port")
      o->port = std::atoi(value.c_str());
    else if (key == "--seconds")
      o->seconds = std::atof(value.c_str());
    else if (key == "--rate")
      o->rate = std::atof(value.c_str());
    else if (key == "--threads")
      o->threads = std::atoi(value.c_str());
    else if (key == "--first-address")
      o->first_address = std::atoi(value.c_str());
    else if (key == "--addresses")
      o->addresses = std::atoi(value.c_str());
    else if (key == "--users")
      o->users = std::atoi(value.c_str());
    else if (key == "--user-prefix")
      o->user_prefix = value;
    else if (key == "--timeout-ms")
      o->timeout_ms = std::atoi(value.c_str());
    else if (key == "--nice")
      o->nice = std::atoi(value.c_str());
    else
      return false;
  }
  if (argc % 2 != 1) return false;
  return (o->attack == "http-wrong-password" || o->attack == "mqtt-unknown" ||
          o->attack == "mqtt-wrong-password") &&
         o->port > 0 && o->seconds > 0 && o->rate >= 0 && o->threads > 0 && o->first_address >= 0 &&
         o->addresses > 0 && o->users > 0 && o->timeout_ms > 0;
}

// One attempt numbered `n`: the answer's code and how long it took in ms.
std::pair<int, double> Attempt(const Options& o, int64_t n) {
  const std::string source = LoopbackAddress(static_cast<int>((o.first_address + n) % o.addresses));
  const std::string victim = o.user_prefix + std::to_string(n % o.users);
  const std::string guess = "guess" + std::to_string(n);
  const auto timeout = std::chrono::milliseconds(o.timeout_ms);
  if (o.attack == "http-wrong-password") {
    const std::string body = nlohmann::json{{"username", victim}, {"password", guess}}.dump();
    auto reply = mqchat::test::PostJsonFrom(source, o.port, "/v1/login", body, timeout);
    return {reply.status, std::chrono::duration<double, std::milli>(reply.elapsed).count()};
  }
  // A name no one has: this process's id and the attempt's number.
  const std::string user = o.attack == "mqtt-unknown"
                               ? "ghost" + std::to_string(getpid()) + "x" + std::to_string(n)
                               : victim;
  auto r = mqchat::test::RawConnect(o.port, source, user + "/x", user, guess, timeout);
  return {r.reason, std::chrono::duration<double, std::milli>(r.elapsed).count()};
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!Parse(argc, argv, &o)) {
    std::fprintf(stderr,
                 "usage: mqchat_flood_client --attack http-wrong-password|mqtt-unknown|"
                 "mqtt-wrong-password --port P --seconds S [--rate R] [--threads T] "
                 "[--first-address K] [--addresses N] [--users N] [--user-prefix NAME] "
                 "[--timeout-ms MS] [--nice N]\n");
    return 2;
  }
  if (o.nice != 0 && setpriority(PRIO_PROCESS, 0, o.nice) != 0) {
    std::perror("setpriority");
    return 1;
  }
  const auto start = Clock::now();
  const auto end =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  // Each thread's interval between its requests, paced; zero when unpaced.
  const auto interval = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(o.rate > 0 ? o.threads / o.rate : 0));
  std::atomic<int64_t> in_window{0};
  std::mutex mu;
  std::map<int, int64_t> answers;
  std::vector<double> ms;
  std::vector<std::thread> threads;
  for (int t = 0; t < o.threads; ++t) {
    threads.emplace_back([&, t] {
      std::map<int, int64_t> mine;
      std::vector<double> times;
      auto next = start + interval * t / o.threads;
      for (int64_t n = t; Clock::now() < end; n += o.threads) {
        if (interval.count() > 0) {
          std::this_thread::sleep_until(next);  // the attack's pace, not a wait for an event
          next += interval;
          if (Clock::now() >= end) break;
        }
        auto [code, took] = Attempt(o, n);
        if (Clock::now() < end) ++in_window;
        ++mine[code];
        times.push_back(took);
      }
      std::lock_guard<std::mutex> lock(mu);
      for (const auto& [code, count] : mine) answers[code] += count;
      ms.insert(ms.end(), times.begin(), times.end());
    });
  }
  for (auto& thread : threads) thread.join();
  std::sort(ms.begin(), ms.end());
  nlohmann::json counts = nlohmann::json::object();
  for (const auto& [code, count] : answers) counts[std::to_string(code)] = count;
  const nlohmann::json out = {
      {"requests", ms.size()},
      {"in_window", in_window.load()},
      {"seconds", std::chrono::duration<double>(Clock::now() - start).count()},
      {"answers", counts},
      {"p50_ms", ms.empty() ? 0.0 : ms[ms.size() / 2]},
      {"max_ms", ms.empty() ? 0.0 : ms.back()}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
