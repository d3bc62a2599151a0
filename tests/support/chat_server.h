// ChatServer: one mqchat deployment for an integration test: a store (an SQLite file in a temp
// dir, or a fresh database on the shared PostgreSQL cluster) and a mosquitto running the built
// plugin on it. Test thread only.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mqchat/status.h"
#include "store/account_store.h"
#include "store/store_config.h"
#include "support/broker_process.h"
#include "support/temp_dir.h"

namespace mqchat::test {

enum class StoreKind { kSqlite, kPostgres };

std::string StoreKindName(StoreKind kind);

struct ChatServerOptions {
  StoreKind store = StoreKind::kSqlite;
  // Extra plugin_opt_ lines (after store selection), e.g. {"jwt_hs256_secret", "..."}.
  std::vector<std::pair<std::string, std::string>> plugin_opts;
  bool websockets = false;
  bool persistence = false;
  std::optional<PemCertificate> tls;  // BrokerOptions::tls: TLS listeners beside the plain ones
  // Runs on the new, empty store before Create opens (and so migrates) it: an upgrade test lays
  // down an older schema and its data here. A failure fails Create.
  std::function<Status(const store::StoreConfig&)> prepare_store;
  // BrokerOptions::fixture_defaults: false leaves password login and the send limits at the
  // plugin's defaults (as a shipped config does).
  bool fixture_defaults = true;
};

class ChatServer {
 public:
  // Prepares the store (migrated) and the broker config; starts nothing. On failure records a
  // gtest failure (or a skip when PostgreSQL is missing and not required) and returns null.
  static std::unique_ptr<ChatServer> Create(ChatServerOptions options);

  // Adds an active user with a PBKDF2 hash of `password` (hashes are memoised per password to
  // keep suites fast). Before Start(), or any time: running brokers pick it up by refresh.
  Status AddUser(const std::string& username, const std::string& password);
  store::AccountStore& accounts() { return *accounts_; }

  bool Start() { return broker_->Start(); }
  BrokerProcess& broker() { return *broker_; }
  int port() const { return broker_->port(); }
  // The store-selecting plugin options (for mqchatctl: --sqlite PATH or --pg CONNINFO).
  std::vector<std::string> CtlStoreArgs() const;
  // The broker's store, for opening it directly (store_factory.h).
  const store::StoreConfig& store_config() const { return store_config_; }
  const std::string& dir() const { return dir_->path(); }

 private:
  ChatServer() = default;
  std::unique_ptr<TempDir> dir_;
  std::vector<std::string> ctl_store_args_;
  store::StoreConfig store_config_;
  store::AccountStorePtr accounts_;
  std::unique_ptr<BrokerProcess> broker_;
};

}  // namespace mqchat::test
