#include "store/push_store.h"

namespace mqchat::store {

std::string_view PushJobStateName(PushJobState state) {
  switch (state) {
    case PushJobState::kPending:
      return "pending";
    case PushJobState::kDelivered:
      return "delivered";
    case PushJobState::kDead:
      return "dead";
  }
  return "pending";
}

Result<PushJobState> PushJobStateFromName(std::string_view name) {
  for (PushJobState state :
       {PushJobState::kPending, PushJobState::kDelivered, PushJobState::kDead}) {
    if (PushJobStateName(state) == name) {
      return state;
    }
  }
  return Status::Internal("unknown push job state '" + std::string(name) + "'");
}

}  // namespace mqchat::store
