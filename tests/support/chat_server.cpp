#include "support/chat_server.h"

#include <map>

#include <gtest/gtest.h>

#include "auth/password_hash.h"
#include "store/store_factory.h"
#include "support/postgres_instance.h"

namespace mqchat::test {

std::string StoreKindName(StoreKind kind) {
  return kind == StoreKind::kSqlite ? "Sqlite" : "Postgres";
}

std::unique_ptr<ChatServer> ChatServer::Create(ChatServerOptions options) {
  std::unique_ptr<ChatServer> server(new ChatServer());
  server->dir_ = std::make_unique<TempDir>("mqchat-server");
  store::StoreConfig store_config;
  BrokerOptions broker_options;
  if (options.store == StoreKind::kSqlite) {
    store_config.backend = store::Backend::kSqlite;
    store_config.sqlite_path = server->dir_->File("mqchat.db");
    broker_options.plugin_opts = {{"store", "sqlite"}, {"sqlite_path", store_config.sqlite_path}};
    server->ctl_store_args_ = {"--sqlite", store_config.sqlite_path};
  } else {
    auto pg = SharedPostgres();
    if (!pg.ok()) {
      if (ShouldSkipForMissingPostgres(pg.status())) {
        [&] { GTEST_SKIP() << "PostgreSQL missing: " << pg.status().ToString(); }();
      } else {
        ADD_FAILURE() << pg.status().ToString();
      }
      return nullptr;
    }
    auto dsn = (*pg)->FreshDatabase();
    if (!dsn.ok()) {
      ADD_FAILURE() << dsn.status().ToString();
      return nullptr;
    }
    store_config.backend = store::Backend::kPostgres;
    store_config.pg_conninfo = *dsn;
    broker_options.plugin_opts = {{"store", "postgres"}, {"pg_conninfo", *dsn}};
    server->ctl_store_args_ = {"--pg", *dsn};
  }
  // Tests add users while brokers run: pick changes up fast.
  broker_options.plugin_opts.emplace_back("user_refresh_ms", "100");
  for (auto& opt : options.plugin_opts) broker_options.plugin_opts.push_back(std::move(opt));
  broker_options.websockets = options.websockets;
  broker_options.tls = options.tls;
  broker_options.persistence = options.persistence;
  broker_options.fixture_defaults = options.fixture_defaults;

  if (options.prepare_store) {
    if (Status prepared = options.prepare_store(store_config); !prepared.ok()) {
      ADD_FAILURE() << "preparing the store: " << prepared.ToString();
      return nullptr;
    }
  }
  auto accounts = store::OpenAccountStore(store_config);
  if (!accounts.ok()) {
    ADD_FAILURE() << "opening the store: " << accounts.status().ToString();
    return nullptr;
  }
  server->accounts_ = std::move(*accounts);
  server->store_config_ = store_config;
  server->broker_ = std::make_unique<BrokerProcess>(std::move(broker_options));
  return server;
}

Status ChatServer::AddUser(const std::string& username, const std::string& password) {
  static std::map<std::string, std::string> memo;  // password -> hash; test process only
  auto it = memo.find(password);
  if (it == memo.end()) {
    auto hash = auth::HashPassword(password);
    if (!hash.ok()) return hash.status();
    it = memo.emplace(password, *hash).first;
  }
  auto rec = accounts_->AddUser(username, it->second);
  return rec.ok() ? Status::Ok() : rec.status();
}

std::vector<std::string> ChatServer::CtlStoreArgs() const { return ctl_store_args_; }

}  // namespace mqchat::test
