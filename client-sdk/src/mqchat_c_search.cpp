// The C API (mqchat/mqchat_c.h) over Client::Search and the profile events: the same rules as
// mqchat_c.cpp (every callback through the handle's gate, every call holding it; what a
// callback is handed lives only while it runs).
#include <string>
#include <utility>
#include <vector>

#include "mqchat/client.h"
#include "mqchat/mqchat_c.h"
#include "mqchat/search.h"
#include "mqchat_c_internal.h"

namespace mqchat::capi {
namespace {

// Hands a page of results to `done` as C views into `page`.
void CallSearch(const SearchPage& page, mqchat_search_fn done, void* user) {
  std::vector<std::vector<mqchat_search_highlight>> marks;
  marks.reserve(page.results.size());  // no reallocation: the views point into the elements
  std::vector<mqchat_search_result> views;
  views.reserve(page.results.size());
  for (const SearchResult& r : page.results) {
    std::vector<mqchat_search_highlight>& h = marks.emplace_back();
    for (const SearchHighlight& mark : r.highlights) {
      mqchat_search_highlight c{};
      c.begin = mark.begin;
      c.end = mark.end;
      const auto bytes = HighlightByteRanges(r.snippet, {mark});  // none if empty
      if (!bytes.empty()) {
        c.begin_byte = bytes[0].first;
        c.end_byte = bytes[0].second;
      }
      h.push_back(c);
    }
    mqchat_search_result c{};
    c.message = View(r.message);
    c.conversation_kind = static_cast<mqchat_conversation_kind>(r.conversation_kind);
    c.conversation_name = r.conversation_name.c_str();
    c.server_id = r.server_id;
    c.server_name = r.server_name.c_str();
    c.snippet = r.snippet.c_str();
    c.highlights = h.data();
    c.highlight_count = h.size();
    views.push_back(c);
  }
  done(user, MQCHAT_OK, "", views.data(), views.size(), page.has_more ? 1 : 0,
       page.next_cursor.c_str());
}

void CallProfile(const Profile& p, mqchat_profile_fn fn, void* user) {
  mqchat_profile c{};
  c.user = p.user.c_str();
  c.display_name = p.display_name.c_str();
  c.status_text = p.status_text.c_str();
  c.avatar_type = p.avatar_type.c_str();
  c.avatar_url = p.avatar_url.c_str();
  c.updated_at_ms = p.updated_at_ms;
  fn(user, &c);
}

}  // namespace
}  // namespace mqchat::capi

using namespace mqchat::capi;  // NOLINT: the C functions below are outside any namespace

extern "C" {

void mqchat_client_search(mqchat_client* client, const char* query, int64_t conversation_id,
                          const char* sender, int64_t from_ms, int64_t to_ms, int limit,
                          const char* cursor, mqchat_search_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  mqchat::SearchOptions options;
  options.conversation_id = conversation_id;
  options.sender = Str(sender);
  options.from_ms = from_ms;
  options.to_ms = to_ms;
  if (limit != 0) options.limit = limit;
  options.cursor = Str(cursor);
  client->client->Search(Str(query), std::move(options),
                         [gate = client->gate, done, user](mqchat::Result<mqchat::SearchPage> r) {
                           if (!gate->open || done == nullptr) return;
                           if (!r.ok()) {
                             return done(user, CodeOf(r.status()), r.status().message().c_str(),
                                         nullptr, 0, 0, "");
                           }
                           CallSearch(*r, done, user);
                         });
}

void mqchat_client_on_profile(mqchat_client* client, mqchat_profile_fn fn, void* user) {
  const Use use(client);
  if (!use) return;
  if (fn == nullptr) return client->client->OnProfile(nullptr);
  client->client->OnProfile([gate = client->gate, fn, user](const mqchat::Profile& p) {
    if (gate->open) CallProfile(p, fn, user);
  });
}

mqchat_code mqchat_client_cached_profile(const mqchat_client* client, const char* who,
                                         mqchat_profile_fn fn, void* user) {
  const Use use(client);
  if (!use) return MQCHAT_UNAVAILABLE;
  const auto profile = client->client->CachedProfile(Str(who));
  if (!profile) return MQCHAT_NOT_FOUND;
  if (fn != nullptr) CallProfile(*profile, fn, user);
  return MQCHAT_OK;
}

}  // extern "C"
