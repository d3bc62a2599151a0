// The C API (mqchat/mqchat_c.h) over the rest of what an app calls on mqchat::Client: more
// options and events, changing messages, conversations, settings and the offline cache. The
// same rules as mqchat_c.cpp: every callback goes through the handle's gate, and what a
// callback is handed lives only while it runs.
#include <optional>
#include <string>
#include <vector>

#include "mqchat/client.h"
#include "mqchat/mqchat_c.h"
#include "mqchat_c_internal.h"

namespace mqchat::capi {
namespace {

// A summary and what its C view points into; `view` is valid while this lives.
struct SummaryView {
  explicit SummaryView(const ConversationSummary& s) : members(Views(s.members)) {
    if (s.last_message) last = View(*s.last_message);
    view.id = s.id;
    view.kind = static_cast<mqchat_conversation_kind>(s.kind);
    view.name = s.name.c_str();
    view.last_seq = s.last_seq;
    view.read_seq = s.read_seq;
    view.unread = s.unread;
    view.muted_until_ms = s.muted_until_ms;
    view.slow_mode_s = s.slow_mode_s;
    view.members = members.data();
    view.member_count = members.size();
    view.last_message = s.last_message ? &last : nullptr;
  }
  std::vector<const char*> members;
  mqchat_message last{};
  mqchat_conversation_summary view{};
};

void CallSummaries(const Result<std::vector<ConversationSummary>>& r, mqchat_summaries_fn fn,
                   void* user) {
  if (!r.ok()) return fn(user, CodeOf(r.status()), r.status().message().c_str(), nullptr, 0);
  std::vector<SummaryView> held;
  held.reserve(r->size());  // no reallocation: the views point into the elements
  std::vector<mqchat_conversation_summary> views;
  for (const ConversationSummary& s : *r) views.push_back(held.emplace_back(s).view);
  fn(user, MQCHAT_OK, "", views.data(), views.size());
}

void CallMessages(const Status& status, const std::vector<Message>& messages, bool has_more,
                  mqchat_messages_fn fn, void* user) {
  if (!status.ok()) return fn(user, CodeOf(status), status.message().c_str(), nullptr, 0, 0);
  std::vector<mqchat_message> views;
  views.reserve(messages.size());
  for (const Message& m : messages) views.push_back(View(m));
  fn(user, MQCHAT_OK, "", views.data(), views.size(), has_more ? 1 : 0);
}

// The handler `fn` for events of type E through the gate (a NULL fn removes it).
template <typename E, typename F>
std::function<void(const E&)> Handler(const GatePtr& gate, F fn, void* user,
                                      void (*call)(F, void*, const E&)) {
  if (fn == nullptr) return nullptr;
  return [gate, fn, user, call](const E& e) {
    if (gate->open) call(fn, user, e);
  };
}

}  // namespace
}  // namespace mqchat::capi

using namespace mqchat::capi;  // NOLINT: the C functions below are outside any namespace
using mqchat::Result;

