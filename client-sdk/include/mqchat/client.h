// Client: the mqchat SDK's entry point. One user on one device: connection with automatic
// reconnect, offline-first SQLite cache, exactly-once sending through a persistent outbox, sync
// after every (re)connect, conversation management and history.
//
// Threads. Every method is thread-safe and never blocks on the network unless it says so
// (Connect, Disconnect, and waiting on a returned future). Work happens on two SDK threads:
//  - the engine thread owns the connection and the cache writes; it completes the futures;
//  - the callback thread runs every On* handler and every request callback, one at a time, in
//    the order the events happened. Handlers must not block for long; they may call any Client
//    method except Disconnect() and the destructor, and may wait on futures.
// Events with no handler registered queue up for NextEvent() instead.
//
// Futures or callbacks. Every request has two forms: one returns a std::future, the other
// takes a Callback as its last argument, which runs once on the callback thread with the same
// result (a UI thread never has to block or poll). The callback forms of requests return a
// RequestId for Cancel(); those of sends, replies, edits, deletions and reactions do not, as
// these are in the durable outbox and go out until acknowledged.
//
// Errors are Status/Result values, never exceptions. Status::IsRetryable() (kUnavailable) means
// "not connected / server busy; try again later"; server refusals keep the protocol error code
// in the message ("NOT_MEMBER: ...").
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mqchat/call.h"
#include "mqchat/client_options.h"
#include "mqchat/community.h"
#include "mqchat/events.h"
#include "mqchat/export.h"
#include "mqchat/push.h"
#include "mqchat/search.h"
#include "mqchat/status.h"
#include "mqchat/types.h"

namespace mqchat {

namespace sdk {
class ClientImpl;
}

// The completion of a request in its callback form.
template <typename T>
using Callback = std::function<void(T)>;

class MQCHAT_SDK_API Client {
 public:
  // Opens (or creates) the cache and starts the SDK threads; does not connect. Fails with
  // kInvalidArgument for bad options, or kFailedPrecondition if the cache cannot be opened or
  // belongs to another user.
  static Result<std::unique_ptr<Client>> Create(ClientOptions options);

  // Disconnects, completes pending futures with kUnavailable (unsent messages stay in the
  // outbox for the next Client on this cache), runs callbacks still queued, joins the threads.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // --- Connection ------------------------------------------------------------------------
  // Starts connecting and waits for the first outcome (up to connect_timeout): OK once
  // connected and subscribed (sync then runs in the background; state kSyncing -> kOnline).
  // kUnauthenticated if the server refused the credentials (no retries). kUnavailable if the
  // server could not be reached; with auto_reconnect the client keeps trying in the background.
  Status Connect();
  // Graceful disconnect; stops reconnecting. Pending sends stay in the outbox. Blocks briefly.
  void Disconnect();
  ConnectionState state() const;
  // Replaces the password or token used by the following connection attempts.
  void SetPassword(std::string password);
  const std::string& user() const;
  const std::string& device_id() const;

  // --- Sending ---------------------------------------------------------------------------
  // Stores the message in the outbox (with a fresh client_msg_id) and sends it when connected;
  // it is resent with the same client_msg_id after reconnects until the server acks it, so it
  // is stored exactly once, and messages keep their order. The future completes with the ack,
  // or with a non-retryable error (invalid text, not a member), or kUnavailable if the Client is
  // destroyed first (the message then stays in the outbox). Empty text or invalid UTF-8 fails at
  // once; the length limit is the server's (TOO_LONG comes back as kInvalidArgument).
  std::future<Result<Ack>> Send(int64_t conversation_id, std::string text);
  // Same; `done` runs on the callback thread.
  void Send(int64_t conversation_id, std::string text, Callback<Result<Ack>> done);
  // A message carrying attachments (docs/PROTOCOL.md, "Attachments"): the ids of this user's
  // finished uploads (ApiClient::Upload), at most 10, no id twice; with them `text` may be "".
  // Sent like Send; a list no server accepts fails at once (kInvalidArgument), and an id that is
  // not this user's finished upload comes back INVALID (kFailedPrecondition).
  std::future<Result<Ack>> Send(int64_t conversation_id, std::string text,
                                std::vector<std::string> attachments);
  void Send(int64_t conversation_id, std::string text, std::vector<std::string> attachments,
            Callback<Result<Ack>> done);
  // A reply: a message that answers message `reply_to` of the conversation (readers see it
  // quoted). Sent like Send; refused with kNotFound (UNKNOWN_MESSAGE) if there is no such message.
  std::future<Result<Ack>> Reply(int64_t conversation_id, int64_t reply_to, std::string text);
  void Reply(int64_t conversation_id, int64_t reply_to, std::string text,
             Callback<Result<Ack>> done);

