#include "ids/operator_ids.h"

namespace mqchat {

Result<int64_t> OperatorIds::Next(store::ChatStore& store) {
  MutexLock lock(mu_);
  if (!seeded_) {
    auto max_id = store.MaxIssuedId();
    if (!max_id.ok()) return Status::Unavailable(max_id.status().message());
    ids_.ObserveIssued(*max_id);
    seeded_ = true;
  }
  return ids_.Next();
}

void OperatorIds::Collided() {
  MutexLock lock(mu_);
  seeded_ = false;
}

}  // namespace mqchat
