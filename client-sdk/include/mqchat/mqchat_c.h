/* mqchat_c.h: a stable C API over the mqchat client SDK (mqchat::Client), for bindings from any
 * language (JNI for Android, Swift through a module map, FFI). C99; no C++ type crosses it.
 *
 * Handles are opaque and freed explicitly (mqchat_options_free, mqchat_client_free). Strings
 * going in are UTF-8, NUL-terminated, and copied before the call returns. Structs and strings
 * handed to a callback are valid only while it runs: copy what you keep.
 *
 * Callbacks take the `user` pointer given with them. They run on the SDK's callback thread, one
 * at a time, in the order the events happened (client-sdk/README.md, "Threading"); they may
 * call any function here except mqchat_client_free and mqchat_client_disconnect. Once
 * mqchat_client_free has begun, no callback is called any more (a callback already running is
 * waited for), and requests still pending are dropped without their callback: after it
 * returns, `user` pointers may be freed. Calls on the handle made meanwhile (by a callback
 * still running, or another thread) do nothing: a request is dropped the same way, a query
 * answers MQCHAT_UNAVAILABLE (mqchat_client_state: MQCHAT_DISCONNECTED; the user and device:
 * ""). A call already under way when the free begins is waited for.
 *
 * Errors: functions that can fail return an mqchat_code (MQCHAT_OK on success), and request
 * callbacks get the code and a message (the protocol error code first, as in
 * "NOT_MEMBER: ..."); the codes mean what mqchat::Code means (README "Errors").
 *
 * Coverage: what an app of messages needs, search and profile events (these in
 * mqchat_c_search.h, which this header includes; client-sdk/README.md, "The C API"); not yet calls, communities, abuse reports, cancelling requests, nor ApiClient
 * (HTTP).
 *
 * Stability: new functions and enum values may be added; existing ones keep their signature
 * and meaning. Structs are only ever read from the SDK (never allocated by the app), so fields
 * may be added at their ends. */
#ifndef MQCHAT_C_H_
#define MQCHAT_C_H_

#include <stddef.h>
#include <stdint.h>

#include "mqchat/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- Codes and states (the numbers are part of the ABI) --- */
typedef enum mqchat_code {
  MQCHAT_OK = 0,
  MQCHAT_INVALID_ARGUMENT = 1,
  MQCHAT_NOT_FOUND = 2,
  MQCHAT_ALREADY_EXISTS = 3,
  MQCHAT_PERMISSION_DENIED = 4,
  MQCHAT_UNAUTHENTICATED = 5,
  MQCHAT_UNAVAILABLE = 6,
  MQCHAT_RESOURCE_EXHAUSTED = 7,
  MQCHAT_FAILED_PRECONDITION = 8,
  MQCHAT_INTERNAL = 9,
  MQCHAT_CANCELLED = 10
} mqchat_code;

typedef enum mqchat_connection_state {
  MQCHAT_DISCONNECTED = 0,
  MQCHAT_CONNECTING = 1,
  MQCHAT_SYNCING = 2,
  MQCHAT_ONLINE = 3
} mqchat_connection_state;

typedef enum mqchat_push_platform {
  MQCHAT_PUSH_FCM = 0,
  MQCHAT_PUSH_APNS = 1,
  MQCHAT_PUSH_WEBPUSH = 2,
  MQCHAT_PUSH_WEBHOOK = 3
} mqchat_push_platform;

/* --- Plain structs, valid during the callback that hands them over --- */
typedef struct mqchat_message {
  int64_t conversation_id;
  int64_t seq;
  int64_t message_id;
  const char* sender;
  const char* text; /* "" once deleted */
  int64_t sent_at_ms;
  int64_t reply_to;     /* 0: not a reply */
  int64_t edited_at_ms; /* 0: never edited */
  int deleted;          /* 1: a tombstone */
} mqchat_message;

typedef struct mqchat_ack {
  int64_t conversation_id;
  int64_t seq;
  int64_t message_id;
  int64_t server_time_ms;
  int duplicate; /* 1: a retry found it stored already */
} mqchat_ack;

