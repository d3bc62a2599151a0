#include "push/push_setup.h"

#include <utility>

#include "store/store_factory.h"

namespace mqchat::push {

Result<PushSetup> SetUpPush(const Config& config, const presence::OnlineDirectory& online,
                            const Clock& clock, BrokerTaskQueue& tasks, BrokerApi& broker) {
  PushSetup setup;
  MQCHAT_ASSIGN_OR_RETURN(setup.chat.store, store::OpenPushStore(config.store));
  setup.chat.online = &online;
  if (!config.push.enabled()) return setup;

  PushOptions options;
  options.gateway_url = config.push.gateway_url;
  options.timeout_ms = config.push.timeout_ms;
  options.concurrency = config.push.concurrency;
  options.tls_verify = config.push.tls_verify;
  options.max_attempts = config.push.max_attempts;
  options.app_id = config.push.app_id;
  options.backoff.base_ms = config.push.backoff_base_ms;
  options.backoff.cap_ms = config.push.backoff_max_ms;
  MQCHAT_ASSIGN_OR_RETURN(auto worker_store, store::OpenPushStore(config.store));
  auto log = [&tasks, &broker](LogLevel level, std::string message) {
    tasks.Post([&broker, level, message = std::move(message)] { broker.Log(level, message); });
  };
  auto worker = PushWorker::Start(std::move(options), std::move(worker_store), online, clock, log);
  if (!worker.ok()) return worker.status().WithContext("push worker");
  setup.worker = std::move(worker).value();
  PushWorker* raw = setup.worker.get();
  setup.chat.record_jobs = true;
  setup.chat.jobs_recorded = [raw] { raw->Notify(); };
  broker.Log(LogLevel::kNotice, "mqchat: push notifications are on");
  return setup;
}

}  // namespace mqchat::push
