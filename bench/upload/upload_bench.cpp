// mqchat-upload-bench: attachment upload and download through the SDK's ApiClient against a
// running mqchat-api (bench/upload_bench.sh starts one per store). Each run signs a fresh user
// up, logs in, uploads --mb MiB of random bytes (no thumbnail), then fetches the attachment's
// signed URL and downloads it, checking every byte. Prints one JSON line per run and a summary.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "mqchat/api_client.h"

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Args {
  std::string api = "http://127.0.0.1:8080";
  int mb = 25;
  int runs = 3;
  std::string prefix = "up";
};

bool Parse(int argc, char** argv, Args* a) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--api") {
      a->api = argv[i + 1];
    } else if (k == "--mb") {
      a->mb = std::atoi(argv[i + 1]);
    } else if (k == "--runs") {
      a->runs = std::atoi(argv[i + 1]);
    } else if (k == "--prefix") {
      a->prefix = argv[i + 1];
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && a->mb > 0 && a->runs > 0;
}

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::string out(n, '\0');
  for (size_t i = 0; i + 8 <= n; i += 8) {
    const uint64_t v = gen();
    for (int b = 0; b < 8; ++b) out[i + b] = static_cast<char>(v >> (8 * b));
  }
  return out;
}

// One run: sign-up, login, upload, download. Returns false (after printing why) on a failure.
bool RunOnce(const Args& a, int run, double* up_s, double* down_s) {
  auto api = mqchat::ApiClient::Create(a.api, std::chrono::seconds(120));
  if (!api.ok()) return std::fprintf(stderr, "api: %s\n", api.status().ToString().c_str()), false;
  const std::string user = a.prefix + std::to_string(run);
  const std::string password = "correct horse battery " + std::to_string(run);
  mqchat::Status s = (*api)->Signup(user, password);
  if (!s.ok()) return std::fprintf(stderr, "signup: %s\n", s.ToString().c_str()), false;
  auto session = (*api)->Login(user, password);
  if (!session.ok()) {
    return std::fprintf(stderr, "login: %s\n", session.status().ToString().c_str()), false;
  }
  const std::string data = RandomBytes(static_cast<size_t>(a.mb) << 20, 1000 + run);
  auto t0 = Clock::now();
  auto uploaded = (*api)->Upload(session->access_token, "bench.bin", data);
  *up_s = SecondsSince(t0);
  if (!uploaded.ok()) {
    return std::fprintf(stderr, "upload: %s\n", uploaded.status().ToString().c_str()), false;
  }
  t0 = Clock::now();
  auto fresh = (*api)->Attachment(session->access_token, uploaded->id);
  if (!fresh.ok()) {
    return std::fprintf(stderr, "attachment: %s\n", fresh.status().ToString().c_str()), false;
  }
  auto bytes = (*api)->Download(fresh->url);
  *down_s = SecondsSince(t0);
  if (!bytes.ok() || *bytes != data) {
    std::fprintf(stderr, "download: %s\n",
                 bytes.ok() ? "bytes differ" : bytes.status().ToString().c_str());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!Parse(argc, argv, &a)) {
    std::fprintf(stderr, "usage: mqchat-upload-bench [--api URL] [--mb N (25)] [--runs N (3)] "
                         "[--prefix P]\n");
    return 2;
  }
  std::vector<double> ups, downs;
  for (int run = 0; run < a.runs; ++run) {
    double up = 0, down = 0;
    if (!RunOnce(a, run, &up, &down)) return 1;
    ups.push_back(up);
    downs.push_back(down);
    std::printf("{\"run\":%d,\"mib\":%d,\"upload_s\":%.3f,\"upload_mib_per_s\":%.1f,"
                "\"download_s\":%.3f,\"download_mib_per_s\":%.1f}\n",
                run, a.mb, up, a.mb / up, down, a.mb / down);
  }
  std::sort(ups.begin(), ups.end());
  std::sort(downs.begin(), downs.end());
  const double up = ups[ups.size() / 2], down = downs[downs.size() / 2];
  std::printf("median of %d: upload %.2f s (%.1f MiB/s), download %.2f s (%.1f MiB/s)\n", a.runs,
              up, a.mb / up, down, a.mb / down);
  return 0;
}