  // --- Changing messages (docs/PROTOCOL.md, "Event kinds") -------------------------------
  // Each goes through the outbox exactly like Send (persisted first, resent with the same
  // client_msg_id until acknowledged, in order with the sends) and completes with the ack of
  // the event, whose seq is the event's own. Every member's device, this one included, then
  // sees the change through OnMessageUpdated and in its cache. Refusals keep the server's code
  // in the message: NOT_AUTHOR (kPermissionDenied), UNKNOWN_MESSAGE (kNotFound),
  // EDIT_WINDOW_CLOSED, MESSAGE_DELETED, NO_CHANGE (kFailedPrecondition), BAD_EMOJI and bad text
  // (kInvalidArgument; also at once, without the network, for what no server accepts).
  // Replaces the text of this user's own message `seq` (within the server's edit window).
  std::future<Result<Ack>> Edit(int64_t conversation_id, int64_t seq, std::string text);
  void Edit(int64_t conversation_id, int64_t seq, std::string text, Callback<Result<Ack>> done);
  // Deletes message `seq` for everyone: this user's own, or any in a group they own or admin.
  // Its text is removed from the server and from every cache; a tombstone stays.
  std::future<Result<Ack>> Delete(int64_t conversation_id, int64_t seq);
  void Delete(int64_t conversation_id, int64_t seq, Callback<Result<Ack>> done);
  // Adds this user's reaction `emoji` (one emoji) to message `seq`, or with `remove` takes it
  // back. Reactions do not count as unread.
  std::future<Result<Ack>> React(int64_t conversation_id, int64_t seq, std::string emoji,
                                 bool remove = false);
  void React(int64_t conversation_id, int64_t seq, std::string emoji, bool remove,
             Callback<Result<Ack>> done);

  // Messages and message events in the outbox not yet acknowledged.
  Result<size_t> PendingSends() const;

