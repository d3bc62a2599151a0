#include "chat/store_worker.h"

#include <gtest/gtest.h>

#include <future>

#include "store/store_config.h"
#include "store/store_factory.h"
#include "support/fakes/fake_chat_store.h"
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
        [](store::ChatStore&, std::vector<SendJob>) {});
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

// Group commit: sends that queue up while the worker is busy are committed together, up to
// max_batch at a time; any other job ends a batch and runs alone, in queue order.
TEST(StoreWorkerGroupCommitTest, QueuedSendsCommitInOneBatch) {
  auto data = std::make_shared<mqchat::test::FakeChatData>();
  std::mutex mu;
  std::vector<std::string> runs;  // "send:<client_msg_ids>" per batch, "task" per task
  StoreWorker worker(std::make_unique<mqchat::test::FakeChatStore>(data), /*max_queue=*/100,
                     /*max_batch=*/4, [&](store::ChatStore&, std::vector<SendJob> jobs) {
                       std::string ids;
                       for (const auto& j : jobs) ids += j.request.client_msg_id;
                       std::lock_guard<std::mutex> lock(mu);
                       runs.push_back("send:" + ids);
                     });
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(worker
                  .SubmitTask([&, released](store::ChatStore&) {
                    started.set_value();
                    released.wait();
                  })
                  .ok());
  started.get_future().wait();  // the worker is busy: what follows queues up
  auto send = [&](const std::string& id) {
    SendJob job;
    job.request.client_msg_id = id;
    ASSERT_TRUE(worker.SubmitSend(std::move(job)).ok());
  };
  for (const char* id : {"a", "b", "c", "d", "e", "f"}) send(id);
  ASSERT_TRUE(worker
                  .SubmitTask([&](store::ChatStore&) {
                    std::lock_guard<std::mutex> lock(mu);
                    runs.push_back("task");
                  })
                  .ok());
  send("g");
  release.set_value();
  worker.Stop();  // runs everything queued
  EXPECT_EQ(runs, (std::vector<std::string>{"send:abcd", "send:ef", "task", "send:g"}));
  EXPECT_EQ(worker.batches(), 3u);
}

}  // namespace
}  // namespace mqchat::chat