extern "C" {

void mqchat_options_set_keepalive(mqchat_options* options, int64_t seconds) {
  options->options.keepalive = std::chrono::seconds(seconds);
}
void mqchat_options_set_request_timeout(mqchat_options* options, int64_t ms) {
  options->options.request_timeout = std::chrono::milliseconds(ms);
}
void mqchat_options_set_auto_reconnect(mqchat_options* options, int on) {
  options->options.auto_reconnect = on != 0;
}
void mqchat_options_set_ca_file(mqchat_options* options, const char* path) {
  options->options.ca_file = Str(path);
}

void mqchat_client_set_password(mqchat_client* client, const char* password) {
  const Use use(client);
  if (!use) return;
  client->client->SetPassword(Str(password));
}
const char* mqchat_client_user(const mqchat_client* client) {
  const Use use(client);
  if (!use) return "";
  return client->client->user().c_str();
}
const char* mqchat_client_device_id(const mqchat_client* client) {
  const Use use(client);
  if (!use) return "";
  return client->client->device_id().c_str();
}

void mqchat_client_on_message_updated(mqchat_client* client, mqchat_update_fn fn, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->OnMessageUpdated(Handler<mqchat::MessageUpdate>(
      client->gate, fn, user, +[](mqchat_update_fn f, void* u, const mqchat::MessageUpdate& e) {
        mqchat_message_update c{};
        c.kind = static_cast<mqchat_update_kind>(e.kind);
        c.message = View(e.message);
        c.event_seq = e.event_seq;
        c.actor = e.actor.c_str();
        c.emoji = e.emoji.c_str();
        f(u, &c);
      }));
}

void mqchat_client_on_read(mqchat_client* client, mqchat_read_fn fn, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->OnRead(Handler<mqchat::ReadEvent>(
      client->gate, fn, user, +[](mqchat_read_fn f, void* u, const mqchat::ReadEvent& e) {
        f(u, e.conversation_id, e.user.c_str(), e.read_seq);
      }));
}

void mqchat_client_on_typing(mqchat_client* client, mqchat_typing_fn fn, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->OnTyping(Handler<mqchat::TypingEvent>(
      client->gate, fn, user, +[](mqchat_typing_fn f, void* u, const mqchat::TypingEvent& e) {
        f(u, e.conversation_id, e.user.c_str(), e.typing ? 1 : 0);
      }));
}

void mqchat_client_on_presence(mqchat_client* client, mqchat_presence_fn fn, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->OnPresence(Handler<mqchat::PresenceEvent>(
      client->gate, fn, user, +[](mqchat_presence_fn f, void* u, const mqchat::PresenceEvent& e) {
        f(u, e.user.c_str(), e.online ? 1 : 0, e.last_seen_ms, e.devices);
      }));
}

void mqchat_client_on_conversation_event(mqchat_client* client, mqchat_conversation_event_fn fn,
                                         void* user) {
  const Use use(client);
  if (!use) return;
  client->client->OnConversationEvent(Handler<mqchat::ConversationEvent>(
      client->gate, fn, user,
      +[](mqchat_conversation_event_fn f, void* u, const mqchat::ConversationEvent& e) {
        const std::vector<const char*> users = Views(e.users);
        mqchat_conversation_event c{};
        c.event = e.event.c_str();
        c.conversation_id = e.conversation.id;
        c.kind = static_cast<mqchat_conversation_kind>(e.conversation.kind);
        c.name = e.conversation.name.c_str();
        c.actor = e.actor.c_str();
        c.users = users.data();
        c.user_count = users.size();
        c.removed_me = e.removed_me ? 1 : 0;
        f(u, &c);
      }));
}

void mqchat_client_reply(mqchat_client* client, int64_t conversation_id, int64_t reply_to,
                         const char* text, mqchat_ack_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->Reply(conversation_id, reply_to, Str(text), AckDone(client->gate, done, user));
}
void mqchat_client_edit(mqchat_client* client, int64_t conversation_id, int64_t seq,
                        const char* text, mqchat_ack_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->Edit(conversation_id, seq, Str(text), AckDone(client->gate, done, user));
}
void mqchat_client_delete(mqchat_client* client, int64_t conversation_id, int64_t seq,
                          mqchat_ack_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->Delete(conversation_id, seq, AckDone(client->gate, done, user));
}
void mqchat_client_react(mqchat_client* client, int64_t conversation_id, int64_t seq,
                         const char* emoji, int remove, mqchat_ack_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->React(conversation_id, seq, Str(emoji), remove != 0,
                        AckDone(client->gate, done, user));
}
mqchat_code mqchat_client_pending_sends(const mqchat_client* client, size_t* out) {
  const Use use(client);
  if (!use) {
    *out = 0;
    return MQCHAT_UNAVAILABLE;
  }
  auto r = client->client->PendingSends();
  *out = r.ok() ? *r : 0;
  return CodeOf(r.status());
}

void mqchat_client_create_group(mqchat_client* client, const char* name, const char* const* members,
                                size_t count, mqchat_conversation_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->CreateGroup(Str(name), Strs(members, count),
                              [gate = client->gate, done, user](Result<mqchat::Conversation> r) {
                                if (!gate->open || done == nullptr) return;
                                if (!r.ok())
                                  return done(user, CodeOf(r.status()),
                                              r.status().message().c_str(), 0);
                                done(user, MQCHAT_OK, "", r->id);
                              });
}

void mqchat_client_add_members(mqchat_client* client, int64_t conversation_id,
                               const char* const* users, size_t count, mqchat_strings_fn done,
                               void* user) {
  const Use use(client);
  if (!use) return;
  client->client->AddMembers(conversation_id, Strs(users, count),
                             [gate = client->gate, done, user](Result<std::vector<std::string>> r) {
                               if (!gate->open || done == nullptr) return;
                               if (!r.ok())
                                 return done(user, CodeOf(r.status()), r.status().message().c_str(),
                                             nullptr, 0);
                               const std::vector<const char*> added = Views(*r);
                               done(user, MQCHAT_OK, "", added.data(), added.size());
                             });
}

void mqchat_client_remove_member(mqchat_client* client, int64_t conversation_id, const char* member,
                                 mqchat_status_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->RemoveMember(conversation_id, Str(member), StatusDone(client->gate, done, user));
}
void mqchat_client_leave(mqchat_client* client, int64_t conversation_id, mqchat_status_fn done,
                         void* user) {
  const Use use(client);
  if (!use) return;
  client->client->Leave(conversation_id, StatusDone(client->gate, done, user));
}
void mqchat_client_rename(mqchat_client* client, int64_t conversation_id, const char* name,
                          mqchat_status_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->Rename(conversation_id, Str(name), StatusDone(client->gate, done, user));
}

void mqchat_client_members(mqchat_client* client, int64_t conversation_id, mqchat_members_fn done,
                           void* user) {
  const Use use(client);
  if (!use) return;
  client->client->Members(
      conversation_id, [gate = client->gate, done, user](Result<std::vector<mqchat::Member>> r) {
        if (!gate->open || done == nullptr) return;
        if (!r.ok())
          return done(user, CodeOf(r.status()), r.status().message().c_str(), nullptr, 0);
        std::vector<mqchat_member> views;
        for (const mqchat::Member& m : *r) {
          views.push_back({m.user.c_str(), static_cast<mqchat_member_role>(m.role), m.read_seq});
        }
        done(user, MQCHAT_OK, "", views.data(), views.size());
      });
}

void mqchat_client_conversations(mqchat_client* client, mqchat_summaries_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->Conversations(
      [gate = client->gate, done, user](Result<std::vector<mqchat::ConversationSummary>> r) {
        if (gate->open && done != nullptr) CallSummaries(r, done, user);
      });
}

void mqchat_client_history(mqchat_client* client, int64_t conversation_id, int64_t before_seq,
                           int64_t after_seq, int limit, mqchat_messages_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->History(conversation_id, mqchat::HistoryQuery{before_seq, after_seq, limit},
                          [gate = client->gate, done, user](Result<mqchat::HistoryPage> r) {
                            if (!gate->open || done == nullptr) return;
                            static const std::vector<mqchat::Message> kNone;
                            CallMessages(r.status(), r.ok() ? r->messages : kNone,
                                         r.ok() && r->has_more, done, user);
                          });
}

void mqchat_client_set_typing(mqchat_client* client, int64_t conversation_id, int typing,
                              mqchat_status_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->SetTyping(conversation_id, typing != 0, StatusDone(client->gate, done, user));
}
void mqchat_client_watch_presence(mqchat_client* client, const char* who, mqchat_status_fn done,
                                  void* user) {
  const Use use(client);
  if (!use) return;
  client->client->WatchPresence(Str(who), StatusDone(client->gate, done, user));
}
void mqchat_client_set_slow_mode(mqchat_client* client, int64_t conversation_id, int64_t seconds,
                                 mqchat_status_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->SetSlowMode(conversation_id, seconds, StatusDone(client->gate, done, user));
}
void mqchat_client_set_retention(mqchat_client* client, int64_t conversation_id, int64_t days,
                                 mqchat_status_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  client->client->SetRetention(conversation_id,
                               days < 0 ? std::nullopt : std::optional<int64_t>(days),
                               StatusDone(client->gate, done, user));
}
void mqchat_client_unmute(mqchat_client* client, int64_t conversation_id, mqchat_status_fn done,
                          void* user) {
  const Use use(client);
  if (!use) return;
  client->client->Unmute(conversation_id, StatusDone(client->gate, done, user));
}

void mqchat_client_set_push_settings(mqchat_client* client, int preview, int mention_push,
                                     mqchat_status_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  mqchat::PushSettings settings;
  if (preview >= 0) settings.preview = preview != 0;
  if (mention_push >= 0) settings.mention_push = mention_push != 0;
  client->client->SetPushSettings(settings, StatusDone(client->gate, done, user));
}

void mqchat_client_block(mqchat_client* client, const char* who, mqchat_status_fn done,
                         void* user) {
  const Use use(client);
  if (!use) return;
  client->client->Block(Str(who), OutcomeDone<mqchat::PrivacySettings>(client->gate, done, user));
}
void mqchat_client_unblock(mqchat_client* client, const char* who, mqchat_status_fn done,
                           void* user) {
  const Use use(client);
  if (!use) return;
  client->client->Unblock(Str(who), OutcomeDone<mqchat::PrivacySettings>(client->gate, done, user));
}
void mqchat_client_set_dm_policy(mqchat_client* client, mqchat_dm_policy policy,
                                 mqchat_status_fn done, void* user) {
  const Use use(client);
  if (!use) return;
  if (policy < MQCHAT_DM_EVERYONE || policy > MQCHAT_DM_EXISTING_ONLY) {
    return StatusDone(client->gate, done,
                      user)(mqchat::Status::InvalidArgument("unknown dm policy"));
  }
  client->client->SetDmPolicy(static_cast<mqchat::DmPolicy>(policy),
                              OutcomeDone<mqchat::PrivacySettings>(client->gate, done, user));
}

mqchat_code mqchat_client_cached_conversations(const mqchat_client* client, mqchat_summaries_fn fn,
                                               void* user) {
  const Use use(client);
  if (!use) return MQCHAT_UNAVAILABLE;
  auto r = client->client->CachedConversations();
  if (fn != nullptr) CallSummaries(r, fn, user);
  return CodeOf(r.status());
}

mqchat_code mqchat_client_cached_messages(const mqchat_client* client, int64_t conversation_id,
                                          int64_t after_seq, int limit, mqchat_messages_fn fn,
                                          void* user) {
  const Use use(client);
  if (!use) return MQCHAT_UNAVAILABLE;
  auto r = client->client->CachedMessages(conversation_id, after_seq, limit);
  static const std::vector<mqchat::Message> kNone;
  if (fn != nullptr) CallMessages(r.status(), r.ok() ? *r : kNone, false, fn, user);
  return CodeOf(r.status());
}

mqchat_code mqchat_client_total_unread(const mqchat_client* client, int64_t* out) {
  const Use use(client);
  if (!use) {
    *out = 0;
    return MQCHAT_UNAVAILABLE;
  }
  auto r = client->client->TotalUnread();
  *out = r.ok() ? *r : 0;
  return CodeOf(r.status());
}

}  // extern "C"
