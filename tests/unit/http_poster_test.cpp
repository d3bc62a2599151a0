// HttpPoster against a real loopback HTTP server: each result carries its own request's time,
// which the push worker's gateway-latency histogram records (one slow answer must not make a
// round's other requests look slow).
#include "push/http_poster.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/http_test_server.h"

namespace mqchat::push {
namespace {

using std::chrono::milliseconds;

std::unique_ptr<HttpPoster> MakePoster(const std::string& url) {
  HttpPosterOptions options;
  options.url = url;
  options.timeout_ms = 5000;
  options.concurrency = 1;  // one at a time: the server below answers them in turn
  auto poster = HttpPoster::Create(options);
  EXPECT_TRUE(poster.ok()) << poster.status().ToString();
  return poster.ok() ? std::move(*poster) : nullptr;
}

TEST(HttpPosterTest, EachResultCarriesItsOwnRequestTime) {
  test::HttpTestServer gateway;
  // The first request is answered after 300 ms, the other two at once.
  gateway.SetHandler([](const test::HttpRequest&, size_t index) {
    if (index == 0) std::this_thread::sleep_for(milliseconds(300));  // the slow gateway itself
    return test::HttpReply{200, "{\"rejected\":[]}"};
  });
  auto poster = MakePoster(gateway.Url());
  ASSERT_NE(poster, nullptr);

  const auto started = std::chrono::steady_clock::now();
  const std::vector<HttpResult> results = poster->PostAll({"{}", "{}", "{}"});
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  ASSERT_EQ(results.size(), 3u);
  for (const HttpResult& result : results) {
    EXPECT_TRUE(result.transport_ok) << result.error;
    EXPECT_EQ(result.status, 200);
    EXPECT_GT(result.seconds, 0.0);
    EXPECT_LE(result.seconds, wall_s);
  }
  EXPECT_GE(results[0].seconds, 0.3);
  // The quick ones did not take the slow one's time: together they took less than the round
  // minus the slow request.
  EXPECT_LE(results[1].seconds + results[2].seconds, wall_s - results[0].seconds + 1e-3);
}

}  // namespace
}  // namespace mqchat::push