typedef enum mqchat_conversation_kind {
  MQCHAT_DIRECT = 0,
  MQCHAT_GROUP = 1,
  MQCHAT_CHANNEL = 2
} mqchat_conversation_kind;

typedef enum mqchat_member_role {
  MQCHAT_OWNER = 0,
  MQCHAT_ADMIN = 1,
  MQCHAT_MEMBER = 2
} mqchat_member_role;

typedef enum mqchat_update_kind {
  MQCHAT_EDITED = 0,
  MQCHAT_DELETED = 1,
  MQCHAT_REACTED = 2,
  MQCHAT_UNREACTED = 3
} mqchat_update_kind;

typedef enum mqchat_dm_policy {
  MQCHAT_DM_EVERYONE = 0,
  MQCHAT_DM_SHARED_GROUP = 1,
  MQCHAT_DM_EXISTING_ONLY = 2
} mqchat_dm_policy;

typedef struct mqchat_member {
  const char* user;
  mqchat_member_role role;
  int64_t read_seq;
} mqchat_member;

typedef struct mqchat_conversation_summary {
  int64_t id;
  mqchat_conversation_kind kind;
  const char* name; /* "" for direct conversations */
  int64_t last_seq;
  int64_t read_seq;
  int64_t unread;
  int64_t muted_until_ms; /* 0 none, -1 for good, else Unix ms */
  int64_t slow_mode_s;
  const char* const* members;
  size_t member_count;
  const mqchat_message* last_message; /* NULL if none */
} mqchat_conversation_summary;

typedef struct mqchat_message_update {
  mqchat_update_kind kind;
  mqchat_message message; /* as it is now */
  int64_t event_seq;
  const char* actor;
  const char* emoji; /* reactions; "" otherwise */
} mqchat_message_update;

/* A conversation event: event is the wire name ("created", "members_added", "member_removed",
 * "renamed", "slow_mode", ...); users: whom it was about. */
typedef struct mqchat_conversation_event {
  const char* event;
  int64_t conversation_id;
  mqchat_conversation_kind kind;
  const char* name;
  const char* actor;
  const char* const* users;
  size_t user_count;
  int removed_me; /* 1: this user is no longer a member */
} mqchat_conversation_event;

/* --- Options --- */
typedef struct mqchat_options mqchat_options;

MQCHAT_SDK_API mqchat_options* mqchat_options_new(void);
MQCHAT_SDK_API void mqchat_options_free(mqchat_options* options); /* NULL: nothing */
/* "tcp://host:port", "ssl://", "ws://", "wss://"; called again: one more broker, in order. */
MQCHAT_SDK_API void mqchat_options_add_server(mqchat_options* options, const char* uri);
/* A password or a login JWT. */
MQCHAT_SDK_API void mqchat_options_set_credentials(mqchat_options* options, const char* username,
                                                   const char* password);
MQCHAT_SDK_API void mqchat_options_set_device(mqchat_options* options, const char* device_id);
/* The SQLite cache file; NULL or "": in memory. */
MQCHAT_SDK_API void mqchat_options_set_cache_path(mqchat_options* options, const char* path);
MQCHAT_SDK_API void mqchat_options_set_reconnect(mqchat_options* options, int64_t min_ms,
                                                 int64_t max_ms);
MQCHAT_SDK_API void mqchat_options_set_connect_timeout(mqchat_options* options, int64_t ms);
MQCHAT_SDK_API void mqchat_options_set_background_grace(mqchat_options* options, int64_t ms);

/* Seconds between MQTT pings (the SDK's default suits phones: README "On a phone"). */
MQCHAT_SDK_API void mqchat_options_set_keepalive(mqchat_options* options, int64_t seconds);
MQCHAT_SDK_API void mqchat_options_set_request_timeout(mqchat_options* options, int64_t ms);
/* 0: no reconnecting after a lost connection (the default is 1). */
MQCHAT_SDK_API void mqchat_options_set_auto_reconnect(mqchat_options* options, int on);
/* A CA bundle (PEM) for ssl:// and wss:// servers; NULL or "": the system's. */
MQCHAT_SDK_API void mqchat_options_set_ca_file(mqchat_options* options, const char* path);

