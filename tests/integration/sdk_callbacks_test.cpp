// The SDK's callback forms against a real broker: every request can complete through a callback
// on the SDK's callback thread (an app chains requests from callbacks and never blocks a
// thread), and Cancel settles a request still waiting for its answer with kCancelled, once.
#include <atomic>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "mqchat/client.h"
#include "support/chat_fixture.h"
#include "support/temp_dir.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

constexpr auto kWait = std::chrono::seconds(20);

// What the callbacks of one test reported (callback thread -> test thread).
struct Outcomes {
  std::mutex mu;
  std::vector<std::string> steps;
  std::vector<std::thread::id> threads;
  std::optional<Status> cancelled;
  int cancelled_calls = 0;

  void Step(std::string step) {
    std::lock_guard<std::mutex> lock(mu);
    steps.push_back(std::move(step));
    threads.push_back(std::this_thread::get_id());
  }
  std::vector<std::string> Steps() {
    std::lock_guard<std::mutex> lock(mu);
    return steps;
  }
};

class SdkCallbacksTest : public ChatFixture {
 protected:
  std::unique_ptr<Client> Connect(const std::string& user) {
    auto options = ClientOptions::Builder()
                       .Server("tcp://127.0.0.1:" + std::to_string(server_->port()))
                       .Token(user, Token(user))
                       .Device("cb")
                       .CachePath(dir_.File(user + ".db"))
                       .RequestTimeout(std::chrono::seconds(30))
                       .Build();
    EXPECT_TRUE(options.ok()) << options.status().ToString();
    auto client = Client::Create(*options);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    if (!client.ok()) return nullptr;
    Status s = (*client)->Connect();
    EXPECT_TRUE(s.ok()) << user << ": " << s.ToString();
    return std::move(*client);
  }

  TempDir dir_{"mqchat-sdk-callbacks"};
};

TEST_P(SdkCallbacksTest, RequestsChainThroughCallbacksOnTheCallbackThread) {
  MQCHAT_REQUIRE_SERVER();
  Register({"bob"});
  auto alice = Connect("alice");
  ASSERT_NE(alice, nullptr);
  Client* client = alice.get();
  Outcomes out;
  // Open a group, send into it, react to the message, read the history, rename it, list the
  // members: each started from the callback of the one before.
  const RequestId first = client->CreateGroup("cb", {"bob"}, [&](Result<Conversation> c) {
    if (!c.ok()) return out.Step("create_group: " + c.status().ToString());
    out.Step("create_group");
    const int64_t id = c->id;
    client->Send(id, "hello", [&, id](Result<Ack> ack) {
      if (!ack.ok()) return out.Step("send: " + ack.status().ToString());
      out.Step("send " + std::to_string(ack->seq));
      client->React(id, ack->seq, "\xF0\x9F\x91\x8D", false, [&, id](Result<Ack> r) {
        out.Step(r.ok() ? "react " + std::to_string(r->seq) : "react: " + r.status().ToString());
        client->History(id, HistoryQuery{}, [&, id](Result<HistoryPage> page) {
          out.Step(page.ok() ? "history " + std::to_string(page->messages.size())
                             : "history: " + page.status().ToString());
          client->Rename(id, "renamed", [&, id](Status s) {
            out.Step(s.ok() ? "rename" : "rename: " + s.ToString());
            client->Members(id, [&](Result<std::vector<Member>> members) {
              out.Step(members.ok() ? "members " + std::to_string(members->size())
                                    : "members: " + members.status().ToString());
            });
          });
        });
      });
    });
  });
  EXPECT_GT(first, 0u);
  ASSERT_TRUE(WaitFor([&] { return out.Steps().size() >= 6; }, kWait, "the chain of callbacks"));
  EXPECT_EQ(out.Steps(), (std::vector<std::string>{"create_group", "send 1", "react 2",
                                                   "history 1", "rename", "members 2"}));
  std::lock_guard<std::mutex> lock(out.mu);
  for (const auto& id : out.threads) {
    EXPECT_NE(id, std::this_thread::get_id());
    EXPECT_EQ(id, out.threads.front()) << "every callback on the one callback thread";
  }
}

TEST_P(SdkCallbacksTest, ErrorsComeToTheCallbackToo) {
  MQCHAT_REQUIRE_SERVER();
  auto alice = Connect("alice");
  ASSERT_NE(alice, nullptr);
  std::promise<Status> members;
  alice->Members(987654321, [&](Result<std::vector<Member>> r) { members.set_value(r.status()); });
  std::promise<Status> reply;
  alice->Reply(1, 0, "no target", [&](Result<Ack> r) { reply.set_value(r.status()); });
  auto f = members.get_future();
  ASSERT_EQ(f.wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(f.get().code(), Code::kPermissionDenied) << "NOT_MEMBER";
  auto g = reply.get_future();
  ASSERT_EQ(g.wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(g.get().code(), Code::kInvalidArgument);
}

TEST_P(SdkCallbacksTest, CancelSettlesAWaitingRequestOnceWithCancelled) {
  MQCHAT_REQUIRE_SERVER();
  auto alice = Connect("alice");
  ASSERT_NE(alice, nullptr);
  // The broker stops answering (its sockets stay open): the request waits for its response.
  server_->broker().Pause();
  Outcomes out;
  const RequestId id = alice->Conversations([&](Result<std::vector<ConversationSummary>> r) {
    std::lock_guard<std::mutex> lock(out.mu);
    ++out.cancelled_calls;
    out.cancelled = r.status();
  });
  ASSERT_GT(id, 0u);
  alice->Cancel(id);
  const bool settled = WaitFor(
      [&] {
        std::lock_guard<std::mutex> lock(out.mu);
        return out.cancelled.has_value();
      },
      std::chrono::seconds(5), "the cancelled request's callback");
  server_->broker().Resume();
  ASSERT_TRUE(settled);
  {
    std::lock_guard<std::mutex> lock(out.mu);
    EXPECT_EQ(out.cancelled->code(), Code::kCancelled) << out.cancelled->ToString();
  }
  // The broker answers the request now; that answer settles nothing again. A later request's
  // answer shows the late one has been handled by then.
  std::promise<Status> after;
  alice->Conversations(
      [&](Result<std::vector<ConversationSummary>> r) { after.set_value(r.status()); });
  auto f = after.get_future();
  ASSERT_EQ(f.wait_for(kWait), std::future_status::ready);
  EXPECT_TRUE(f.get().ok());
  std::lock_guard<std::mutex> lock(out.mu);
  EXPECT_EQ(out.cancelled_calls, 1);
  // Cancelling what is settled (or unknown) changes nothing.
  alice->Cancel(id);
  alice->Cancel(0);
}

MQCHAT_INSTANTIATE_FOR_STORES(SdkCallbacksTest);

}  // namespace
}  // namespace mqchat::test
