// tail_conversation: prints one conversation's messages as they arrive, until interrupted.
// Demonstrates: NextEvent() instead of callbacks, connection state events, MarkRead.
//
//   mqchat_example_tail_conversation tcp://127.0.0.1:1883 bob <password-or-token> 42
//
// Messages missed while offline arrive first (sync), then live ones, each once and in order.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <variant>

#include "mqchat/client.h"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s SERVER_URI USER PASSWORD_OR_TOKEN CONVERSATION_ID\n", argv[0]);
    return 2;
  }
  const std::string user = argv[2];
  const long long conversation = std::atoll(argv[4]);
  auto options = mqchat::ClientOptions::Builder()
                     .Server(argv[1])
                     .Credentials(user, argv[3])
                     .Device("example-tail")
                     .CachePath(user + ".tail.mqchat.db")
                     .Build();
  if (!options.ok()) {
    std::fprintf(stderr, "%s\n", options.status().ToString().c_str());
    return 2;
  }
  auto created = mqchat::Client::Create(*options);
  if (!created.ok()) {
    std::fprintf(stderr, "%s\n", created.status().ToString().c_str());
    return 1;
  }
  mqchat::Client& client = **created;
  // No handlers registered: every event waits for NextEvent().
  if (auto s = client.Connect(); !s.ok() && !s.IsRetryable()) {
    std::fprintf(stderr, "connect: %s\n", s.ToString().c_str());
    return 3;
  }
  while (true) {
    auto event = client.NextEvent(std::chrono::seconds(1));
    if (!event) continue;
    if (auto* m = std::get_if<mqchat::Message>(&*event)) {
      if (m->conversation_id != conversation) continue;
      std::printf("%lld\t%s\t%s\n", static_cast<long long>(m->seq), m->sender.c_str(),
                  m->text.c_str());
      std::fflush(stdout);
      (void)client.MarkRead(m->conversation_id, m->seq);  // fire and forget
    } else if (auto* c = std::get_if<mqchat::ConnectionEvent>(&*event)) {
      if (!c->reason.ok()) std::fprintf(stderr, "connection: %s\n", c->reason.ToString().c_str());
      if (c->state == mqchat::ConnectionState::kDisconnected && !c->reason.ok()) return 3;
    }
  }
}