  // --- Conversations (requests; they need a connection, else kUnavailable at once) --------
  std::future<Result<Conversation>> OpenDirect(std::string user);
  RequestId OpenDirect(std::string user, Callback<Result<Conversation>> done);
  std::future<Result<Conversation>> CreateGroup(std::string name, std::vector<std::string> members);
  RequestId CreateGroup(std::string name, std::vector<std::string> members,
                        Callback<Result<Conversation>> done);
  // The users actually added.
  std::future<Result<std::vector<std::string>>> AddMembers(int64_t conversation_id,
                                                           std::vector<std::string> users);
  RequestId AddMembers(int64_t conversation_id, std::vector<std::string> users,
                       Callback<Result<std::vector<std::string>>> done);
  std::future<Status> RemoveMember(int64_t conversation_id, std::string user);
  RequestId RemoveMember(int64_t conversation_id, std::string user, Callback<Status> done);
  std::future<Status> Leave(int64_t conversation_id);
  RequestId Leave(int64_t conversation_id, Callback<Status> done);
  std::future<Status> Rename(int64_t conversation_id, std::string name);
  RequestId Rename(int64_t conversation_id, std::string name, Callback<Status> done);
  std::future<Result<std::vector<Member>>> Members(int64_t conversation_id);
  RequestId Members(int64_t conversation_id, Callback<Result<std::vector<Member>>> done);
  // Most recently active first; refreshes the cache.
  std::future<Result<std::vector<ConversationSummary>>> Conversations();
  RequestId Conversations(Callback<Result<std::vector<ConversationSummary>>> done);
  std::future<Result<HistoryPage>> History(int64_t conversation_id, HistoryQuery query);
  RequestId History(int64_t conversation_id, HistoryQuery query,
                    Callback<Result<HistoryPage>> done);
  // Marks messages up to `seq` read (for all of this user's devices); returns the new read seq.
  std::future<Result<int64_t>> MarkRead(int64_t conversation_id, int64_t seq);
  RequestId MarkRead(int64_t conversation_id, int64_t seq, Callback<Result<int64_t>> done);
  // Mutes the conversation for this user (all their devices) until `until_ms` (Unix ms), -1 for
  // good, 0 unmutes. Affects push and TotalUnread(); messages are still delivered.
  std::future<Status> Mute(int64_t conversation_id, int64_t until_ms);
  RequestId Mute(int64_t conversation_id, int64_t until_ms, Callback<Status> done);
  // Tells the other members this user is (not) typing. Ephemeral and rate-limited by the server.
  std::future<Status> SetTyping(int64_t conversation_id, bool typing);
  RequestId SetTyping(int64_t conversation_id, bool typing, Callback<Status> done);
  // Slow mode (docs/PROTOCOL.md "set_slow_mode"): each member may send one message per
  // `seconds` (0: off; at most 21,600) into a group (its owners and admins set it and are
  // exempt) or a text channel (members with manage_channels set it; those with manage_messages
  // or manage_channels are exempt). A send too soon is held by the outbox and resent after
  // RATE_LIMITED's retry_after_ms, in order. Conversations() and Channels() carry it.
  std::future<Status> SetSlowMode(int64_t conversation_id, int64_t seconds);
  RequestId SetSlowMode(int64_t conversation_id, int64_t seconds, Callback<Status> done);
  // Subscribes to `user`'s presence (after reconnects too); events go to OnPresence. Fails if
  // the server does not let this user see it.
  std::future<Status> WatchPresence(std::string user);
  RequestId WatchPresence(std::string user, Callback<Status> done);

  // --- Calls (docs/PROTOCOL.md section 8; mqchat/call.h) -----------------------------------
  // The SDK signals; the app's WebRTC stack carries media, configured with the session's
  // ice_servers. Events (ringing, joined, left, ended, the remote SDP and candidates) go to
  // OnCall. Refusals: NOT_MEMBER (kPermissionDenied); INVALID (kFailedPrecondition) for an
  // unknown or ended call, accepting a call this user is not rung for, a signal to a device not
  // in the call; GROUP_FULL for a call at max_call_participants; TOO_LARGE for an SDP over
  // 64 KiB; RATE_LIMITED for signals over the server's rate.
  std::future<Result<CallSession>> StartCall(int64_t conversation_id, bool video);
  std::future<Result<CallSession>> AcceptCall(int64_t conversation_id, std::string call_id);
  std::future<Result<CallSession>> JoinCall(int64_t conversation_id, std::string call_id);
  std::future<Status> DeclineCall(int64_t conversation_id, std::string call_id);
  // Leaves the call (the caller, before anyone accepted: cancels it).
  std::future<Status> HangUp(int64_t conversation_id, std::string call_id);
  std::future<Status> SendCallSignal(int64_t conversation_id, std::string call_id,
                                     CallSignal signal);
  // STUN/TURN servers with fresh TURN credentials.
  std::future<Result<std::vector<IceServer>>> IceServers();
  // Call events, on the callback thread in order. Not queued for NextEvent: without a handler
  // they are dropped (a call nobody answers rings out on the server).
  void OnCall(std::function<void(const CallEvent&)> handler);

