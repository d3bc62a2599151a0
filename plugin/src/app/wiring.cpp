#include "app/wiring.h"

#include <utility>
#include <vector>

#include "push/push_requests.h"
#include "store/community_store_factory.h"
#include "store/store_factory.h"

namespace mqchat::app {
namespace {

auth::DirectoryRefresher::Callbacks RefresherCallbacks(BrokerApi& broker, BrokerTaskQueue& tasks) {
  auth::DirectoryRefresher::Callbacks callbacks;
  callbacks.on_revoked = [&broker, &tasks](std::vector<std::string> usernames) {
    tasks.Post([&broker, usernames = std::move(usernames)] {
      for (const auto& name : usernames) {
        broker.Log(LogLevel::kNotice, "mqchat: access revoked or credentials changed for '" + name +
                                           "': ending its sessions");
        broker.KickUser(name);
      }
    });
  };
  callbacks.on_store_error = [&broker, &tasks](const Status& status) {
    tasks.Post([&broker, status] {
      broker.Log(LogLevel::kWarning,
                 "mqchat: user refresh failed, serving the last known users: " + status.ToString());
    });
  };
  callbacks.on_store_recovered = [&broker, &tasks] {
    tasks.Post([&broker] { broker.Log(LogLevel::kNotice, "mqchat: user refresh recovered"); });
  };
  return callbacks;
}

chat::SendLimitOptions SendLimitsFrom(const SendLimitConfig& c) {
  chat::SendLimitOptions o;
  o.sends = {static_cast<double>(c.send_rate_per_s), static_cast<double>(c.send_burst)};
  o.fanout = {static_cast<double>(c.fanout_per_s), static_cast<double>(c.fanout_burst)};
  o.service_sends = {static_cast<double>(c.service_send_rate_per_s),
                     static_cast<double>(c.service_send_burst)};
  o.service_fanout = {static_cast<double>(c.service_fanout_per_s),
                      static_cast<double>(c.service_fanout_burst)};
  o.service_users.insert(c.service_users.begin(), c.service_users.end());
  o.puback_refusal = c.send_puback_refusal != 0;
  return o;
}

}  // namespace

Result<AuthModule> BuildAuth(const Config& config, BrokerApi& broker, BrokerTaskQueue& tasks,
                             const Clock& clock, NoticeHandler on_notice) {
  AuthModule module;
  module.directory = std::make_unique<auth::UserDirectory>();
  MQCHAT_ASSIGN_OR_RETURN(auto store, store::OpenAccountStore(config.store));
  auto loaded = auth::RefreshOnce(*store, *module.directory);
  if (!loaded.ok()) return loaded.status().WithContext("loading users");
  broker.Log(LogLevel::kNotice, "mqchat: loaded " + std::to_string(module.directory->size()) +
                                    " users from the store");

  auth::JwtKeys keys{config.auth.jwt_hs256_secret, config.auth.jwt_rs256_public_key_pem};
  auth::JwtPolicy policy{config.auth.jwt_issuer, config.auth.jwt_audience,
                         config.auth.jwt_leeway_s};
  auto verifier = auth::JwtVerifier::Create(std::move(keys), std::move(policy));
  if (!verifier.ok()) return verifier.status().WithContext("JWT configuration");
  module.authenticator = std::make_unique<auth::Authenticator>(config.auth, *module.directory,
                                                               std::move(*verifier), clock);
  auto callbacks = RefresherCallbacks(broker, tasks);
  std::unique_ptr<notices::NoticePoller> poller;
  if (on_notice) {
    // From the notices committed before any client can connect: those before describe changes
    // every connecting client loads anyway.
    auto last = store->LastNoticeId();
    if (!last.ok()) return last.status().WithContext("reading broker notices");
    poller = std::make_unique<notices::NoticePoller>(*last, clock);
    // Devices signed out lately: their older tokens stay refused across a broker restart.
    auto signed_out = store->SignOutsSince(clock.NowMs() - store::kNoticeKeepMs);
    if (!signed_out.ok()) return signed_out.status().WithContext("reading device sign-outs");
    for (const auto& n : *signed_out) {
      module.directory->SignOutDevice(n.username, n.device_id, n.created_at_ms);
    }
    callbacks.on_notices = [&tasks, on_notice](std::vector<store::BrokerNotice> notices) {
      tasks.Post([on_notice, notices = std::move(notices)] {
        for (const auto& n : notices) on_notice(n);
      });
    };
  }
  module.refresher = std::make_unique<auth::DirectoryRefresher>(
      std::move(store), *module.directory, config.auth.user_refresh_ms, std::move(callbacks),
      std::move(poller));
  return module;
}

Result<PushModule> BuildPush(const Config& config, const presence::OnlineDirectory& online,
                             const Clock& clock, BrokerTaskQueue& tasks, BrokerApi& broker) {
  PushModule setup;
  MQCHAT_ASSIGN_OR_RETURN(setup.chat.store, store::OpenPushStore(config.store));
  setup.chat.online = &online;
  if (!config.push.enabled()) return setup;

  push::PushOptions options;
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
  auto worker =
      push::PushWorker::Start(std::move(options), std::move(worker_store), online, clock, log);
  if (!worker.ok()) return worker.status().WithContext("push worker");
  setup.worker = std::move(worker).value();
  push::PushWorker* raw = setup.worker.get();
  setup.chat.record_jobs = true;
  setup.chat.coalesce_ms = config.push.coalesce_ms;
  setup.chat.coalesce_max_ms = config.push.coalesce_max_ms;
  setup.chat.clock = &clock;
  setup.chat.jobs_recorded = [raw] { raw->Notify(); };
  broker.Log(LogLevel::kNotice, "mqchat: push notifications are on");
  return setup;
}

// ChatService and its setters, kept together here while ChatService still takes part of its
// wiring through setters.
Result<std::unique_ptr<chat::ChatService>> BuildChat(const Config& config, BrokerApi& broker,
                                                     BrokerTaskQueue& tasks, const Clock& clock,
                                                     chat::ChatPush push,
                                                     presence::PresenceService& presence,
                                                     session::SessionRegistry& sessions,
                                                     chat::BlockChangedHook block_changed) {
  MQCHAT_ASSIGN_OR_RETURN(auto writer_store, store::OpenChatStore(config.store));
  // One connection per reader worker, opened one after another on this thread. Each open checks
  // the schema version; the account store (BuildAuth) already migrated it (under the migrators'
  // lock).
  std::vector<store::ChatStorePtr> reader_stores;
  for (int i = 0; i < config.store_readers; ++i) {
    MQCHAT_ASSIGN_OR_RETURN(auto reader_store, store::OpenChatStore(config.store));
    reader_stores.push_back(std::move(reader_store));
  }
  // Read before the writer thread owns the store; fed to the generator before any request.
  auto max_issued = writer_store->MaxIssuedId();
  if (!max_issued.ok()) return max_issued.status().WithContext("reading the largest stored id");
  chat::ChatOptions options;
  options.node_id = config.node_id;
  options.max_group_members = config.max_group_members;
  options.max_message_chars = static_cast<size_t>(config.max_message_chars);
  options.edit_window_ms = int64_t{config.edit_window_s} * 1000;
  options.typing_per_minute = config.presence.typing_per_minute;
  options.send_limits = SendLimitsFrom(config.send_limits);
  options.calls.limits.ring_timeout_ms = int64_t{config.calls.ring_timeout_s} * 1000;
  options.calls.limits.max_participants = config.calls.max_participants;
  options.calls.signals_per_minute = config.calls.signals_per_minute;
  options.calls.ice = {config.calls.stun_urls, config.calls.turn_urls, config.calls.turn_secret,
                       config.calls.turn_ttl_s};
  chat::ChatDeps deps{broker, tasks, clock};
  deps.devices = &sessions.devices();
  deps.hidden = &sessions.hidden();
  // The moderation queue: its own connection, used on the writer thread.
  MQCHAT_ASSIGN_OR_RETURN(deps.reports, store::OpenReportStore(config.store));
  // Search (issue 17): the search worker's connection and the indexer's, each its own; none
  // with plugin_opt_search_index false (then `search` answers FORBIDDEN).
  if (config.search_index) {
    MQCHAT_ASSIGN_OR_RETURN(deps.search, store::OpenSearchStore(config.store));
    MQCHAT_ASSIGN_OR_RETURN(auto index_store, store::OpenSearchStore(config.store));
    deps.indexer = std::make_unique<search::Indexer>(
        std::move(index_store), search::IndexerOptions{},
        [&broker, &tasks](const std::string& line) {
          tasks.Post([&broker, line] { broker.Log(LogLevel::kWarning, line); });
        });
  }
  // Conversations' retention (set_retention): its own connection, used on the writer thread.
  MQCHAT_ASSIGN_OR_RETURN(deps.retention, store::OpenRetentionStore(config.store));
  // Communities (issue 18): their own connection, used on the writer thread.
  MQCHAT_ASSIGN_OR_RETURN(deps.communities,
                          store::OpenCommunityStore(config.store, {config.max_server_members}));
  deps.block_changed = std::move(block_changed);
  // Gives the writer the OnlineDirectory for push recipients.
  deps.push = std::make_unique<push::PushRequests>(std::move(push));
  // Contacts grow here at once, and on the other brokers through the bus.
  deps.members_changed = [&sessions, &presence](const std::vector<std::string>& members) {
    sessions.AddMembers(members);
    presence.ShareMembers(members);
  };
  if (presence.shared()) {
    deps.inbox_hook = [&presence](const std::string& user, const std::string& payload) {
      presence.RouteInbox(user, payload);
    };
  }
  auto chat = std::make_unique<chat::ChatService>(options, std::move(deps), std::move(writer_store),
                                                  std::move(reader_stores));
  // A clock that stepped back across a restart must not make ids come again.
  chat->ids().ObserveIssued(*max_issued);
  return chat;
}

Result<std::unique_ptr<retention::RetentionSweeper>> StartRetentionSweeper(
    const Config& config, const Clock& clock, BrokerTaskQueue& tasks, BrokerApi& broker) {
  MQCHAT_ASSIGN_OR_RETURN(auto store, store::OpenRetentionStore(config.store));
  retention::SweepOptions options;
  options.default_days = config.retention.days;
  options.day_ms = config.retention.day_ms;
  options.sweep_ms = config.retention.sweep_ms;
  options.batch = config.retention.batch;
  // SQLite's one write lock is held for a batch: size batches by time there (docs/OPERATIONS.md).
  if (config.store.backend == store::Backend::kSqlite) {
    options.batch_budget_us = config.retention.batch_us;
  }
  options.resend_window_ms = int64_t{config.retention.resend_window_s} * 1000;
  options.max_per_s = config.retention.max_per_s;
  auto log = [&tasks, &broker](LogLevel level, std::string message) {
    tasks.Post([&broker, level, message = std::move(message)] { broker.Log(level, message); });
  };
  return retention::RetentionSweeper::Start(options, std::move(store), clock, std::move(log));
}

}  // namespace mqchat::app
