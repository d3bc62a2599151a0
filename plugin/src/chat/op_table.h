// The op table: for every request op, the handler that plans it on the broker thread and the
// kind of worker its store work runs on. ChatService routes every parsed request through it,
// and MakeOpTable (op_table.cpp) is the one place that lists the ops. Broker thread.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "session/client_session.h"
#include "chat/channel_access.h"
#include "chat/member_loader.h"
#include "chat/reply.h"
#include "chat/store_worker.h"
#include "chat/worker_replies.h"
#include "protocol/errors.h"
#include "protocol/ops.h"
#include "protocol/requests.h"
#include "util/clock.h"

namespace mqchat::search {
class SearchOps;
}  // namespace mqchat::search

namespace mqchat::chat {

// Where a request's store work runs.
enum class WorkerKind {
  kWriter,      // the writer worker: sends (group commit), membership, read markers, push
  kUserReader,  // the requesting user's reader (reader_pool.h), so their reads keep order
};

// A request as its handler gets it. The handler may take strings out of `req` (a send's text).
struct OpRequest {
  const session::ClientSession& who;
  protocol::Request& req;
  const ReplyTo& to;
};

// A request refused on the broker thread, before any worker: an error response at once.
struct Refusal {
  protocol::ErrorCode code;
  std::string message;
  int64_t retry_after_ms = 0;  // RATE_LIMITED: the wait; 0: none given
};
// The request was answered on the broker thread; nothing to queue.
struct Answered {};

// What a handler made of a request: a task for its worker, a send for the writer's next
// batch, a refusal, or an answer already given.
using Plan = std::variant<StoreTask, SendJob, Refusal, Answered>;

// What the handlers share: the clock, the members, the way back to the broker thread.
struct ChatTools {
  const Clock& clock;
  MemberLoader& members;
  WorkerReplies& replies;
  // Text channels (issue 18): null when communities are off (no conversation is a channel).
  ChannelAccess* channels = nullptr;
};

using OpHandler = std::function<Plan(const OpRequest&)>;

struct OpRoute {
  WorkerKind worker = WorkerKind::kWriter;
  OpHandler handler;
};

class OpTable {
 public:
  void Add(protocol::Op op, WorkerKind worker, OpHandler handler) {
    routes_[static_cast<size_t>(op)] = OpRoute{worker, std::move(handler)};
  }
  // The route of `op`, or null if no handler serves it.
  const OpRoute* Find(protocol::Op op) const {
    const auto& route = routes_[static_cast<size_t>(op)];
    return route ? &*route : nullptr;
  }

 private:
  // Indexed by op: RequestBody has one alternative per op (protocol/requests.h).
  std::array<std::optional<OpRoute>, std::variant_size_v<protocol::RequestBody>> routes_;
};

class SendPipeline;
class ConversationOps;
class ReadOps;
class TypingOps;
class PushOps;
class MessageEventOps;
class BlockOps;
class ReportOps;
class RetentionOps;

// The handler groups the table routes to; they outlive the table. `push` may be null; so may
// `blocks` (then the block ops answer UNAVAILABLE).
struct OpHandlers {
  SendPipeline& send;
  ConversationOps& conversations;
  ReadOps& reads;
  TypingOps& typing;
  PushOps* push;
  MessageEventOps* events = nullptr;  // edit, delete, react (issue 16); null: not served
  BlockOps* blocks = nullptr;
  ReportOps* reports = nullptr;  // null: report answers UNKNOWN_OP
  search::SearchOps* search = nullptr;  // null: search answers UNKNOWN_OP (its own worker)
  RetentionOps* retention = nullptr;  // null: set_retention answers UNKNOWN_OP
};

// Every op ChatService answers: op -> (worker kind, handler).
OpTable MakeOpTable(OpHandlers handlers, const ChatTools& tools);

}  // namespace mqchat::chat
