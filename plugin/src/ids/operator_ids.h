// OperatorIds: the ids of what processes other than brokers store (mqchatctl's moderator
// deletes, the admin API's groups and its moderator deletes). They take node id
// SnowflakeGenerator::kMaxNodeId, which no broker takes (a broker's node_id is 0..1022), and
// start above the store's largest id (ChatStore::MaxIssuedId), so no broker's id comes again.
// Several such processes share that node id, so two of them may issue one id: a writer whose
// insert of a new conversation fails with kAlreadyExists calls Collided and takes the next
// (docs/ARCHITECTURE.md "Broker notices"). Thread-safe.
#pragma once

#include <cstdint>

#include "ids/snowflake.h"
#include "mqchat/status.h"
#include "store/chat_store.h"
#include "threads/mutex.h"
#include "util/clock.h"

namespace mqchat {

class OperatorIds {
 public:
  OperatorIds() : ids_(SnowflakeGenerator::kMaxNodeId, clock_) {}

  // The next id: above every id `store` held the first time it was asked (and after Collided),
  // and above every id this object returned. kUnavailable if the store cannot be read.
  Result<int64_t> Next(store::ChatStore& store);
  // An id Next returned was issued by another process too: the next Next reads the store's
  // largest id again.
  void Collided();

 private:
  const SystemClock clock_;
  Mutex mu_;
  SnowflakeGenerator ids_ GUARDED_BY(mu_);
  bool seeded_ GUARDED_BY(mu_) = false;
};

}  // namespace mqchat
