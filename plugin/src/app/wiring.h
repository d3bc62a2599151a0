// Wiring: builds the plugin's modules from Config, each with what it needs, for Plugin::Start
// (the composition root), which calls these in dependency order and owns the results:
// BuildAuth, then PresenceService::Create, BuildPush (needs presence), BuildChat (needs push,
// presence and sessions). Broker thread, at plugin init: loading synchronously blocks no
// client, the broker's loop has not started.
#pragma once

#include <functional>
#include <memory>

#include "auth/authenticator.h"
#include "auth/directory_refresher.h"
#include "auth/user_directory.h"
#include "broker/broker_api.h"
#include "chat/chat_service.h"
#include "config/config.h"
#include "mqchat/status.h"
#include "presence/online_directory.h"
#include "presence/presence_service.h"
#include "push/push_worker.h"
#include "retention/retention_sweeper.h"
#include "session/session_registry.h"
#include "util/broker_task_queue.h"
#include "util/clock.h"

namespace mqchat::app {

// The login side: the users loaded from the store, the Authenticator over them and the thread
// that keeps them current. Members are destroyed in reverse order, refresher first.
struct AuthModule {
  std::unique_ptr<auth::UserDirectory> directory;
  std::unique_ptr<auth::Authenticator> authenticator;
  std::unique_ptr<auth::DirectoryRefresher> refresher;  // kicks revoked users via `tasks`
};

// Called on the broker thread with each broker notice the refresher read (in id order).
using NoticeHandler = std::function<void(const store::BrokerNotice& notice)>;

// Opens the account store, loads every user and starts the refresher, which also reads the
// broker notices committed from now on and hands each to `on_notice` (empty: none are read).
// `config`, `broker`, `tasks` and `clock` must outlive the result.
Result<AuthModule> BuildAuth(const Config& config, BrokerApi& broker, BrokerTaskQueue& tasks,
                             const Clock& clock, NoticeHandler on_notice = {});

struct PushModule {
  chat::ChatPush chat;                       // for ChatService::SetPush
  std::unique_ptr<push::PushWorker> worker;  // null when push is off
};

// Opens the push store connections and, with a gateway configured, starts the worker, which
// logs through `tasks`. `online`, `clock`, `tasks` and `broker` must outlive the result. The
// ChatPush's jobs_recorded points at the worker, so stop ChatService before the worker.
Result<PushModule> BuildPush(const Config& config, const presence::OnlineDirectory& online,
                             const Clock& clock, BrokerTaskQueue& tasks, BrokerApi& broker);

// Opens the writer's and the readers' store connections and builds the started ChatService:
// its ids seeded past the store's largest, push from BuildPush, inbox deliveries routed to
// other brokers by `presence`, fan-out reading `sessions`' devices, membership changes growing
// `sessions`' contacts. Everything passed must outlive the service.
Result<std::unique_ptr<chat::ChatService>> BuildChat(const Config& config, BrokerApi& broker,
                                                     BrokerTaskQueue& tasks, const Clock& clock,
                                                     chat::ChatPush push,
                                                     presence::PresenceService& presence,
                                                     session::SessionRegistry& sessions,
                                                     chat::BlockChangedHook block_changed);

// Opens the sweeper's own store connection and starts the retention sweeper (issue 24), which
// logs through `tasks`. `config`, `clock`, `tasks` and `broker` must outlive it.
Result<std::unique_ptr<retention::RetentionSweeper>> StartRetentionSweeper(
    const Config& config, const Clock& clock, BrokerTaskQueue& tasks, BrokerApi& broker);

}  // namespace mqchat::app