  // --- Search (docs/PROTOCOL.md, "search") ------------------------------------------------
  // The user's messages matching `query` (every word, by its stem; Korean, Japanese and Chinese
  // by pairs of characters), newest first, over all their conversations or
  // options.conversation_id, with the sender and date filters; page on with
  // options.cursor = page.next_cursor while has_more. Messages are indexed a moment after their
  // ack. Refused: an empty, too long or word-less query, a bad cursor (kFailedPrecondition,
  // INVALID), a conversation the user is not in (kPermissionDenied, NOT_MEMBER), search turned
  // off on the server (kPermissionDenied, FORBIDDEN "search is turned off on this server").
  std::future<Result<SearchPage>> Search(std::string query, SearchOptions options = {});
  RequestId Search(std::string query, SearchOptions options, Callback<Result<SearchPage>> done);

  // --- Communities (docs/PROTOCOL.md, "Communities"; mqchat/community.h) -------------------
  // Servers, channels, roles and invites. Refusals map as elsewhere: NOT_MEMBER
  // (kPermissionDenied) for a server or channel this user is not in or may not view,
  // FORBIDDEN (kPermissionDenied) without the permission, INVALID (kFailedPrecondition) for an
  // expired or used-up invite or a ban. List servers or channels after connecting before
  // WatchChannel: the server loads this user's channel access then.
  std::future<Result<Server>> CreateServer(std::string name);
  std::future<Result<std::vector<Server>>> Servers();
  std::future<Result<Server>> JoinServer(std::string invite_code);
  std::future<Status> LeaveServer(int64_t server_id);
  // The channels of a server this user may view, by position.
  std::future<Result<std::vector<Channel>>> Channels(int64_t server_id);
  std::future<Result<Channel>> CreateChannel(int64_t server_id, ChannelOptions options);
  std::future<Result<std::vector<Role>>> Roles(int64_t server_id);
  std::future<Result<Role>> CreateRole(int64_t server_id, std::string name, int64_t permissions);
  std::future<Status> AssignRole(int64_t role_id, std::string user);
  std::future<Status> UnassignRole(int64_t role_id, std::string user);
  // A channel override for a role (allow and deny both 0 remove it).
  std::future<Status> SetChannelOverride(int64_t channel_id, int64_t role_id, int64_t allow,
                                         int64_t deny);
  std::future<Result<Invite>> CreateInvite(int64_t server_id, InviteOptions options = {});
  // Members by username, `limit` (1..1000) after `after`.
  std::future<Result<std::vector<ServerMember>>> ServerMembers(int64_t server_id,
                                                              std::string after = "",
                                                              int limit = 100);
  std::future<Status> Kick(int64_t server_id, std::string user);
  std::future<Status> Ban(int64_t server_id, std::string user);
  // The owner renames or deletes a server; with manage_channels a channel is edited or
  // deleted; with manage_roles a role is edited (docs/PROTOCOL.md, "Communities").
  std::future<Result<Server>> RenameServer(int64_t server_id, std::string name);
  std::future<Status> DeleteServer(int64_t server_id);
  std::future<Result<Channel>> EditChannel(int64_t channel_id, ChannelEdit edit);
  std::future<Status> DeleteChannel(int64_t channel_id);
  std::future<Result<Role>> EditRole(int64_t role_id, RoleEdit edit);
  // Receives the channel's messages live (OnMessage, cached like a conversation's), now and
  // after every reconnect, while this Client lives. kPermissionDenied if the server refuses the
  // subscription (no view permission, or its access not loaded yet). Messages sent while away
  // come with sync, as for conversations; Send, History and MarkRead take the channel id.
  std::future<Status> WatchChannel(int64_t channel_id);
  // Stops WatchChannel: the topic is unsubscribed now (if connected) and not again after a
  // reconnect. The channel's messages still come with sync and History.
  std::future<Status> UnwatchChannel(int64_t channel_id);

  // Settles request `id` (a RequestId of a callback form) with kCancelled if its response has
  // not come yet: its callback runs with that, and a later response is ignored. The server may
  // still have carried the request out. Unknown or settled ids are ignored.
  void Cancel(RequestId id);

