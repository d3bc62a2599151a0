/* mqchat_client_free while messages are still arriving (mqchat/mqchat_c.h: "Once
 * mqchat_client_free has begun, no callback is called any more (a callback already running is
 * waited for)... after it returns, `user` pointers may be freed"), against a running broker:
 * alice sends `count` messages to bob; bob's message handler, on his first message, lets the
 * main thread free him and, while that free is under way, keeps using his handle from the
 * callback (mark_read, set_typing, send, state, pending_sends: the header allows any call
 * but free and disconnect). Bob's `user` memory is heap memory freed right after
 * mqchat_client_free returns, so under AddressSanitizer (-DMQCHAT_SDK_ASAN=ON) a late callback
 * is a heap-use-after-free report and its leak check at exit covers every handle. Then bob
 * comes back on the same cache and is freed again in the middle of the sync of what he missed.
 * Run by tests/integration/sdk_c_api_test.cpp:
 *   mqchat_c_api_free_test <broker uri> <alice token> <bob token> <cache dir> <count>
 * Exit 0 and "c api free: ok" on success; otherwise 1 and what failed. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <time.h>

#define C_API_TEST_NAME "c api free"
#include "c_api_test_client.h"
#include "mqchat/mqchat_c.h"

/* One bob: his handle and what his callbacks saw; heap memory, freed after his handle. */
typedef struct {
  mqchat_client* client;
  int received;
  int asked_free; /* the handler asked the main thread to free the handle */
  int freeing;    /* the main thread is about to call mqchat_client_free */
} Bob;

static int64_t conversation = 0;
static int acks = 0;
static int freed = 0;         /* set once mqchat_client_free returned */
static int after_free = 0;    /* callbacks that ran after that */
static int calls_in_free = 0; /* calls the handler made while the free was under way */

/* Any callback of bob's: counts one after the free returned (the user memory is then freed,
 * so ASan reports the read of it first). */
static Bob* Enter(void* user) {
  Bob* bob = (Bob*)user;
  (void)*(volatile int*)&bob->received;
  pthread_mutex_lock(&mu);
  if (freed) ++after_free;
  return bob;
}

static void OnStatus(void* user, mqchat_code code, const char* message) {
  (void)code;
  (void)message;
  (void)Enter(user);
  Wake();
}

static void OnAck(void* user, mqchat_code code, const char* message, const mqchat_ack* ack) {
  (void)code;
  (void)message;
  (void)ack;
  (void)Enter(user);
  Wake();
}

static void OnConnection(void* user, mqchat_connection_state state, mqchat_code reason,
                         const char* reason_message) {
  (void)state;
  (void)reason;
  (void)reason_message;
  (void)Enter(user);
  Wake();
}

/* Bob's message handler. On his first message it asks the main thread to free him, waits until
 * that is about to happen, gives mqchat_client_free time to reach the SDK's shutdown (which
 * waits for this callback: nothing else can be waited on from here), and then uses the handle
 * as a callback may: none of it may crash, touch freed memory, or call back after the free. */
static void OnMessage(void* user, const mqchat_message* m) {
  struct timespec pause = {0, 300 * 1000 * 1000};
  size_t pending = 0;
  Bob* bob = Enter(user);
  ++bob->received;
  if (bob->asked_free) return Wake();
  bob->asked_free = 1;
  pthread_cond_broadcast(&cv);
  CHECK(WaitCount(&bob->freeing, 1), "the main thread frees bob");
  pthread_mutex_unlock(&mu);
  nanosleep(&pause, NULL);
  mqchat_client_mark_read(bob->client, m->conversation_id, m->seq, OnStatus, bob);
  mqchat_client_set_typing(bob->client, m->conversation_id, 1, OnStatus, bob);
  mqchat_client_send(bob->client, m->conversation_id, "from a callback in free", OnAck, bob);
  (void)mqchat_client_state(bob->client);
  (void)mqchat_client_pending_sends(bob->client, &pending);
  pthread_mutex_lock(&mu);
  ++calls_in_free;
  Wake();
}

