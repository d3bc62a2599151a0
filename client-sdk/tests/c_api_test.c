/* The C API (mqchat/mqchat_c.h) from C: two clients against a running broker create, connect,
 * open a conversation, send and receive `count` messages in order, register a push token, mute
 * and unmute, go to the background and come back, and are freed; a client freed with requests
 * and sends still pending must call none of their callbacks once freeing has begun. Built with
 * -DMQCHAT_SDK_ASAN=ON it runs under AddressSanitizer, whose leak check at exit covers every
 * handle. Run by tests/integration/sdk_c_api_test.cpp against a real broker:
 *   mqchat_c_api_test <broker uri> <alice token> <bob token> <cache dir> <count>
 * Exit 0 and "c api: ok" on success; otherwise 1 and what failed. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#define C_API_TEST_NAME "c api"
#include "c_api_test_client.h"
#include "mqchat/mqchat_c.h"

/* What the callbacks saw (under mu). */
typedef struct {
  int acks;
  int ack_failures;
  int received;
  int out_of_order;
  int status_done;
  mqchat_code last_status;
  int online; /* ONLINE connection events */
  /* Set just before mqchat_client_free: from then on a disconnection event or an UNAVAILABLE
   * completion can only come from the freeing (the client shutting down), and must not reach
   * the app. */
  int in_free;
  int callbacks_in_free;
} Seen;

static Seen seen = {0, 0, 0, 0, 0, MQCHAT_OK, 0, 0, 0};

static void NoteInFree(int from_shutdown) {
  if (seen.in_free && from_shutdown) ++seen.callbacks_in_free;
}

/* Reads the `user` memory a callback was given: bob's is heap memory freed right after
 * mqchat_client_free, so under AddressSanitizer a callback after the free is a
 * heap-use-after-free report, not only a count. */
static int Touch(void* user) { return user != NULL ? *(volatile int*)user : 0; }

static void OnAck(void* user, mqchat_code code, const char* message, const mqchat_ack* ack) {
  (void)Touch(user);
  pthread_mutex_lock(&mu);
  NoteInFree(code == MQCHAT_UNAVAILABLE);
  if (seen.in_free) {
    Wake();
    return;
  }
  if (code == MQCHAT_OK && ack != NULL && ack->seq > 0) {
    ++seen.acks;
  } else {
    fprintf(stderr, "send: %d %s\n", (int)code, message);
    ++seen.ack_failures;
  }
  Wake();
}

static void OnMessage(void* user, const mqchat_message* m) {
  char want[64];
  (void)Touch(user);
  pthread_mutex_lock(&mu);
  if (seen.in_free) {
    Wake();
    return;
  } /* "late" messages may come until the gate closes */
  snprintf(want, sizeof want, "c api %d", seen.received);
  if (m->seq != seen.received + 1 || strcmp(m->text, want) != 0 ||
      strcmp(m->sender, "alice") != 0) {
    ++seen.out_of_order;
  }
  ++seen.received;
  Wake();
}

static void OnStatus(void* user, mqchat_code code, const char* message) {
  (void)Touch(user);
  pthread_mutex_lock(&mu);
  NoteInFree(code == MQCHAT_UNAVAILABLE);
  if (code != MQCHAT_OK) fprintf(stderr, "request: %d %s\n", (int)code, message);
  seen.last_status = code;
  ++seen.status_done;
  Wake();
}

static void OnConnection(void* user, mqchat_connection_state state, mqchat_code reason,
                         const char* reason_message) {
  (void)Touch(user);
  (void)reason;
  (void)reason_message;
  pthread_mutex_lock(&mu);
  NoteInFree(state == MQCHAT_DISCONNECTED);
  if (state == MQCHAT_ONLINE) ++seen.online;
  Wake();
}

/* Status requests completed so far. */
static int StatusCount(void) {
  int n;
  pthread_mutex_lock(&mu);
  n = seen.status_done;
  pthread_mutex_unlock(&mu);
  return n;
}

/* Waits for the status request started after StatusCount() was `before`: its code. */
static mqchat_code Finish(int before) {
  mqchat_code code;
  pthread_mutex_lock(&mu);
  code = WaitCount(&seen.status_done, before + 1) ? seen.last_status : MQCHAT_UNAVAILABLE;
  pthread_mutex_unlock(&mu);
  return code;
}

