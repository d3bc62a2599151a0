#include "chat/store_worker.h"

#include <gtest/gtest.h>

#include <future>

#include "store/store_config.h"
#include "store/store_factory.h"
#include "support/temp_dir.h"

namespace mqchat::chat {
namespace {

class StoreWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreConfig config;
    config.backend = store::Backend::kSqlite;
    config.sqlite_path = dir_.File("store.db");
    auto opened = store::OpenChatStore(config);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    worker_ = std::make_unique<StoreWorker>(
        std::move(*opened), /*max_queue=*/1, /*max_batch=*/8,
        [](store::ChatStore&, std::vector<SendJob>, Result<std::vector<store::AppendResult>>) {});
  }

  test::TempDir dir_;
  std::unique_ptr<StoreWorker> worker_;
};

TEST_F(StoreWorkerTest, InternalTasksAreNeverRefusedForAFullQueue) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  // Occupy the worker, then fill its one-slot queue.
  ASSERT_TRUE(worker_
                  ->SubmitTask([&, released](store::ChatStore&) {
                    started.set_value();
                    released.wait();
                  })
                  .ok());
  started.get_future().wait();
  int ran = 0;
  ASSERT_TRUE(worker_->SubmitTask([&](store::ChatStore&) { ++ran; }).ok());
  EXPECT_EQ(worker_->SubmitTask([&](store::ChatStore&) { ++ran; }).code(),
            Code::kResourceExhausted);
  EXPECT_TRUE(worker_->SubmitInternal([&](store::ChatStore&) { ran += 10; }).ok());
  release.set_value();
  worker_->Stop();  // runs everything queued
  EXPECT_EQ(ran, 11);
  EXPECT_EQ(worker_->SubmitInternal([](store::ChatStore&) {}).code(), Code::kUnavailable);
}

}  // namespace
}  // namespace mqchat::chat
