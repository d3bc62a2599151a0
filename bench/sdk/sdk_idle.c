/* mqchat-sdk-idle: one SDK client through the C API (libmqchat_sdk_shared.so, as an app loads
 * it) that connects and then does nothing, for bench/sdk_idle_bench.sh to measure the SDK at
 * rest: its threads, memory and wakeups. The process itself waits in sigwait (no wakeups of its
 * own) until SIGTERM, then frees the client.
 *   mqchat-sdk-idle <broker uri> <user> <token> <cache path> [background]
 * "background": after connecting, mqchat_client_enter_background (as a phone app's onStop).
 * Prints "idle: connected" once it is. */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "mqchat/mqchat_c.h"

int main(int argc, char** argv) {
  mqchat_options* options;
  mqchat_client* client = NULL;
  char* error = NULL;
  sigset_t set;
  int sig = 0;
  if (argc != 5 && argc != 6) {
    fprintf(stderr, "usage: %s <broker uri> <user> <token> <cache path> [background]\n", argv[0]);
    return 2;
  }
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, NULL); /* before the SDK's threads start: they inherit it */
  options = mqchat_options_new();
  mqchat_options_add_server(options, argv[1]);
  mqchat_options_set_credentials(options, argv[2], argv[3]);
  mqchat_options_set_device(options, "idle");
  mqchat_options_set_cache_path(options, argv[4]);
  if (mqchat_client_create(options, &client, &error) != MQCHAT_OK) {
    fprintf(stderr, "create: %s\n", error != NULL ? error : "?");
    mqchat_string_free(error);
    mqchat_options_free(options);
    return 1;
  }
  mqchat_options_free(options);
  if (mqchat_client_connect(client) != MQCHAT_OK) {
    fprintf(stderr, "connect failed\n");
    mqchat_client_free(client);
    return 1;
  }
  if (argc == 6 && strcmp(argv[5], "background") == 0) mqchat_client_enter_background(client);
  printf("idle: connected\n");
  fflush(stdout);
  sigwait(&set, &sig);
  mqchat_client_free(client);
  return 0;
}