int main(int argc, char** argv) {
  mqchat_client* alice;
  mqchat_client* bob;
  mqchat_client* bad = NULL;
  mqchat_options* empty;
  char* error = NULL;
  int count;
  int i;
  int before;
  int* bob_user;
  int64_t conversation;
  if (argc != 6) {
    fprintf(stderr, "usage: %s <broker uri> <alice token> <bob token> <cache dir> <count>\n",
            argv[0]);
    return 2;
  }
  count = atoi(argv[5]);
  wait_s = 60 + count / 50;

  /* Bad options: an error, no handle, a message to free. */
  empty = mqchat_options_new();
  CHECK(mqchat_client_create(empty, &bad, &error) == MQCHAT_INVALID_ARGUMENT,
        "bad options refused");
  CHECK(bad == NULL && error != NULL, "no handle, a message");
  mqchat_string_free(error);
  mqchat_options_free(empty);

  alice = MakeClient(argv[1], "alice", argv[2], "c-api", argv[4], FastReconnect);
  bob = MakeClient(argv[1], "bob", argv[3], "c-api", argv[4], FastReconnect);
  if (alice == NULL || bob == NULL) return 1;
  bob_user = (int*)malloc(sizeof *bob_user);
  *bob_user = 1;
  mqchat_client_on_message(bob, OnMessage, bob_user);
  mqchat_client_on_connection(bob, OnConnection, bob_user);
  CHECK(mqchat_client_connect(alice) == MQCHAT_OK, "alice connects");
  CHECK(mqchat_client_connect(bob) == MQCHAT_OK, "bob connects");

  conversation = OpenDirect(alice, "bob");
  CHECK(conversation > 0, "a conversation");
  if (conversation <= 0) return 1;

  for (i = 0; i < count; ++i) {
    char text[64];
    snprintf(text, sizeof text, "c api %d", i);
    mqchat_client_send(alice, conversation, text, OnAck, NULL);
  }
  pthread_mutex_lock(&mu);
  CHECK(WaitCount(&seen.acks, count), "every send acked");
  CHECK(WaitCount(&seen.received, count), "every message received");
  CHECK(seen.ack_failures == 0 && seen.out_of_order == 0, "in order, none failed");
  pthread_mutex_unlock(&mu);

  before = StatusCount();
  mqchat_client_push_register(bob, MQCHAT_PUSH_FCM, "tok-c-api", OnStatus, NULL);
  CHECK(Finish(before) == MQCHAT_OK, "push_register");
  before = StatusCount();
  mqchat_client_mute(bob, conversation, -1, OnStatus, NULL);
  CHECK(Finish(before) == MQCHAT_OK, "mute");
  before = StatusCount();
  mqchat_client_mute(bob, conversation, 0, OnStatus, NULL);
  CHECK(Finish(before) == MQCHAT_OK, "unmute");
  before = StatusCount();
  mqchat_client_push_register(bob, (mqchat_push_platform)42, "tok", OnStatus, NULL);
  CHECK(Finish(before) == MQCHAT_INVALID_ARGUMENT, "an unknown platform is refused");

  pthread_mutex_lock(&mu);
  before = seen.online;
  pthread_mutex_unlock(&mu);
  mqchat_client_enter_background(bob);
  mqchat_client_network_changed(bob); /* in the background: nothing */
  mqchat_client_enter_foreground(bob);
  pthread_mutex_lock(&mu);
  CHECK(WaitCount(&seen.online, before + 1), "online again after the foreground");
  pthread_mutex_unlock(&mu);

  /* Freed with work pending: a send not yet acked, a request perhaps without its answer, and
   * the disconnection the freeing causes. None of what the shutdown completes may reach the
   * app: without the gate the DISCONNECTED event alone would. */
  mqchat_client_send(bob, conversation, "pending at free", OnAck, bob_user);
  mqchat_client_mark_read(bob, conversation, count, OnStatus, bob_user);
  for (i = 0; i < 20; ++i) {
    mqchat_client_send(alice, conversation, "late", NULL, NULL);
  }
  pthread_mutex_lock(&mu);
  seen.in_free = 1;
  pthread_mutex_unlock(&mu);
  mqchat_client_free(bob);
  free(bob_user); /* no callback of bob's may touch it any more */
  pthread_mutex_lock(&mu);
  seen.in_free = 0;
  CHECK(seen.callbacks_in_free == 0, "no callback once mqchat_client_free began");
  pthread_mutex_unlock(&mu);

  mqchat_client_free(alice);
  mqchat_client_free(NULL);
  mqchat_options_free(NULL);
  if (failures != 0) return 1;
  printf("c api: ok (%d messages)\n", count);
  return 0;
}
