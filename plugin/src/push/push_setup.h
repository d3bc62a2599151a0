// SetUpPush: builds the push side of the plugin from Config (the composition root's helper):
// the writer's push store and wiring for ChatService and, when a gateway is configured, the
// started PushWorker. Broker thread, at plugin start.
#pragma once

#include <memory>

#include "broker/broker_api.h"
#include "chat/chat_service.h"
#include "config/config.h"
#include "mqchat/status.h"
#include "presence/online_directory.h"
#include "push/push_worker.h"
#include "util/broker_task_queue.h"
#include "util/clock.h"

namespace mqchat::push {

struct PushSetup {
  chat::ChatPush chat;                 // for ChatService::SetPush
  std::unique_ptr<PushWorker> worker;  // null when push is off
};

// Opens the store connections and starts the worker. `online`, `clock`, `tasks` and `broker`
// must outlive the result; the worker logs through `tasks` onto the broker thread. The
// ChatPush's jobs_recorded points at the worker, so stop ChatService before the worker.
Result<PushSetup> SetUpPush(const Config& config, const presence::OnlineDirectory& online,
                            const Clock& clock, BrokerTaskQueue& tasks, BrokerApi& broker);

}  // namespace mqchat::push
