/* What the C API test programs (c_api*_test.c) share: one lock and condition that callbacks
 * signal, the failure count and CHECK, waits with a deadline, a client made from the usual
 * options (server, credentials, device, a cache file in `dir`) plus what `more` adds, and a
 * direct conversation opened and waited for. Each program defines C_API_TEST_NAME (its name in
 * CHECK's failure lines) before including this. Header only (static functions): each program
 * is one file; the inline ones a program may leave unused. */
#ifndef MQCHAT_C_API_TEST_CLIENT_H_
#define MQCHAT_C_API_TEST_CLIENT_H_

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "mqchat/mqchat_c.h"

#ifndef C_API_TEST_NAME
#error "define C_API_TEST_NAME (the program's name in failure lines) before including this"
#endif

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int failures = 0;
static int wait_s = 60; /* per wait; more for long runs */

#define CHECK(cond, what)                                                          \
  do {                                                                             \
    if (!(cond)) {                                                                 \
      fprintf(stderr, C_API_TEST_NAME ": FAILED: %s (line %d)\n", what, __LINE__); \
      ++failures;                                                                  \
    }                                                                              \
  } while (0)

/* Ends a callback that locked mu: wakes the waiters and unlocks. */
static inline void Wake(void) {
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
}

/* Waits (mu held) until *counter reaches `want`, up to wait_s: 0 on timeout. */
static inline int WaitCount(const int* counter, int want) {
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += wait_s;
  while (*counter < want) {
    if (pthread_cond_timedwait(&cv, &mu, &deadline) == ETIMEDOUT) return 0;
  }
  return 1;
}

/* Quick reconnects and connect timeouts for MakeClient's `more`. */
static inline void FastReconnect(mqchat_options* options) {
  mqchat_options_set_reconnect(options, 50, 500);
  mqchat_options_set_connect_timeout(options, 5000);
}

/* NULL (with the reason on stderr) if mqchat_client_create fails. */
static mqchat_client* MakeClient(const char* uri, const char* user, const char* token,
                                 const char* device, const char* dir,
                                 void (*more)(mqchat_options*)) {
  char path[4096];
  char* error = NULL;
  mqchat_client* client = NULL;
  mqchat_options* options = mqchat_options_new();
  mqchat_options_add_server(options, uri);
  mqchat_options_set_credentials(options, user, token);
  mqchat_options_set_device(options, device);
  snprintf(path, sizeof path, "%s/%s-%s.db", dir, user, device);
  mqchat_options_set_cache_path(options, path);
  if (more != NULL) more(options);
  if (mqchat_client_create(options, &client, &error) != MQCHAT_OK) {
    fprintf(stderr, "create %s: %s\n", user, error != NULL ? error : "?");
    mqchat_string_free(error);
  }
  mqchat_options_free(options);
  return client;
}

static int64_t opened_direct = 0; /* OpenDirect's answer: 0 until it comes, -1 if refused */

static inline void OnOpenedDirect(void* user, mqchat_code code, const char* message, int64_t id) {
  (void)user;
  pthread_mutex_lock(&mu);
  if (code != MQCHAT_OK) fprintf(stderr, "open_direct: %s\n", message);
  opened_direct = code == MQCHAT_OK ? id : -1;
  Wake();
}

/* Opens the direct conversation of `client` with `peer` and waits for it (once per program, up
 * to wait_s): its id, or -1 if refused or not answered in time. */
static inline int64_t OpenDirect(mqchat_client* client, const char* peer) {
  struct timespec deadline;
  int64_t id;
  mqchat_client_open_direct(client, peer, OnOpenedDirect, NULL);
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += wait_s;
  pthread_mutex_lock(&mu);
  while (opened_direct == 0) {
    if (pthread_cond_timedwait(&cv, &mu, &deadline) == ETIMEDOUT) break;
  }
  id = opened_direct > 0 ? opened_direct : -1;
  pthread_mutex_unlock(&mu);
  return id;
}

#endif /* MQCHAT_C_API_TEST_CLIENT_H_ */