/* --- The client --- */
typedef struct mqchat_client mqchat_client;

/* Validates the options, opens the cache and starts the SDK threads (no connection yet). On
 * failure *out is NULL and, if `error` is not NULL, *error is a message to release with
 * mqchat_string_free. */
MQCHAT_SDK_API mqchat_code mqchat_client_create(const mqchat_options* options, mqchat_client** out,
                                                char** error);
/* Disconnects, stops every callback (see above), joins the SDK threads and frees the handle.
 * Unsent messages stay in the cache's outbox. NULL: nothing. Not from a callback. */
MQCHAT_SDK_API void mqchat_client_free(mqchat_client* client);
MQCHAT_SDK_API void mqchat_string_free(char* s);

/* Blocks up to the connect timeout: MQCHAT_OK once connected, MQCHAT_UNAUTHENTICATED, or
 * MQCHAT_UNAVAILABLE (it keeps trying in the background). */
MQCHAT_SDK_API mqchat_code mqchat_client_connect(mqchat_client* client);
MQCHAT_SDK_API void mqchat_client_disconnect(mqchat_client* client);
MQCHAT_SDK_API mqchat_connection_state mqchat_client_state(const mqchat_client* client);

/* --- Events: one handler each (NULL removes it); set them before connecting --- */
typedef void (*mqchat_message_fn)(void* user, const mqchat_message* message);
typedef void (*mqchat_connection_fn)(void* user, mqchat_connection_state state, mqchat_code reason,
                                     const char* reason_message);
MQCHAT_SDK_API void mqchat_client_on_message(mqchat_client* client, mqchat_message_fn fn,
                                             void* user);
MQCHAT_SDK_API void mqchat_client_on_connection(mqchat_client* client, mqchat_connection_fn fn,
                                                void* user);

/* --- Requests: each calls `done` once (unless the client is freed first) --- */
typedef void (*mqchat_status_fn)(void* user, mqchat_code code, const char* message);
typedef void (*mqchat_ack_fn)(void* user, mqchat_code code, const char* message,
                              const mqchat_ack* ack /* NULL unless MQCHAT_OK */);
typedef void (*mqchat_conversation_fn)(void* user, mqchat_code code, const char* message,
                                       int64_t conversation_id);
typedef void (*mqchat_push_fetch_fn)(void* user, mqchat_code code, const char* message,
                                     const mqchat_message* messages, size_t count, int complete);

/* Through the durable outbox, like mqchat::Client::Send. */
MQCHAT_SDK_API void mqchat_client_send(mqchat_client* client, int64_t conversation_id,
                                       const char* text, mqchat_ack_fn done, void* user);
MQCHAT_SDK_API void mqchat_client_open_direct(mqchat_client* client, const char* username,
                                              mqchat_conversation_fn done, void* user);
MQCHAT_SDK_API void mqchat_client_mark_read(mqchat_client* client, int64_t conversation_id,
                                            int64_t seq, mqchat_status_fn done, void* user);
/* until_ms: Unix ms, -1 for good, 0 unmutes. */
MQCHAT_SDK_API void mqchat_client_mute(mqchat_client* client, int64_t conversation_id,
                                       int64_t until_ms, mqchat_status_fn done, void* user);
MQCHAT_SDK_API void mqchat_client_push_register(mqchat_client* client,
                                                mqchat_push_platform platform, const char* token,
                                                mqchat_status_fn done, void* user);
MQCHAT_SDK_API void mqchat_client_push_unregister(mqchat_client* client, mqchat_status_fn done,
                                                  void* user);

/* Replaces the password or token for the following connection attempts. */
MQCHAT_SDK_API void mqchat_client_set_password(mqchat_client* client, const char* password);
/* The user and device, valid while the client lives. */
MQCHAT_SDK_API const char* mqchat_client_user(const mqchat_client* client);
MQCHAT_SDK_API const char* mqchat_client_device_id(const mqchat_client* client);

