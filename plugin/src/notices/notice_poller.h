// NoticePoller: a broker's reading of the broker notices (store/broker_notices.h; docs/
// ARCHITECTURE.md "Broker notices"). The directory refresher calls it on its own thread and
// connection after each poll of the users, so the notices ride the refresher's interval
// (plugin_opt_user_refresh_ms) and never the broker thread. It remembers the last id it
// returned: every notice committed after the broker started is returned once, in id order,
// which PostgreSQL writers keep equal to commit order (pg/pg_notices.h). It also prunes notices
// older than kNoticeKeepMs now and then (every broker does; a prune is idempotent). One thread.
#pragma once

#include <cstdint>
#include <vector>

#include "mqchat/status.h"
#include "store/account_store.h"
#include "store/broker_notices.h"
#include "util/clock.h"

namespace mqchat::notices {

class NoticePoller {
 public:
  // Starts after notice `after_id` (the store's last id when the broker started: earlier
  // notices describe changes the broker loads anyway). `clock` outlives this.
  NoticePoller(int64_t after_id, const Clock& clock) : last_id_(after_id), clock_(clock) {}

  // The notices committed since the last call, in id order, but of several profile notices of
  // one user only the last (all carry the profile as read now). On an error nothing is skipped:
  // the next call starts from the same id.
  Result<std::vector<store::BrokerNotice>> Poll(store::AccountStore& store);

  int64_t last_id() const { return last_id_; }

  static constexpr int64_t kPruneEveryMs = 600'000;

 private:
  int64_t last_id_;
  const Clock& clock_;
  int64_t next_prune_ms_ = 0;  // monotonic
};

}  // namespace mqchat::notices
