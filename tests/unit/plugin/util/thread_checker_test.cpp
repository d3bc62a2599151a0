// Checks on here whatever the build type, to test what debug builds (and the plugin built with
// MQCHAT_CHECK_THREADS) do. No other file of this binary calls ThreadChecker::Check.
#define MQCHAT_CHECK_THREADS 1
#include "util/thread_checker.h"

#include <gtest/gtest.h>

#include <thread>

namespace mqchat {
namespace {

TEST(ThreadCheckerTest, KnowsTheThreadThatCreatedIt) {
  ThreadChecker checker;
  EXPECT_TRUE(checker.OnOwnerThread());
  checker.Check("on the owner");  // returns
  bool elsewhere = true;
  std::thread([&] { elsewhere = checker.OnOwnerThread(); }).join();
  EXPECT_FALSE(elsewhere);
}

TEST(ThreadCheckerDeathTest, AbortsOffTheOwnerThreadNamingTheCall) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  ThreadChecker checker;
  EXPECT_DEATH(std::thread([&] { checker.Check("BrokerApi::Publish"); }).join(),
               "BrokerApi::Publish called off its owner thread");
}

}  // namespace
}  // namespace mqchat
