/* What the C API test programs (c_api_test.c, c_api_app_test.c) share: a client made from the
 * usual options (server, credentials, device, a cache file in `dir`) plus what `more` adds.
 * Header only (static functions): each program is one file. */
#ifndef MQCHAT_C_API_TEST_CLIENT_H_
#define MQCHAT_C_API_TEST_CLIENT_H_

#include <stdio.h>

#include "mqchat/mqchat_c.h"

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

#endif /* MQCHAT_C_API_TEST_CLIENT_H_ */