static void OnAliceAck(void* user, mqchat_code code, const char* message, const mqchat_ack* ack) {
  (void)user;
  (void)ack;
  pthread_mutex_lock(&mu);
  if (code != MQCHAT_OK) fprintf(stderr, "send: %d %s\n", (int)code, message);
  ++acks;
  Wake();
}

/* Bob connects on his cache in `dir`, with his handlers. */
static Bob* ConnectBob(const char* uri, const char* token, const char* dir) {
  Bob* bob = (Bob*)calloc(1, sizeof *bob);
  bob->client = MakeClient(uri, "bob", token, "c-free", dir, FastReconnect);
  if (bob->client == NULL) {
    free(bob);
    return NULL;
  }
  mqchat_client_on_message(bob->client, OnMessage, bob);
  mqchat_client_on_connection(bob->client, OnConnection, bob);
  CHECK(mqchat_client_connect(bob->client) == MQCHAT_OK, "bob connects");
  return bob;
}

/* Frees bob from the main thread as soon as his handler asks, and then his memory. The acks
 * alice had when the free began. */
static int FreeWhenAsked(Bob* bob, const char* what) {
  int acked;
  pthread_mutex_lock(&mu);
  CHECK(WaitCount(&bob->asked_free, 1), what);
  bob->freeing = 1;
  acked = acks;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  mqchat_client_free(bob->client);
  pthread_mutex_lock(&mu);
  freed = 1;
  pthread_mutex_unlock(&mu);
  free(bob); /* no callback of this bob's may touch it any more */
  return acked;
}

/* Alice sends `count` messages numbered from `first`. */
static void Burst(mqchat_client* alice, int first, int count) {
  int i;
  for (i = 0; i < count; ++i) {
    char text[64];
    snprintf(text, sizeof text, "burst %d", first + i);
    mqchat_client_send(alice, conversation, text, OnAliceAck, NULL);
  }
}

int main(int argc, char** argv) {
  mqchat_client* alice;
  Bob* bob;
  int count;
  if (argc != 6) {
    fprintf(stderr, "usage: %s <broker uri> <alice token> <bob token> <cache dir> <count>\n",
            argv[0]);
    return 2;
  }
  count = atoi(argv[5]);
  wait_s = 60 + count / 50;
  alice = MakeClient(argv[1], "alice", argv[2], "c-free", argv[4], FastReconnect);
  if (alice == NULL) return 1;
  CHECK(mqchat_client_connect(alice) == MQCHAT_OK, "alice connects");
  conversation = OpenDirect(alice, "bob");
  if (conversation <= 0) return 1;

  /* Live: bob is online when alice starts sending, and is freed while she still is. */
  bob = ConnectBob(argv[1], argv[3], argv[4]);
  if (bob == NULL) return 1;
  Burst(alice, 0, count);
  CHECK(FreeWhenAsked(bob, "a live message reaches bob") < count,
        "bob freed while alice was still sending");
  pthread_mutex_lock(&mu);
  CHECK(WaitCount(&acks, count), "every send of alice acked");
  freed = 0;
  pthread_mutex_unlock(&mu);

  /* By sync: alice sends while bob is away; he comes back on the same cache and is freed in
   * the middle of the sync. */
  Burst(alice, count, count);
  pthread_mutex_lock(&mu);
  CHECK(WaitCount(&acks, 2 * count), "every send of alice acked");
  pthread_mutex_unlock(&mu);
  bob = ConnectBob(argv[1], argv[3], argv[4]);
  if (bob == NULL) return 1;
  (void)FreeWhenAsked(bob, "a synced message reaches bob");

  mqchat_client_free(alice);
  pthread_mutex_lock(&mu);
  CHECK(after_free == 0, "no callback after mqchat_client_free returned");
  CHECK(calls_in_free == 2, "the handler used the handle during both frees");
  pthread_mutex_unlock(&mu);
  if (failures != 0) return 1;
  printf("c api free: ok (%d messages)\n", count);
  return 0;
}
