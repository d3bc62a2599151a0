// Backoff: exponential growth, the cap, equal jitter, reset.
#include "src/backoff.h"

#include <gtest/gtest.h>

namespace mqchat::sdk {
namespace {

using std::chrono::milliseconds;

TEST(SdkBackoffTest, DoublesUpToTheCapWithTheHighestDraw) {
  Backoff b(milliseconds(100), milliseconds(1000), 2.0, [] { return 0.999999; });
  EXPECT_EQ(b.Next(), milliseconds(99));
  EXPECT_EQ(b.Next(), milliseconds(199));
  EXPECT_EQ(b.Next(), milliseconds(399));
  EXPECT_EQ(b.Next(), milliseconds(799));
  EXPECT_EQ(b.Next(), milliseconds(999));  // capped
  EXPECT_EQ(b.Next(), milliseconds(999));
}

TEST(SdkBackoffTest, JitterKeepsAtLeastHalfTheStep) {
  Backoff b(milliseconds(100), milliseconds(1000), 2.0, [] { return 0.0; });
  EXPECT_EQ(b.Next(), milliseconds(50));
  EXPECT_EQ(b.Next(), milliseconds(100));
  EXPECT_EQ(b.Next(), milliseconds(200));
}

TEST(SdkBackoffTest, ResetStartsOver) {
  Backoff b(milliseconds(100), milliseconds(1000), 2.0, [] { return 0.0; });
  (void)b.Next();
  (void)b.Next();
  EXPECT_EQ(b.attempt(), 2);
  b.Reset();
  EXPECT_EQ(b.Next(), milliseconds(50));
}

TEST(SdkBackoffTest, RandomDelaysStayInTheirStep) {
  Backoff b(milliseconds(10), milliseconds(10000));
  int64_t step = 10;
  for (int i = 0; i < 12; ++i) {
    const auto d = b.Next().count();
    EXPECT_GE(d, step / 2) << "attempt " << i;
    EXPECT_LE(d, step) << "attempt " << i;
    step = std::min<int64_t>(step * 2, 10000);
  }
}

TEST(SdkBackoffTest, NeverReturnsZero) {
  Backoff b(milliseconds(0), milliseconds(0), 2.0, [] { return 0.0; });
  EXPECT_GE(b.Next().count(), 1);
}

}  // namespace
}  // namespace mqchat::sdk