/* --- More events (as the handlers above) --- */
typedef void (*mqchat_update_fn)(void* user, const mqchat_message_update* update);
typedef void (*mqchat_read_fn)(void* user, int64_t conversation_id, const char* reader,
                               int64_t read_seq);
typedef void (*mqchat_typing_fn)(void* user, int64_t conversation_id, const char* typist,
                                 int typing);
typedef void (*mqchat_presence_fn)(void* user, const char* who, int online, int64_t last_seen_ms,
                                   int devices);
typedef void (*mqchat_conversation_event_fn)(void* user, const mqchat_conversation_event* event);
MQCHAT_SDK_API void mqchat_client_on_message_updated(mqchat_client* client, mqchat_update_fn fn,
                                                     void* user);
MQCHAT_SDK_API void mqchat_client_on_read(mqchat_client* client, mqchat_read_fn fn, void* user);
MQCHAT_SDK_API void mqchat_client_on_typing(mqchat_client* client, mqchat_typing_fn fn, void* user);
MQCHAT_SDK_API void mqchat_client_on_presence(mqchat_client* client, mqchat_presence_fn fn,
                                              void* user);
MQCHAT_SDK_API void mqchat_client_on_conversation_event(mqchat_client* client,
                                                        mqchat_conversation_event_fn fn,
                                                        void* user);

/* --- Changing messages: through the outbox like sends; `done` gets the event's ack --- */
MQCHAT_SDK_API void mqchat_client_reply(mqchat_client* client, int64_t conversation_id,
                                        int64_t reply_to, const char* text, mqchat_ack_fn done,
                                        void* user);
MQCHAT_SDK_API void mqchat_client_edit(mqchat_client* client, int64_t conversation_id, int64_t seq,
                                       const char* text, mqchat_ack_fn done, void* user);
MQCHAT_SDK_API void mqchat_client_delete(mqchat_client* client, int64_t conversation_id,
                                         int64_t seq, mqchat_ack_fn done, void* user);
/* remove: 1 takes the reaction back. */
MQCHAT_SDK_API void mqchat_client_react(mqchat_client* client, int64_t conversation_id, int64_t seq,
                                        const char* emoji, int remove, mqchat_ack_fn done,
                                        void* user);
/* Messages and events in the outbox not acknowledged yet. */
MQCHAT_SDK_API mqchat_code mqchat_client_pending_sends(const mqchat_client* client, size_t* out);

/* --- Conversations (need a connection, else MQCHAT_UNAVAILABLE) --- */
typedef void (*mqchat_strings_fn)(void* user, mqchat_code code, const char* message,
                                  const char* const* strings, size_t count);
typedef void (*mqchat_members_fn)(void* user, mqchat_code code, const char* message,
                                  const mqchat_member* members, size_t count);
typedef void (*mqchat_summaries_fn)(void* user, mqchat_code code, const char* message,
                                    const mqchat_conversation_summary* conversations, size_t count);
typedef void (*mqchat_messages_fn)(void* user, mqchat_code code, const char* message,
                                   const mqchat_message* messages, size_t count, int has_more);
MQCHAT_SDK_API void mqchat_client_create_group(mqchat_client* client, const char* name,
                                               const char* const* members, size_t count,
                                               mqchat_conversation_fn done, void* user);
/* `done` gets the users actually added. */
MQCHAT_SDK_API void mqchat_client_add_members(mqchat_client* client, int64_t conversation_id,
                                              const char* const* users, size_t count,
                                              mqchat_strings_fn done, void* user);
MQCHAT_SDK_API void mqchat_client_remove_member(mqchat_client* client, int64_t conversation_id,
                                                const char* member, mqchat_status_fn done,
                                                void* user);
MQCHAT_SDK_API void mqchat_client_leave(mqchat_client* client, int64_t conversation_id,
                                        mqchat_status_fn done, void* user);
MQCHAT_SDK_API void mqchat_client_rename(mqchat_client* client, int64_t conversation_id,
                                         const char* name, mqchat_status_fn done, void* user);
