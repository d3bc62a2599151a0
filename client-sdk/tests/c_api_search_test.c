/* Search through the C API (mqchat_client_search), against a running broker: alice sends bob
 * four messages, two with a word in two forms and one in Korean; bob finds both (polling with
 * a deadline: they are indexed a moment after their ack), newest first, with their
 * conversation and a snippet whose byte highlights mark the word; one page at a time with the
 * cursor; the sender and conversation filters; the Korean word's highlight in bytes and code
 * points; and refusals with the server's code. Both handles freed (under -DMQCHAT_SDK_ASAN=ON
 * the leak check at exit covers them). Run by tests/integration/sdk_c_api_test.cpp:
 *   mqchat_c_api_search_test <broker uri> <alice token> <bob token> <cache dir>
 * Exit 0 and "c api search: ok" on success; otherwise 1 and what failed. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define C_API_TEST_NAME "c api search"
#include "c_api_test_client.h"
#include "mqchat/mqchat_c.h"

/* What one search answered, copied out of the callback. */
typedef struct {
  int done;
  mqchat_code code;
  char message[256];
  size_t count;
  int64_t seqs[8];
  int64_t conversations[8];
  char senders[8][32];
  char marked[8][32];     /* the snippet's first highlighted bytes */
  int64_t mark_points[8]; /* its length in code points */
  int has_more;
  char cursor[512];
} Page;

static int acks = 0;

static void OnAck(void* user, mqchat_code code, const char* message, const mqchat_ack* ack) {
  (void)user;
  (void)ack;
  pthread_mutex_lock(&mu);
  if (code != MQCHAT_OK) fprintf(stderr, "send: %s\n", message);
  if (code == MQCHAT_OK) ++acks;
  Wake();
}

static void OnSearch(void* user, mqchat_code code, const char* message,
                     const mqchat_search_result* results, size_t count, int has_more,
                     const char* next_cursor) {
  Page* page = (Page*)user;
  size_t i;
  pthread_mutex_lock(&mu);
  page->code = code;
  snprintf(page->message, sizeof page->message, "%s", message);
  page->count = count;
  for (i = 0; i < count && i < 8; ++i) {
    const mqchat_search_result* r = &results[i];
    page->seqs[i] = r->message.seq;
    page->conversations[i] = r->message.conversation_id;
    snprintf(page->senders[i], sizeof page->senders[i], "%s", r->message.sender);
    page->marked[i][0] = '\0';
    page->mark_points[i] = -1;
    if (r->conversation_kind != MQCHAT_DIRECT || strcmp(r->conversation_name, "") != 0 ||
        r->server_id != 0 || r->snippet[0] == '\0') {
      snprintf(page->marked[i], sizeof page->marked[i], "bad result");
    } else if (r->highlight_count > 0) {
      const mqchat_search_highlight* h = &r->highlights[0];
      const size_t n = h->end_byte - h->begin_byte;
      if (h->end_byte <= strlen(r->snippet) && n < sizeof page->marked[i]) {
        memcpy(page->marked[i], r->snippet + h->begin_byte, n);
        page->marked[i][n] = '\0';
      }
      page->mark_points[i] = h->end - h->begin;
    }
  }
  page->has_more = has_more;
  snprintf(page->cursor, sizeof page->cursor, "%s", next_cursor);
  page->done = 1;
  Wake();
}

/* Runs one search and waits for its answer (up to wait_s, 60 s). */
static Page Search(mqchat_client* c, const char* query, int64_t conversation, const char* sender,
                   int limit, const char* cursor) {
  Page page;
  memset(&page, 0, sizeof page);
  page.code = MQCHAT_UNAVAILABLE;
  mqchat_client_search(c, query, conversation, sender, 0, 0, limit, cursor, OnSearch, &page);
  pthread_mutex_lock(&mu);
  (void)WaitCount(&page.done, 1);
  pthread_mutex_unlock(&mu);
  CHECK(page.done, "a search answered");
  return page;
}

static const char* const kTexts[] = {"harbour lanterns glow at dusk", "an unrelated line",
                                     "the lantern festival is tonight", "내일 점심 메뉴는 비빔밥"};