  // --- Blocking and who may message me (docs/PROTOCOL.md) -------------------------------
  // Each answers with this user's settings after the request, which the cache keeps; the
  // user's other devices get them as an OnPrivacy event. A blocked user cannot open a direct
  // conversation with this user or write into one (NOT_ACCEPTING, which does not reveal the
  // block); in groups, apps hide their messages (PrivacySettings::IsBlocked).
  // Refused: blocking oneself or more than 1,000 blocked users (kFailedPrecondition, INVALID),
  // an unknown user (kNotFound).
  std::future<Result<PrivacySettings>> Block(std::string user);
  RequestId Block(std::string user, Callback<Result<PrivacySettings>> done);
  std::future<Result<PrivacySettings>> Unblock(std::string user);
  RequestId Unblock(std::string user, Callback<Result<PrivacySettings>> done);
  // Fetches the settings (the SDK also does after every connection).
  std::future<Result<PrivacySettings>> Blocks();
  RequestId Blocks(Callback<Result<PrivacySettings>> done);
  std::future<Result<PrivacySettings>> SetDmPolicy(DmPolicy policy);
  RequestId SetDmPolicy(DmPolicy policy, Callback<Result<PrivacySettings>> done);
  // The settings as last received (defaults if never), without the network.
  Result<PrivacySettings> CachedPrivacy() const;

  // --- Profiles (docs/PROTOCOL.md "profile") -----------------------------------------------
  // The newest profile of `user` that a profile event brought since this Client last
  // connected, or nullopt: the SDK keeps no profile it was not sent. Profiles are fetched from
  // the API service (GET /v1/users/{name}); this cache keeps what changes after that. A lost
  // connection empties it: changes made while away are not sent again, so refetch then (on
  // OnConnectionChange to kSyncing). No network.
  std::optional<Profile> CachedProfile(const std::string& user) const;

  // --- Reporting abuse (docs/PROTOCOL.md "report") -----------------------------------------
  // Files `report` in the operator's queue. Refused: a reason not in the list, details too
  // long, a message and a user who is not its sender (kInvalidArgument, BAD_REQUEST), oneself
  // (kFailedPrecondition, INVALID), an unknown user (kNotFound), a message of a conversation
  // this user is not in (kPermissionDenied, NOT_MEMBER), more than 10 a minute
  // (kUnavailable, RATE_LIMITED).
  std::future<Result<ReportReceipt>> Report(AbuseReport report);
  RequestId Report(AbuseReport report, Callback<Result<ReportReceipt>> done);

  // --- Push notifications (docs/PROTOCOL.md section 7; mqchat/push.h) ----------------------
  // Sets this device's push target (one per device; registering again replaces it, and a token
  // registered on another device moves here). Call it whenever the platform gives the app a
  // token, and PushUnregister() at logout. Refused: an empty or too long token
  // (kInvalidArgument, at once; the token never appears in messages or logs).
  std::future<Status> PushRegister(PushPlatform platform, std::string token);
  RequestId PushRegister(PushPlatform platform, std::string token, Callback<Status> done);
  // Removes this device's push target; true if there was one.
  std::future<Result<bool>> PushUnregister();
  RequestId PushUnregister(Callback<Result<bool>> done);
  // The user's push settings, for all their devices (at least one field set, else
  // kInvalidArgument at once).
  std::future<Status> SetPushSettings(PushSettings settings);
  RequestId SetPushSettings(PushSettings settings, Callback<Status> done);
  // Mute(conversation_id, 0).
  std::future<Status> Unmute(int64_t conversation_id);
  RequestId Unmute(int64_t conversation_id, Callback<Status> done);
  // A group's retention (docs/PROTOCOL.md "set_retention"): messages older than `days` are
  // removed (0 keeps forever; nullopt follows the server's default again). Owners and admins;
  // FORBIDDEN (kPermissionDenied) for others and for direct conversations.
  std::future<Status> SetRetention(int64_t conversation_id, std::optional<int64_t> days);
  RequestId SetRetention(int64_t conversation_id, std::optional<int64_t> days,
                         Callback<Status> done);

