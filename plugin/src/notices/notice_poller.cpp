#include "notices/notice_poller.h"

#include <utility>

namespace mqchat::notices {

Result<std::vector<store::BrokerNotice>> NoticePoller::Poll(store::AccountStore& store) {
  std::vector<store::BrokerNotice> out;
  int64_t after = last_id_;
  while (true) {
    MQCHAT_ASSIGN_OR_RETURN(auto page, store.NoticesSince(after, store::kNoticePage));
    if (!page.empty()) after = page.back().id;
    const bool more = page.size() == static_cast<size_t>(store::kNoticePage);
    for (auto& n : page) out.push_back(std::move(n));
    if (!more) break;
  }
  last_id_ = after;
  const int64_t now = clock_.MonotonicMs();
  if (now >= next_prune_ms_) {
    next_prune_ms_ = now + kPruneEveryMs;
    // A failed prune is tried again next time; the notices read above are not lost with it.
    (void)store.PruneNotices(clock_.NowMs() - store::kNoticeKeepMs);
  }
  return out;
}

}  // namespace mqchat::notices