int main(int argc, char** argv) {
  mqchat_client* alice;
  mqchat_client* bob;
  Page page;
  Page next;
  int64_t opened;
  time_t until;
  int i;
  if (argc != 5) {
    fprintf(stderr, "usage: %s <broker uri> <alice token> <bob token> <cache dir>\n", argv[0]);
    return 2;
  }
  alice = MakeClient(argv[1], "alice", argv[2], "c-search", argv[4], FastReconnect);
  bob = MakeClient(argv[1], "bob", argv[3], "c-search", argv[4], FastReconnect);
  if (alice == NULL || bob == NULL) return 1;
  CHECK(mqchat_client_connect(alice) == MQCHAT_OK, "alice connects");
  CHECK(mqchat_client_connect(bob) == MQCHAT_OK, "bob connects");
  opened = OpenDirect(alice, "bob");
  if (opened <= 0) return 1;
  for (i = 0; i < 4; ++i) mqchat_client_send(alice, opened, kTexts[i], OnAck, NULL);

  /* Indexed a moment after the acks: search until both are found, up to 60 s. */
  until = time(NULL) + 60;
  do {
    page = Search(bob, "lanterns", 0, NULL, 0, NULL);
  } while (page.code == MQCHAT_OK && page.count < 2 && time(NULL) < until);
  CHECK(page.code == MQCHAT_OK, page.message);
  CHECK(page.count == 2 && !page.has_more, "both lantern messages found, nothing more");
  CHECK(page.seqs[0] == 3 && page.seqs[1] == 1, "newest first");
  CHECK(page.conversations[0] == opened && strcmp(page.senders[0], "alice") == 0,
        "the conversation and the sender");
  CHECK(strcmp(page.marked[0], "lantern") == 0 && strcmp(page.marked[1], "lanterns") == 0,
        "the byte highlights mark the word");
  CHECK(page.mark_points[0] == 7 && page.mark_points[1] == 8, "code point highlights too");
  pthread_mutex_lock(&mu);
  CHECK(acks == 4, "every send acked");
  pthread_mutex_unlock(&mu);
  /* Korean by pairs of characters: two code points, six bytes. */
  until = time(NULL) + 60;
  do {
    page = Search(bob, "점심", 0, NULL, 0, NULL);
  } while (page.code == MQCHAT_OK && page.count < 1 && time(NULL) < until);
  CHECK(page.code == MQCHAT_OK && page.count == 1 && page.seqs[0] == 4, "the Korean message");
  CHECK(strcmp(page.marked[0], "점심") == 0 && page.mark_points[0] == 2,
        "its highlight in bytes and in code points");

  /* A page at a time. */
  page = Search(bob, "lantern", 0, NULL, 1, NULL);
  CHECK(page.code == MQCHAT_OK && page.count == 1 && page.has_more && page.cursor[0] != '\0',
        "a first page of one, with a cursor");
  CHECK(page.seqs[0] == 3, "the newest first");
  next = Search(bob, "lantern", 0, NULL, 1, page.cursor);
  CHECK(next.code == MQCHAT_OK && next.count == 1 && next.seqs[0] == 1, "then the older one");

  /* Filters: another sender finds nothing; the conversation finds both. */
  page = Search(bob, "lantern", 0, "bob", 0, "");
  CHECK(page.code == MQCHAT_OK && page.count == 0, "bob sent none");
  page = Search(alice, "lantern", opened, "alice", 0, NULL);
  CHECK(page.code == MQCHAT_OK && page.count == 2, "alice finds both in the conversation");

  /* Refusals keep the server's code and name. */
  page = Search(bob, "   ", 0, NULL, 0, NULL);
  CHECK(page.code == MQCHAT_FAILED_PRECONDITION && strstr(page.message, "INVALID") != NULL,
        "a blank query refused");
  page = Search(bob, "lantern", 0, NULL, 0, "not-a-cursor");
  CHECK(page.code == MQCHAT_FAILED_PRECONDITION, "a bad cursor refused");
  page = Search(bob, "lantern", 987654321, NULL, 0, NULL);
  CHECK(page.code == MQCHAT_PERMISSION_DENIED && strstr(page.message, "NOT_MEMBER") != NULL,
        "a conversation bob is not in refused");

  mqchat_client_free(bob);
  mqchat_client_free(alice);
  if (failures != 0) return 1;
  printf("c api search: ok\n");
  return 0;
}