MQCHAT_SDK_API void mqchat_client_members(mqchat_client* client, int64_t conversation_id,
                                          mqchat_members_fn done, void* user);
/* Most recently active first; refreshes the cache. */
MQCHAT_SDK_API void mqchat_client_conversations(mqchat_client* client, mqchat_summaries_fn done,
                                                void* user);
/* One page: before_seq > 0 pages back from it (INT64_MAX: the latest), else after_seq
 * forwards; has_more: more in that direction. */
MQCHAT_SDK_API void mqchat_client_history(mqchat_client* client, int64_t conversation_id,
                                          int64_t before_seq, int64_t after_seq, int limit,
                                          mqchat_messages_fn done, void* user);
MQCHAT_SDK_API void mqchat_client_set_typing(mqchat_client* client, int64_t conversation_id,
                                             int typing, mqchat_status_fn done, void* user);
MQCHAT_SDK_API void mqchat_client_watch_presence(mqchat_client* client, const char* who,
                                                 mqchat_status_fn done, void* user);
MQCHAT_SDK_API void mqchat_client_set_slow_mode(mqchat_client* client, int64_t conversation_id,
                                                int64_t seconds, mqchat_status_fn done, void* user);
/* days < 0: the server's default again; 0 keeps forever. */
MQCHAT_SDK_API void mqchat_client_set_retention(mqchat_client* client, int64_t conversation_id,
                                                int64_t days, mqchat_status_fn done, void* user);
MQCHAT_SDK_API void mqchat_client_unmute(mqchat_client* client, int64_t conversation_id,
                                         mqchat_status_fn done, void* user);
/* preview, mention_push: 1 on, 0 off, -1 unchanged (at least one set). */
MQCHAT_SDK_API void mqchat_client_set_push_settings(mqchat_client* client, int preview,
                                                    int mention_push, mqchat_status_fn done,
                                                    void* user);
MQCHAT_SDK_API void mqchat_client_block(mqchat_client* client, const char* who,
                                        mqchat_status_fn done, void* user);
MQCHAT_SDK_API void mqchat_client_unblock(mqchat_client* client, const char* who,
                                          mqchat_status_fn done, void* user);
MQCHAT_SDK_API void mqchat_client_set_dm_policy(mqchat_client* client, mqchat_dm_policy policy,
                                                mqchat_status_fn done, void* user);

/* --- The offline cache (no network): `fn` runs before these return, on the calling thread */
MQCHAT_SDK_API mqchat_code mqchat_client_cached_conversations(const mqchat_client* client,
                                                              mqchat_summaries_fn fn, void* user);
/* Messages with seq > after_seq, ascending, at most `limit`. */
MQCHAT_SDK_API mqchat_code mqchat_client_cached_messages(const mqchat_client* client,
                                                         int64_t conversation_id, int64_t after_seq,
                                                         int limit, mqchat_messages_fn fn,
                                                         void* user);
/* The unread total over conversations not muted now (the app's badge). */
MQCHAT_SDK_API mqchat_code mqchat_client_total_unread(const mqchat_client* client, int64_t* out);

/* --- The app's life on a phone (README "On a phone"); none blocks --- */
MQCHAT_SDK_API void mqchat_client_enter_background(mqchat_client* client);
MQCHAT_SDK_API void mqchat_client_enter_foreground(mqchat_client* client);
MQCHAT_SDK_API void mqchat_client_network_changed(mqchat_client* client);
/* A notification's fields as `count` key/value pairs (e.g. FCM data); `done` gets the
 * announced messages now in the cache, within deadline_ms. */
MQCHAT_SDK_API void mqchat_client_handle_push_payload(mqchat_client* client,
                                                      const char* const* keys,
                                                      const char* const* values, size_t count,
                                                      int64_t deadline_ms,
                                                      mqchat_push_fetch_fn done, void* user);

#ifdef __cplusplus
}
#endif

/* Search and profiles: declared in mqchat_c_search.h, part of this API. */
#include "mqchat/mqchat_c_search.h"

#endif /* MQCHAT_C_H_ */
