/* The rest of the C API (mqchat/mqchat_c.h) from C, against a running broker: a group created,
 * a reply, an edit and a reaction that the other member sees as updates, read and typing
 * events, the conversation list, history, members, renaming and removal events, settings, the
 * offline cache and bad arguments refused; both handles freed (under -DMQCHAT_SDK_ASAN=ON the
 * leak check at exit covers them). Run by tests/integration/sdk_c_api_test.cpp:
 *   mqchat_c_api_app_test <broker uri> <alice token> <bob token> <cache dir>
 * Exit 0 and "c api app: ok" on success; otherwise 1 and what failed. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#define C_API_TEST_NAME "c api app"
#include "c_api_test_client.h"
#include "mqchat/mqchat_c.h"

/* One request's outcome. */
typedef struct {
  int done;
  mqchat_code code;
  int64_t value; /* an id, a seq, a count */
  size_t count;
  char text[256];
  int flag;
} Reply;

/* Events bob saw. */
static struct {
  int edited, reacted, created, renamed, removed_me, typing, reads;
  char edited_text[64];
  char emoji[16];
} ev;

static void Done(Reply* r, mqchat_code code, const char* message) {
  r->code = code;
  if (code != MQCHAT_OK) fprintf(stderr, "request: %d %s\n", (int)code, message);
  r->done = 1;
  Wake();
}

static void OnStatus(void* user, mqchat_code code, const char* message) {
  pthread_mutex_lock(&mu);
  Done((Reply*)user, code, message);
}
static void OnId(void* user, mqchat_code code, const char* message, int64_t id) {
  pthread_mutex_lock(&mu);
  ((Reply*)user)->value = id;
  Done((Reply*)user, code, message);
}
static void OnAck(void* user, mqchat_code code, const char* message, const mqchat_ack* ack) {
  pthread_mutex_lock(&mu);
  ((Reply*)user)->value = ack != NULL ? ack->seq : -1;
  Done((Reply*)user, code, message);
}
static void OnStrings(void* user, mqchat_code code, const char* message, const char* const* s,
                      size_t n) {
  pthread_mutex_lock(&mu);
  ((Reply*)user)->count = n;
  if (n > 0) snprintf(((Reply*)user)->text, sizeof((Reply*)user)->text, "%s", s[0]);
  Done((Reply*)user, code, message);
}
static void OnMembers(void* user, mqchat_code code, const char* message, const mqchat_member* m,
                      size_t n) {
  size_t i;
  Reply* r = (Reply*)user;
  pthread_mutex_lock(&mu);
  r->count = n;
  for (i = 0; i < n; ++i) {
    if (strcmp(m[i].user, "alice") == 0 && m[i].role == MQCHAT_OWNER) r->flag = 1;
  }
  Done(r, code, message);
}
static void OnSummaries(void* user, mqchat_code code, const char* message,
                        const mqchat_conversation_summary* c, size_t n) {
  size_t i;
  Reply* r = (Reply*)user;
  pthread_mutex_lock(&mu);
  r->count = n;
  for (i = 0; i < n; ++i) {
    if (c[i].id == r->value && c[i].kind == MQCHAT_GROUP && c[i].member_count == 2 &&
        c[i].last_message != NULL) {
      snprintf(r->text, sizeof r->text, "%s|%s", c[i].name, c[i].last_message->text);
    }
  }
  Done(r, code, message);
}
static void OnMessages(void* user, mqchat_code code, const char* message, const mqchat_message* m,
                       size_t n, int has_more) {
  Reply* r = (Reply*)user;
  pthread_mutex_lock(&mu);
  r->count = n;
  r->flag = has_more;
  if (n > 0) snprintf(r->text, sizeof r->text, "%s", m[0].text);
  if (n > 1) r->value = m[1].reply_to;
  Done(r, code, message);
}

static void OnUpdate(void* user, const mqchat_message_update* u) {
  (void)user;
  pthread_mutex_lock(&mu);
  if (u->kind == MQCHAT_EDITED) {
    ++ev.edited;
    snprintf(ev.edited_text, sizeof ev.edited_text, "%s", u->message.text);
  }
  if (u->kind == MQCHAT_REACTED) {
    ++ev.reacted;
    snprintf(ev.emoji, sizeof ev.emoji, "%s", u->emoji);
  }
  Wake();
}
static void OnConversationEvent(void* user, const mqchat_conversation_event* e) {
  (void)user;
  pthread_mutex_lock(&mu);
  if (strcmp(e->event, "created") == 0) ++ev.created;
  if (strcmp(e->event, "renamed") == 0 && strcmp(e->name, "c team 2") == 0) ++ev.renamed;
  if (e->removed_me) ++ev.removed_me;
  Wake();
}
static void OnTyping(void* user, int64_t conversation, const char* who, int typing) {
  (void)user;
  (void)conversation;
  pthread_mutex_lock(&mu);
  if (typing && strcmp(who, "alice") == 0) ++ev.typing;
  Wake();
}
static void OnRead(void* user, int64_t conversation, const char* who, int64_t seq) {
  (void)user;
  (void)conversation;
  pthread_mutex_lock(&mu);
  if (strcmp(who, "bob") == 0 && seq >= 2) ++ev.reads;
  Wake();
}

