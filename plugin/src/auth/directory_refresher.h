// DirectoryRefresher: a background thread that polls the store for changed users and applies
// them to the UserDirectory, then reads the broker notices (notices/notice_poller.h) that other
// processes left since its last poll. It owns its own store connection. Store outages are
// reported once per outage and retried on the next poll; the directory keeps serving its last
// view meanwhile.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "auth/user_directory.h"
#include "notices/notice_poller.h"
#include "mqchat/status.h"
#include "store/account_store.h"
#include "threads/mutex.h"

namespace mqchat::auth {

// Pages every changed row after directory.max_rev() into the directory. Returns the usernames
// whose access was revoked (disabled or deleted) by the change. Caller's thread.
Result<std::vector<std::string>> RefreshOnce(store::AccountStore& store, UserDirectory& directory);

class DirectoryRefresher {
 public:
  struct Callbacks {
    // Called on the refresher thread; implementations post to the broker thread.
    std::function<void(std::vector<std::string> usernames)> on_revoked;
    std::function<void(const Status& status)> on_store_error;  // first error of an outage
    std::function<void()> on_store_recovered;
    // The broker notices read in one poll, in id order (none: not called).
    std::function<void(std::vector<store::BrokerNotice> notices)> on_notices;
  };

  // `notices` may be null: no notices are read.
  DirectoryRefresher(store::AccountStorePtr store, UserDirectory& directory, int interval_ms,
                     Callbacks callbacks, std::unique_ptr<notices::NoticePoller> notices = nullptr);
  ~DirectoryRefresher();  // stops and joins
  DirectoryRefresher(const DirectoryRefresher&) = delete;
  DirectoryRefresher& operator=(const DirectoryRefresher&) = delete;

  void Stop();

 private:
  void Run();
  // One poll: users, then notices. Refresher thread.
  Status PollOnce();

  store::AccountStorePtr store_;  // refresher thread only
  UserDirectory& directory_;
  const int interval_ms_;
  Callbacks callbacks_;
  std::unique_ptr<notices::NoticePoller> notices_;  // refresher thread only; may be null
  Mutex mu_;
  CondVar cv_;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace mqchat::auth
