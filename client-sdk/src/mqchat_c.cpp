// The C API (mqchat/mqchat_c.h) over mqchat::Client: the handles, sends, push and the app's
// lifecycle (mqchat_c_app.cpp has the rest). Every callback goes through a Gate the
// handle shares with it: mqchat_client_free closes the gate first, so nothing reaches the app
// after that (~Client then waits for a callback already running, and runs the rest into the
// closed gate). Every call holds the gate open while it uses the Client (Use): the free waits
// for those, and calls after (from a callback still running) do nothing.
#include "mqchat/mqchat_c.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mqchat/client.h"
#include "mqchat_c_internal.h"

namespace mqchat::capi {

mqchat_message View(const Message& m) {
  mqchat_message c{};
  c.conversation_id = m.conversation_id;
  c.seq = m.seq;
  c.message_id = m.message_id;
  c.sender = m.sender.c_str();
  c.text = m.text.c_str();
  c.sent_at_ms = m.sent_at_ms;
  c.reply_to = m.reply_to;
  c.edited_at_ms = m.edited_at_ms;
  c.deleted = m.deleted ? 1 : 0;
  return c;
}

std::vector<const char*> Views(const std::vector<std::string>& v) {
  std::vector<const char*> out;
  out.reserve(v.size());
  for (const std::string& s : v) out.push_back(s.c_str());
  return out;
}

Callback<Status> StatusDone(const GatePtr& gate, mqchat_status_fn done, void* user) {
  return [gate, done, user](Status s) {
    if (gate->open && done != nullptr) done(user, CodeOf(s), s.message().c_str());
  };
}

Callback<Result<Ack>> AckDone(const GatePtr& gate, mqchat_ack_fn done, void* user) {
  return [gate, done, user](Result<Ack> r) {
    if (!gate->open || done == nullptr) return;
    if (!r.ok()) return done(user, CodeOf(r.status()), r.status().message().c_str(), nullptr);
    mqchat_ack ack{};
    ack.conversation_id = r->conversation_id;
    ack.seq = r->seq;
    ack.message_id = r->message_id;
    ack.server_time_ms = r->server_time_ms;
    ack.duplicate = r->duplicate ? 1 : 0;
    done(user, MQCHAT_OK, "", &ack);
  };
}

}  // namespace mqchat::capi

using namespace mqchat::capi;  // NOLINT: the C functions below are outside any namespace

