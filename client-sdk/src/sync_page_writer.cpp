#include "sync_page_writer.h"

#include <algorithm>
#include <utility>

#include "protocol/fields.h"
#include "protocol/json_util.h"

namespace mqchat::sdk {

struct SyncPageWriter::Page {
  nlohmann::json body;
  const nlohmann::json* entries = nullptr;  // body's "conversations" array, or null
  size_t next = 0;                          // the first entry not stored yet
  bool more = false;
  std::function<bool()> wanted;
  std::function<void(bool more)> done;
};

SyncPageWriter::SyncPageWriter(EventLoop& loop, Ingest& ingest, LocalCache& cache, EngineLog log)
    : loop_(loop), ingest_(ingest), cache_(cache), log_(std::move(log)) {}

void SyncPageWriter::Store(nlohmann::json body, std::function<bool()> wanted,
                           std::function<void(bool more)> done) {
  auto page = std::make_shared<Page>();
  page->body = std::move(body);
  const nlohmann::json* list = protocol::FindField(page->body, protocol::fields::kConversations);
  if (list != nullptr && list->is_array()) page->entries = list;
  page->wanted = std::move(wanted);
  page->done = std::move(done);
  loop_.Post([this, page] { Step(page); });
}

void SyncPageWriter::Step(const std::shared_ptr<Page>& page) {
  if (!page->wanted()) return;
  const size_t total = page->entries == nullptr ? 0 : page->entries->size();
  ingest_.RunBatch([&] {
    size_t messages = 0;
    while (page->next < total && messages < kStepMessages) {
      messages += StoreEntry((*page->entries)[page->next], &page->more);
      ++page->next;
    }
    // After the commit and the step's deliveries: the next step queues behind whatever
    // arrived meanwhile; after the last one the next request carries the advanced cursors.
    ingest_.AfterCommit([this, page, total] {
      if (page->next < total) {
        loop_.Post([this, page] { Step(page); });
      } else {
        page->done(page->more);
      }
    });
  });
}

bool SyncPageWriter::StoreAll(const nlohmann::json& body) {
  bool more = false;
  const nlohmann::json* list = protocol::FindField(body, protocol::fields::kConversations);
  if (list == nullptr || !list->is_array()) return more;
  for (const auto& entry : *list) StoreEntry(entry, &more);
  return more;
}

size_t SyncPageWriter::StoreEntry(const nlohmann::json& entry, bool* more) {
  auto decoded = protocol::DecodeSyncConversation(entry);
  if (!decoded.ok()) {
    log_("mqchat: bad sync entry: " + decoded.status().ToString());
    return 0;
  }
  const protocol::WireSyncConversation& sc = *decoded;
  *more = *more || sc.has_more;
  for (const auto& m : sc.messages) ingest_.StoreMessage(m, 0);
  // The server sent every message between the cursor and the last one it returned; those up
  // to expired_through_seq expired (retention) and are not coming.
  const int64_t last = sc.messages.empty() ? 0 : sc.messages.back().seq;
  ingest_.RaiseCursorFloor(sc.conversation_id,
                           std::max(last, std::min(sc.expired_through_seq, sc.last_seq)));
  (void)cache_.RaiseLastSeq(sc.conversation_id, sc.last_seq);
  return sc.messages.size();
}

}  // namespace mqchat::sdk
