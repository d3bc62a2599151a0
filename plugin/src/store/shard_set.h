// ShardSet<Store>: one store of type Store (a SearchStore, a RetentionStore, ...) on each database
// of a sharded store (StoreConfig::pg_shards; docs/ARCHITECTURE.md, "Sharding by conversation"):
// the global database's, opened at once, and each shard's, opened (and migrated) on first use.
// Routes a request about one conversation to the database the directory (migration 029) names
// for it, read on every request (no cache: these stores' requests are background work or rare,
// and a conversation a resharding moved must be found at once), and runs a per-user or sweeping
// request on every database. Owns one connection to the directory; confined to one thread, as
// the stores it holds.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mqchat/status.h"
#include "store/pg/pg_handles.h"
#include "store/pg/pg_shard_directory.h"
#include "store/store_config.h"

namespace mqchat::store {

template <typename Store>
class ShardSet {
 public:
  using Ptr = std::unique_ptr<Store>;
  // Opens a migrated Store on one database (store_factory.cpp's opener for that store).
  using Opener = std::function<Result<Ptr>(const StoreConfig&)>;

  // `config` has pg_shards. Fails as `open` does for the global database.
  static Result<ShardSet> Create(const StoreConfig& config, Opener open) {
    if (config.pg_shards.empty()) return Status::InvalidArgument("no pg_shards");
    StoreConfig global_config = config;
    global_config.pg_shards.clear();
    MQCHAT_ASSIGN_OR_RETURN(Ptr global, open(global_config));
    MQCHAT_ASSIGN_OR_RETURN(PgConnPtr conn, ConnectPg(config.pg_conninfo));
    MQCHAT_ASSIGN_OR_RETURN(PgShardDirectory directory, PgShardDirectory::Create(std::move(conn)));
    std::vector<Slot> shards(config.pg_shards.size());
    for (size_t i = 0; i < shards.size(); ++i) {
      shards[i].config.backend = Backend::kPostgres;
      shards[i].config.pg_conninfo = config.pg_shards[i].conninfo;
    }
    return ShardSet(std::move(global), std::move(directory), std::move(shards), std::move(open));
  }

  // The databases: -1 the global one, 0..shard_count()-1 the shards.
  size_t shard_count() const { return shards_.size(); }
  // The global database's store (always open) and the directory.
  Store& global() { return *global_; }
  PgShardDirectory& directory() { return directory_; }

  // The store of database `home`, opened on first use (a shard that cannot be reached:
  // kUnavailable, tried again on the next call).
  Result<Store*> Database(int home) {
    if (home < 0) return global_.get();
    if (static_cast<size_t>(home) >= shards_.size()) {
      return Status::FailedPrecondition("the shard directory names shard " + std::to_string(home) +
                                        " but pg_shards lists " + std::to_string(shards_.size()) +
                                        " (shards may only be appended to the list)");
    }
    Slot& slot = shards_[static_cast<size_t>(home)];
    if (slot.store == nullptr) {
      auto opened = open_(slot.config);
      if (!opened.ok()) return opened.status().WithContext("shard " + std::to_string(home));
      slot.store = std::move(opened).value();
    }
    return slot.store.get();
  }

  // The store of the database that holds conversation `id` now.
  Result<Store*> Of(int64_t id) {
    MQCHAT_ASSIGN_OR_RETURN(std::optional<int> shard, directory_.Find(id));
    return Database(shard.value_or(-1));
  }

  // Runs `call(home, store)` on every database, the global one first. A shard that cannot be
  // reached (kUnavailable) is left out, so a down shard hides only its own conversations; any
  // other failure, and the global database's, is returned.
  Status ForEach(const std::function<Status(int, Store&)>& call) {
    for (int home = -1; home < static_cast<int>(shards_.size()); ++home) {
      auto store = Database(home);
      Status s = store.ok() ? call(home, **store) : store.status();
      if (s.ok()) continue;
      if (home >= 0 && s.code() == Code::kUnavailable) continue;
      return s;
    }
    return Status::Ok();
  }

  // As ForEach, but a shard that cannot be reached fails the call (kUnavailable, naming the
  // shard) after the databases before it ran: for requests that must cover every database or
  // say they did not (erasure, export; each is idempotent, so it is run again).
  Status ForAll(const std::function<Status(int, Store&)>& call) {
    for (int home = -1; home < static_cast<int>(shards_.size()); ++home) {
      MQCHAT_ASSIGN_OR_RETURN(Store * store, Database(home));
      Status s = call(home, *store);
      if (!s.ok()) return home < 0 ? s : s.WithContext("shard " + std::to_string(home));
    }
    return Status::Ok();
  }

 private:
  struct Slot {
    StoreConfig config;
    Ptr store;  // null until first used, and after it failed to open
  };
  ShardSet(Ptr global, PgShardDirectory directory, std::vector<Slot> shards, Opener open)
      : global_(std::move(global)),
        directory_(std::move(directory)),
        shards_(std::move(shards)),
        open_(std::move(open)) {}

  Ptr global_;
  PgShardDirectory directory_;
  std::vector<Slot> shards_;
  Opener open_;
};

}  // namespace mqchat::store