extern "C" {

mqchat_options* mqchat_options_new(void) { return new mqchat_options(); }
void mqchat_options_free(mqchat_options* options) { delete options; }

void mqchat_options_add_server(mqchat_options* options, const char* uri) {
  if (options->options.server_uri.empty()) {
    options->options.server_uri = Str(uri);
  } else {
    options->options.server_uris.push_back(Str(uri));
  }
}
void mqchat_options_set_credentials(mqchat_options* options, const char* username,
                                    const char* password) {
  options->options.username = Str(username);
  options->options.password = Str(password);
}
void mqchat_options_set_device(mqchat_options* options, const char* device_id) {
  options->options.device_id = Str(device_id);
}
void mqchat_options_set_cache_path(mqchat_options* options, const char* path) {
  options->options.cache_path = Str(path);
}
void mqchat_options_set_reconnect(mqchat_options* options, int64_t min_ms, int64_t max_ms) {
  options->options.reconnect_min = std::chrono::milliseconds(min_ms);
  options->options.reconnect_max = std::chrono::milliseconds(max_ms);
}
void mqchat_options_set_connect_timeout(mqchat_options* options, int64_t ms) {
  options->options.connect_timeout = std::chrono::milliseconds(ms);
}
void mqchat_options_set_background_grace(mqchat_options* options, int64_t ms) {
  options->options.background_grace = std::chrono::milliseconds(ms);
}

mqchat_code mqchat_client_create(const mqchat_options* options, mqchat_client** out, char** error) {
  *out = nullptr;
  if (error != nullptr) *error = nullptr;
  auto created = options == nullptr ? mqchat::Result<std::unique_ptr<mqchat::Client>>(
                                          mqchat::Status::InvalidArgument("no options"))
                                    : mqchat::Client::Create(options->options);
  if (!created.ok()) {
    if (error != nullptr) *error = strdup(created.status().message().c_str());
    return CodeOf(created.status());
  }
  auto* handle = new mqchat_client();
  handle->client = std::move(*created);
  *out = handle;
  return MQCHAT_OK;
}

void mqchat_client_free(mqchat_client* client) {
  if (client == nullptr) return;
  client->gate->Close();   // no callback, and no C call into the Client, from here on
  client->client.reset();  // joins the SDK threads
  delete client;
}

void mqchat_string_free(char* s) { free(s); }

mqchat_code mqchat_client_connect(mqchat_client* client) {
  const Use use(client);
  if (!use) return MQCHAT_UNAVAILABLE;
  return CodeOf(client->client->Connect());
}
void mqchat_client_disconnect(mqchat_client* client) {
  const Use use(client);
  if (!use) return;
  client->client->Disconnect();
}
mqchat_connection_state mqchat_client_state(const mqchat_client* client) {
  const Use use(client);
  if (!use) return MQCHAT_DISCONNECTED;
  return static_cast<mqchat_connection_state>(client->client->state());
}

void mqchat_client_on_message(mqchat_client* client, mqchat_message_fn fn, void* user) {
  const Use use(client);
  if (!use) return;
  if (fn == nullptr) return client->client->OnMessage(nullptr);
  client->client->OnMessage([gate = client->gate, fn, user](const mqchat::Message& m) {
    if (!gate->open) return;
    const mqchat_message view = View(m);
    fn(user, &view);
  });
}

void mqchat_client_on_connection(mqchat_client* client, mqchat_connection_fn fn, void* user) {
  const Use use(client);
  if (!use) return;
  if (fn == nullptr) return client->client->OnConnectionChange(nullptr);
  client->client->OnConnectionChange(
      [gate = client->gate, fn, user](const mqchat::ConnectionEvent& e) {
        if (!gate->open) return;
        fn(user, static_cast<mqchat_connection_state>(e.state), CodeOf(e.reason),
           e.reason.message().c_str());
      });
}

void mqchat_client_send(mqchat_client* client, int64_t conversation_id, const char* text,
                        mqchat_ack_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->Send(conversation_id, Str(text), AckDone(client->gate, done, user));
}

void mqchat_client_open_direct(mqchat_client* client, const char* username,
                               mqchat_conversation_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->OpenDirect(
      Str(username), [gate = client->gate, done, user](mqchat::Result<mqchat::Conversation> r) {
        if (!gate->open || done == nullptr) return;
        if (!r.ok()) return done(user, CodeOf(r.status()), r.status().message().c_str(), 0);
        done(user, MQCHAT_OK, "", r->id);
      });
}

void mqchat_client_mark_read(mqchat_client* client, int64_t conversation_id, int64_t seq,
                             mqchat_status_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->MarkRead(conversation_id, seq, OutcomeDone<int64_t>(client->gate, done, user));
}

void mqchat_client_mute(mqchat_client* client, int64_t conversation_id, int64_t until_ms,
                        mqchat_status_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->Mute(conversation_id, until_ms, StatusDone(client->gate, done, user));
}

void mqchat_client_push_register(mqchat_client* client, mqchat_push_platform platform,
                                 const char* token, mqchat_status_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  mqchat::PushPlatform p = mqchat::PushPlatform::kFcm;
  switch (platform) {
    case MQCHAT_PUSH_FCM:
      p = mqchat::PushPlatform::kFcm;
      break;
    case MQCHAT_PUSH_APNS:
      p = mqchat::PushPlatform::kApns;
      break;
    case MQCHAT_PUSH_WEBPUSH:
      p = mqchat::PushPlatform::kWebPush;
      break;
    case MQCHAT_PUSH_WEBHOOK:
      p = mqchat::PushPlatform::kWebhook;
      break;
    default: {
      auto fail = StatusDone(client->gate, done, user);
      return fail(mqchat::Status::InvalidArgument("unknown push platform"));
    }
  }
  client->client->PushRegister(p, Str(token), StatusDone(client->gate, done, user));
}

void mqchat_client_push_unregister(mqchat_client* client, mqchat_status_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->PushUnregister(OutcomeDone<bool>(client->gate, done, user));
}

void mqchat_client_enter_background(mqchat_client* client) {
  const Use use(client);
  if (!use) return;
  client->client->EnterBackground();
}
void mqchat_client_enter_foreground(mqchat_client* client) {
  const Use use(client);
  if (!use) return;
  (void)client->client->EnterForeground();  // its outcome shows as connection events
}
void mqchat_client_network_changed(mqchat_client* client) {
  const Use use(client);
  if (!use) return;
  client->client->NetworkChanged();
}

void mqchat_client_handle_push_payload(mqchat_client* client, const char* const* keys,
                                       const char* const* values, size_t count, int64_t deadline_ms,
                                       mqchat_push_fetch_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  std::map<std::string, std::string> fields;
  for (size_t i = 0; i < count; ++i) fields[Str(keys[i])] = Str(values[i]);
  client->client->HandlePushPayload(
      std::move(fields), std::chrono::milliseconds(deadline_ms),
      [gate = client->gate, done, user](mqchat::Result<mqchat::PushFetch> r) {
        if (!gate->open || done == nullptr) return;
        if (!r.ok()) {
          return done(user, CodeOf(r.status()), r.status().message().c_str(), nullptr, 0, 0);
        }
        std::vector<mqchat_message> views;
        views.reserve(r->messages.size());
        for (const auto& m : r->messages) views.push_back(View(m));
        done(user, MQCHAT_OK, "", views.data(), views.size(), r->complete ? 1 : 0);
      });
}

}  // extern "C"