/* Waits up to wait_s (60 s) until *flag, a count that callbacks raise under mu, is non-zero. */
static int Await(const int* flag) {
  int ok;
  pthread_mutex_lock(&mu);
  ok = WaitCount(flag, 1);
  pthread_mutex_unlock(&mu);
  return ok;
}

/* A request's outcome after waiting for it. */
static mqchat_code Code(Reply* r) { return Await(&r->done) ? r->code : MQCHAT_CANCELLED; }

static void MoreOptions(mqchat_options* options) {
  mqchat_options_set_keepalive(options, 60);
  mqchat_options_set_request_timeout(options, 20000);
  mqchat_options_set_auto_reconnect(options, 1);
  mqchat_options_set_ca_file(options, NULL);
}

int main(int argc, char** argv) {
  mqchat_client* alice;
  mqchat_client* bob;
  const char* bob_only[] = {"bob"};
  int64_t group, first, unread = -1;
  size_t pending = 99;
  Reply r;
  if (argc != 5) {
    fprintf(stderr, "usage: %s <broker uri> <alice token> <bob token> <cache dir>\n", argv[0]);
    return 2;
  }
  alice = MakeClient(argv[1], "alice", argv[2], "c-app", argv[4], MoreOptions);
  bob = MakeClient(argv[1], "bob", argv[3], "c-app", argv[4], MoreOptions);
  if (alice == NULL || bob == NULL) return 1;
  CHECK(strcmp(mqchat_client_user(alice), "alice") == 0, "user()");
  CHECK(strcmp(mqchat_client_device_id(bob), "c-app") == 0, "device_id()");
  mqchat_client_on_message_updated(bob, OnUpdate, NULL);
  mqchat_client_on_conversation_event(bob, OnConversationEvent, NULL);
  mqchat_client_on_typing(bob, OnTyping, NULL);
  mqchat_client_on_read(alice, OnRead, NULL);
  mqchat_client_on_presence(alice, NULL, NULL); /* NULL: no handler */
  CHECK(mqchat_client_connect(alice) == MQCHAT_OK, "alice connects");
  CHECK(mqchat_client_connect(bob) == MQCHAT_OK, "bob connects");

  memset(&r, 0, sizeof r);
  mqchat_client_create_group(alice, "c team", bob_only, 1, OnId, &r);
  CHECK(Code(&r) == MQCHAT_OK && r.value > 0, "create_group");
  group = r.value;
  CHECK(Await(&ev.created), "bob sees the group created");

  memset(&r, 0, sizeof r);
  mqchat_client_send(alice, group, "hello", OnAck, &r);
  CHECK(Code(&r) == MQCHAT_OK, "send");
  first = r.value;
  memset(&r, 0, sizeof r);
  mqchat_client_reply(alice, group, first, "a reply", OnAck, &r);
  CHECK(Code(&r) == MQCHAT_OK && r.value == first + 1, "reply");
  memset(&r, 0, sizeof r);
  mqchat_client_edit(alice, group, first, "hello, edited", OnAck, &r);
  CHECK(Code(&r) == MQCHAT_OK, "edit");
  CHECK(Await(&ev.edited), "bob sees the edit");
  memset(&r, 0, sizeof r);
  mqchat_client_react(alice, group, first, "\xf0\x9f\x91\x8d", 0, OnAck, &r);
  CHECK(Code(&r) == MQCHAT_OK, "react");
  CHECK(Await(&ev.reacted), "bob sees the reaction");
  pthread_mutex_lock(&mu);
  CHECK(strcmp(ev.edited_text, "hello, edited") == 0, "the edited text");
  CHECK(strcmp(ev.emoji, "\xf0\x9f\x91\x8d") == 0, "the emoji");
  pthread_mutex_unlock(&mu);
  memset(&r, 0, sizeof r);
  mqchat_client_edit(alice, group, first, "", OnAck, &r);
  CHECK(Code(&r) == MQCHAT_INVALID_ARGUMENT, "an empty edit is refused");

  memset(&r, 0, sizeof r);
  mqchat_client_mark_read(bob, group, first + 1, OnStatus, &r);
  CHECK(Code(&r) == MQCHAT_OK, "bob marks read");
  CHECK(Await(&ev.reads), "alice sees bob's read");
  memset(&r, 0, sizeof r);
  mqchat_client_set_typing(alice, group, 1, OnStatus, &r);
  CHECK(Code(&r) == MQCHAT_OK, "set_typing");
  CHECK(Await(&ev.typing), "bob sees alice typing");

  memset(&r, 0, sizeof r);
  r.value = group;
  mqchat_client_conversations(alice, OnSummaries, &r);
  CHECK(Code(&r) == MQCHAT_OK && strcmp(r.text, "c team|a reply") == 0, "conversations");
  memset(&r, 0, sizeof r);
  mqchat_client_history(bob, group, INT64_MAX, 0, 10, OnMessages, &r);
  CHECK(Code(&r) == MQCHAT_OK && r.count >= 2, "history");
  CHECK(strcmp(r.text, "hello, edited") == 0 && r.value == first, "history: edited, a reply");
  memset(&r, 0, sizeof r);
  mqchat_client_members(bob, group, OnMembers, &r);
  CHECK(Code(&r) == MQCHAT_OK && r.count == 2 && r.flag == 1, "members: alice owns it");
  memset(&r, 0, sizeof r);
  mqchat_client_rename(alice, group, "c team 2", OnStatus, &r);
  CHECK(Code(&r) == MQCHAT_OK, "rename");
  CHECK(Await(&ev.renamed), "bob sees the new name");

  memset(&r, 0, sizeof r);
  CHECK(mqchat_client_cached_messages(bob, group, 0, 100, OnMessages, &r) == MQCHAT_OK,
        "cached_messages");
  CHECK(r.done && r.count >= 2 && strcmp(r.text, "hello, edited") == 0, "the cache has them");
  memset(&r, 0, sizeof r);
  r.value = -1; /* no match wanted: just the call */
  CHECK(mqchat_client_cached_conversations(bob, OnSummaries, &r) == MQCHAT_OK && r.count >= 1,
        "cached_conversations");
  CHECK(mqchat_client_total_unread(bob, &unread) == MQCHAT_OK && unread >= 0, "total_unread");
  CHECK(mqchat_client_pending_sends(alice, &pending) == MQCHAT_OK && pending == 0, "pending_sends");

  /* Before the block below: an unblock reaches the presence ACL a moment after its answer. */
  memset(&r, 0, sizeof r);
  mqchat_client_watch_presence(alice, "bob", OnStatus, &r);
  CHECK(Code(&r) == MQCHAT_OK, "watch_presence");
  memset(&r, 0, sizeof r);
  mqchat_client_set_push_settings(bob, 1, -1, OnStatus, &r);
  CHECK(Code(&r) == MQCHAT_OK, "set_push_settings");
  memset(&r, 0, sizeof r);
  mqchat_client_set_push_settings(bob, -1, -1, OnStatus, &r);
  CHECK(Code(&r) == MQCHAT_INVALID_ARGUMENT, "push settings with nothing set");
  memset(&r, 0, sizeof r);
  mqchat_client_unmute(bob, group, OnStatus, &r);
  CHECK(Code(&r) == MQCHAT_OK, "unmute");
  memset(&r, 0, sizeof r);
  mqchat_client_set_retention(alice, group, 30, OnStatus, &r);
  CHECK(Code(&r) == MQCHAT_OK, "set_retention");
  memset(&r, 0, sizeof r);
  mqchat_client_set_slow_mode(alice, group, 0, OnStatus, &r);
  CHECK(Code(&r) == MQCHAT_OK, "set_slow_mode");
  memset(&r, 0, sizeof r);
  mqchat_client_set_dm_policy(bob, (mqchat_dm_policy)9, OnStatus, &r);
  CHECK(Code(&r) == MQCHAT_INVALID_ARGUMENT, "an unknown dm policy");
  memset(&r, 0, sizeof r);
  mqchat_client_set_dm_policy(bob, MQCHAT_DM_SHARED_GROUP, OnStatus, &r);
  CHECK(Code(&r) == MQCHAT_OK, "set_dm_policy");
  memset(&r, 0, sizeof r);
  mqchat_client_block(bob, "alice", OnStatus, &r);
  CHECK(Code(&r) == MQCHAT_OK, "block");
  memset(&r, 0, sizeof r);
  mqchat_client_unblock(bob, "alice", OnStatus, &r);
  CHECK(Code(&r) == MQCHAT_OK, "unblock");

  memset(&r, 0, sizeof r);
  mqchat_client_add_members(alice, group, bob_only, 1, OnStrings, &r);
  CHECK(Code(&r) == MQCHAT_OK && r.count == 0, "adding a member again adds no one");
  memset(&r, 0, sizeof r);
  mqchat_client_remove_member(alice, group, "bob", OnStatus, &r);
  CHECK(Code(&r) == MQCHAT_OK, "remove_member");
  CHECK(Await(&ev.removed_me), "bob learns he was removed");
  memset(&r, 0, sizeof r);
  mqchat_client_leave(alice, group, OnStatus, &r);
  CHECK(Code(&r) == MQCHAT_OK, "leave");
  mqchat_client_set_password(alice, argv[2]);

  mqchat_client_free(bob);
  mqchat_client_free(alice);
  if (failures != 0) return 1;
  printf("c api app: ok\n");
  return 0;
}
