// ChatTestEnv: a ChatService on fakes for unit tests of the request path: FakeBrokerApi records
// what is published, FakeChatStore instances (a writer and two readers) share one in-memory
// database, FakeClock gives the time. The test thread plays the broker thread: Pump runs the
// BrokerTaskQueue until what a test waits for was published.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chat/chat_service.h"
#include "protocol/topics.h"
#include "support/fakes/fake_broker_api.h"
#include "support/fakes/fake_chat_store.h"
#include "support/fakes/fake_clock.h"
#include "support/wait_for.h"

namespace mqchat::chat::test {

inline constexpr store::ConversationId kGroup = 100;  // alice (owner), bob, carol

struct ChatTestEnv {
  // `hidden`: who is hidden from whom by blocks (null: nobody, typing reaches every member).
  explicit ChatTestEnv(ChatOptions options = {}, std::unique_ptr<PushOps> push = nullptr,
                       const session::HiddenUsers* hidden = nullptr) {
    for (const char* u : {"alice", "bob", "carol", "dave"}) data->users.insert(u);
    store::Conversation group;
    group.id = kGroup;
    group.name = "team";
    group.members = {{"alice", store::MemberRole::kOwner, 0, 0},
                     {"bob", store::MemberRole::kMember, 0, 0},
                     {"carol", store::MemberRole::kMember, 0, 0}};
    data->conversations[kGroup] = group;
    auto writer_store = std::make_unique<mqchat::test::FakeChatStore>(data);
    writer = writer_store.get();
    std::vector<store::ChatStorePtr> reader_stores;
    for (int i = 0; i < 2; ++i) {
      reader_stores.push_back(std::make_unique<mqchat::test::FakeChatStore>(data));
      readers.push_back(static_cast<mqchat::test::FakeChatStore*>(reader_stores.back().get()));
    }
    ChatDeps deps(broker, tasks, clock);
    deps.devices = &devices;
    deps.push = std::move(push);
    deps.hidden = hidden;
    deps.inbox_hook = [this](const std::string& user, const std::string&) {
      hooked.push_back(user);
    };
    service = std::make_unique<ChatService>(options, std::move(deps), std::move(writer_store),
                                            std::move(reader_stores));
  }
  ~ChatTestEnv() { service->Stop(); }

  static session::ClientSession Session(const std::string& user,
                                        const std::string& device = "phone") {
    return session::ClientSession{user, device, user + "-" + device, 5};
  }
  // Publishes a request as `who`; returns OnRequest's answer (false: refused at once).
  bool Request(const session::ClientSession& who, protocol::Op op, int64_t conversation_id,
               const std::string& payload) {
    return service->OnRequest(who, protocol::RequestTopic(op, conversation_id), payload, "", "");
  }
  // Runs the broker thread's queue until `who` has `count` responses; returns them, parsed.
  std::vector<nlohmann::json> Responses(const session::ClientSession& who, size_t count = 1) {
    const std::string topic = protocol::ReplyTopic(who.username, who.device_id);
    mqchat::test::WaitFor(
        [&] {
          tasks.RunPending();
          return broker.PublishesTo(topic).size() >= count;
        },
        std::chrono::seconds(5), "responses on " + topic);
    std::vector<nlohmann::json> out;
    for (const auto& m : broker.PublishesTo(topic)) out.push_back(nlohmann::json::parse(m.payload));
    // Missing ones (WaitFor failed the test) read as empty objects, so callers may index.
    while (out.size() < count) out.push_back(nlohmann::json::object());
    return out;
  }
  // The reader store that serves `user` (ReaderPool::IndexFor).
  mqchat::test::FakeChatStore* ReaderOf(const std::string& user) {
    return readers[ReaderPool::IndexFor(user, readers.size())];
  }

  mqchat::test::FakeBrokerApi broker;
  BrokerTaskQueue tasks;
  mqchat::test::FakeClock clock;
  session::DeviceIndex devices;
  std::shared_ptr<mqchat::test::FakeChatData> data = std::make_shared<mqchat::test::FakeChatData>();
  mqchat::test::FakeChatStore* writer = nullptr;
  std::vector<mqchat::test::FakeChatStore*> readers;
  std::vector<std::string> hooked;  // users the inbox hook was called for, in order
  std::unique_ptr<ChatService> service;
};

}  // namespace mqchat::chat::test
