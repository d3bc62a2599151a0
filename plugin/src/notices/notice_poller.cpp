#include "notices/notice_poller.h"

#include <unordered_set>
#include <utility>

namespace mqchat::notices {
namespace {

// Keeps only the last profile notice of each user: each carries the profile as read now, so
// the earlier ones would only repeat it.
void KeepLastProfileNotices(std::vector<store::BrokerNotice>& notices) {
  std::unordered_set<std::string> seen;
  std::vector<bool> drop(notices.size(), false);
  for (size_t i = notices.size(); i-- > 0;) {
    if (notices[i].kind != store::NoticeKind::kProfile) continue;
    drop[i] = !seen.insert(notices[i].username).second;
  }
  size_t kept = 0;
  for (size_t i = 0; i < notices.size(); ++i) {
    if (drop[i]) continue;
    // Never a self-move: libstdc++ leaves a string moved onto itself empty, which emptied every
    // notice's username while nothing was dropped.
    if (kept != i) notices[kept] = std::move(notices[i]);
    ++kept;
  }
  notices.resize(kept);
}

}  // namespace

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
  KeepLastProfileNotices(out);
  const int64_t now = clock_.MonotonicMs();
  if (now >= next_prune_ms_) {
    next_prune_ms_ = now + kPruneEveryMs;
    // A failed prune is tried again next time; the notices read above are not lost with it.
    (void)store.PruneNotices(clock_.NowMs() - store::kNoticeKeepMs);
  }
  return out;
}

}  // namespace mqchat::notices
