/* mqchat_c_search.h: search and profiles in the C API (mqchat_c.h, which includes this: an app
 * includes mqchat_c.h alone). Everything mqchat_c.h says of handles, strings, callbacks,
 * errors and stability holds here. */
#ifndef MQCHAT_C_SEARCH_H_
#define MQCHAT_C_SEARCH_H_

#include <stddef.h>
#include <stdint.h>

#include "mqchat/export.h"
#include "mqchat/mqchat_c.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- Search (docs/PROTOCOL.md "search"; mqchat::Client::Search) --- */
typedef struct mqchat_search_highlight {
  int64_t begin; /* [begin, end): a match, in Unicode code points of the snippet */
  int64_t end;
  size_t begin_byte; /* the same range in UTF-8 bytes of the snippet (0, 0 if empty) */
  size_t end_byte;
} mqchat_search_highlight;

typedef struct mqchat_search_result {
  mqchat_message message; /* as it is now */
  mqchat_conversation_kind conversation_kind;
  const char* conversation_name; /* "" for direct conversations; a channel's name */
  int64_t server_id;             /* MQCHAT_CHANNEL: the channel's server; else 0 */
  const char* server_name;       /* "" unless a channel */
  const char* snippet;           /* one line of the text around the match */
  const mqchat_search_highlight* highlights;
  size_t highlight_count;
} mqchat_search_result;

/* A page of results, newest first. It may hold fewer than asked while has_more is 1; then
 * next_cursor (else "") asks for the next page. */
typedef void (*mqchat_search_fn)(void* user, mqchat_code code, const char* message,
                                 const mqchat_search_result* results, size_t count, int has_more,
                                 const char* next_cursor);
/* The user's messages matching every word of `query` (by stem; Korean, Japanese and Chinese by
 * pairs of characters), over all their conversations or only conversation_id (> 0), only
 * `sender`'s (NULL or "": anyone's), sent in [from_ms, to_ms) (0: no bound), `limit` a page
 * (1..50; 0: 20), from `cursor` (NULL or "": the first page). Messages are indexed a moment
 * after their ack. Refused: an empty, too long or word-less query, a bad cursor
 * (MQCHAT_FAILED_PRECONDITION), a conversation the user is not in, search turned off on the
 * server (MQCHAT_PERMISSION_DENIED). */
MQCHAT_SDK_API void mqchat_client_search(mqchat_client* client, const char* query,
                                         int64_t conversation_id, const char* sender,
                                         int64_t from_ms, int64_t to_ms, int limit,
                                         const char* cursor, mqchat_search_fn done, void* user);

/* --- Profiles (docs/PROTOCOL.md "profile"; fetched from the API service, not here) --- */
typedef struct mqchat_profile {
  const char* user;
  const char* display_name; /* "": none (show the username) */
  const char* status_text;  /* "": none */
  const char* avatar_type;  /* the image's media type; "" without an avatar */
  const char* avatar_url;   /* its path on the API service (changes with the image); "" none */
  int64_t updated_at_ms;
} mqchat_profile;

typedef void (*mqchat_profile_fn)(void* user, const mqchat_profile* profile);
/* A profile changed (of this user or of one sharing a conversation with them): once per change
 * this connection received, live only (as the event handlers of mqchat_c.h). */
MQCHAT_SDK_API void mqchat_client_on_profile(mqchat_client* client, mqchat_profile_fn fn,
                                             void* user);
/* The newest profile of `who` that a profile event brought since this client last connected:
 * `fn` runs with it before this returns (MQCHAT_OK), or MQCHAT_NOT_FOUND and `fn` is not
 * called (a lost connection empties this: refetch from the API service then). No network. */
MQCHAT_SDK_API mqchat_code mqchat_client_cached_profile(const mqchat_client* client,
                                                        const char* who, mqchat_profile_fn fn,
                                                        void* user);

#ifdef __cplusplus
}
#endif

#endif /* MQCHAT_C_SEARCH_H_ */
