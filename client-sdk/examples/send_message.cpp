// send_message: connects, sends one message and waits for the server's ack.
// Demonstrates: ClientOptions::Builder, Client::Create/Connect, OpenDirect, Send -> future.
//
//   mqchat_example_send_message tcp://127.0.0.1:1883 alice <password-or-token> bob "hello"
//
// The cache file (./<user>.mqchat.db) keeps the message in the outbox if the ack does not come
// in time: the next run sends it, exactly once.
#include <chrono>
#include <cstdio>
#include <string>

#include "mqchat/client.h"

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s SERVER_URI USER PASSWORD_OR_TOKEN PEER TEXT\n", argv[0]);
    return 2;
  }
  const std::string user = argv[2];
  auto options = mqchat::ClientOptions::Builder()
                     .Server(argv[1])
                     .Credentials(user, argv[3])
                     .Device("example-send")
                     .CachePath(user + ".mqchat.db")
                     .Build();
  if (!options.ok()) {
    std::fprintf(stderr, "%s\n", options.status().ToString().c_str());
    return 2;
  }
  auto client = mqchat::Client::Create(*options);
  if (!client.ok()) {
    std::fprintf(stderr, "%s\n", client.status().ToString().c_str());
    return 1;
  }
  if (auto s = (*client)->Connect(); !s.ok()) {
    std::fprintf(stderr, "connect: %s\n", s.ToString().c_str());
    return 3;
  }
  auto conversation = (*client)->OpenDirect(argv[4]).get();
  if (!conversation.ok()) {
    std::fprintf(stderr, "open: %s\n", conversation.status().ToString().c_str());
    return 1;
  }
  auto ack = (*client)->Send(conversation->id, argv[5]);
  if (ack.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    std::fprintf(stderr, "no ack yet; the message stays in the outbox\n");
    return 5;
  }
  auto result = ack.get();
  if (!result.ok()) {
    std::fprintf(stderr, "send: %s\n", result.status().ToString().c_str());
    return 1;
  }
  std::printf("sent: conversation %lld seq %lld message %lld%s\n",
              static_cast<long long>(result->conversation_id), static_cast<long long>(result->seq),
              static_cast<long long>(result->message_id), result->duplicate ? " (duplicate)" : "");
  return 0;
}