  // --- The app's life on a phone (client-sdk/README.md, "On a phone") ---------------------
  // None of these blocks. The app went to the background: typing indicators this device set
  // are turned off, and after options.background_grace (0: at once) the client disconnects
  // cleanly, so the server sees the device offline and notifications go to its push target.
  // The outbox keeps what is unsent.
  void EnterBackground();
  // The app is in front again: connects now (cutting any backoff wait short) and syncs, or, if
  // still connected, syncs at once. The future gets the connection's outcome (as Connect()).
  std::future<Status> EnterForeground();
  // The platform says the network changed (Wi-Fi to cellular, back online): the connection of
  // the old network is dropped and a new one dialled now, without backoff. No-op while the
  // client is not meant to be connected (after Disconnect, or in the background).
  void NetworkChanged();
  // A notification reached the app (`fields`: FCM's data, APNs' userInfo as strings; see
  // ParsePushNotice). Fetches the announced messages of that conversation into the cache
  // (delivering them to OnMessage, once, as sync does) and completes within `deadline`:
  // with the messages (PushFetch::complete false if the deadline cut the fetch short), or
  // kUnavailable if none came in time, kInvalidArgument for fields that announce no messages.
  // In the background it connects for the fetch alone (no full sync) and disconnects after.
  std::future<Result<PushFetch>> HandlePushPayload(std::map<std::string, std::string> fields,
                                                   std::chrono::milliseconds deadline);
  void HandlePushPayload(std::map<std::string, std::string> fields,
                         std::chrono::milliseconds deadline, Callback<Result<PushFetch>> done);

  // --- Offline cache (no network) ---------------------------------------------------------
  Result<std::vector<ConversationSummary>> CachedConversations() const;
  // The user's unread total over the cached conversations not muted now (the sum of their
  // `unread`), for the app's own badge: push's counts.unread (docs/PROTOCOL.md 7.2).
  Result<int64_t> TotalUnread() const;
  // Cached messages of a conversation with seq > after_seq, ascending, at most `limit`, in their
  // current state (edited text, tombstones, reactions, reply quotes); never the events.
  Result<std::vector<Message>> CachedMessages(int64_t conversation_id, int64_t after_seq = 0,
                                              int limit = 100) const;

  // --- Events ----------------------------------------------------------------------------
  // Each message of each conversation is delivered once (also across restarts on the same
  // cache), in seq order per conversation and without gaps: messages missed while offline
  // come first, from sync. The user's own sent messages are included.
  // An edit, a deletion or a reaction is not a new message: it comes to OnMessageUpdated.
  void OnMessage(std::function<void(const Message&)> handler);
  // A message changed (edited, deleted, a reaction added or removed): once per event, in seq
  // order with the messages, live or from sync, the user's own events included; the message
  // is given as it is now. Events on messages this device never had are not reported.
  void OnMessageUpdated(std::function<void(const MessageUpdate&)> handler);
  void OnConversationEvent(std::function<void(const ConversationEvent&)> handler);
  void OnRead(std::function<void(const ReadEvent&)> handler);
  void OnTyping(std::function<void(const TypingEvent&)> handler);
  // Presence of watched users (WatchPresence), and of this user (their own devices).
  void OnPresence(std::function<void(const PresenceEvent&)> handler);
  void OnConnectionChange(std::function<void(const ConnectionEvent&)> handler);
  // This user's block list or dm_policy changed (a request of any of their devices).
  void OnPrivacy(std::function<void(const PrivacySettings&)> handler);
  // A profile changed (display name, status text or avatar) of this user or of a user sharing a
  // conversation with them: once per change this connection received, live only (never from
  // sync); CachedProfile has it by then.
  void OnProfile(std::function<void(const Profile&)> handler);
  // The next event that has no handler, waiting up to `timeout`; nullopt if none came.
  // Call from one thread (not the callback thread).
  std::optional<Event> NextEvent(std::chrono::milliseconds timeout);

 private:
  explicit Client(std::unique_ptr<sdk::ClientImpl> impl);
  std::unique_ptr<sdk::ClientImpl> impl_;
};

}  // namespace mqchat
