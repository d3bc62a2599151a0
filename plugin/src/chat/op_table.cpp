#include "chat/op_table.h"

#include "chat/block_ops.h"
#include "chat/conversation_ops.h"
#include "chat/message_event_ops.h"
#include "chat/push_ops.h"
#include "chat/read_ops.h"
#include "chat/report_ops.h"
#include "chat/retention_ops.h"
#include "chat/send_pipeline.h"
#include "chat/typing_ops.h"
#include "search/search_ops.h"

namespace mqchat::chat {
namespace {

// The refusal of `search` by a broker with plugin_opt_search_index false (FORBIDDEN).
constexpr const char* kSearchDisabledMessage = "search is turned off on this server";

using PushPlan = Plan (PushOps::*)(const OpRequest&, const ChatTools&);

// A push op: refused as UNAVAILABLE when the plugin runs without push.
OpHandler PushRoute(PushOps* push, const ChatTools& tools, PushPlan plan) {
  return [push, tools, plan](const OpRequest& r) -> Plan {
    if (push == nullptr) {
      return Refusal{protocol::ErrorCode::kUnavailable, "push notifications are not available"};
    }
    return (push->*plan)(r, tools);
  };
}

using BlockPlan = Plan (BlockOps::*)(const OpRequest&);

OpHandler BlockRoute(BlockOps* blocks, BlockPlan plan) {
  return [blocks, plan](const OpRequest& r) -> Plan {
    if (blocks == nullptr) return Refusal{protocol::ErrorCode::kUnavailable, "blocking is off"};
    return (blocks->*plan)(r);
  };
}

}  // namespace

OpTable MakeOpTable(OpHandlers h, const ChatTools& tools) {
  using protocol::Op;
  constexpr WorkerKind kWriter = WorkerKind::kWriter;
  constexpr WorkerKind kReader = WorkerKind::kUserReader;
  auto& send = h.send;
  auto& conv = h.conversations;
  auto& reads = h.reads;
  auto& typing = h.typing;
  OpTable t;
  t.Add(Op::kSend, kWriter, [&send](const OpRequest& r) { return send.PlanSend(r); });
  t.Add(Op::kOpenDirect, kWriter, [&conv](const OpRequest& r) { return conv.OpenDirect(r); });
  t.Add(Op::kCreateGroup, kWriter, [&conv](const OpRequest& r) { return conv.CreateGroup(r); });
  t.Add(Op::kAddMembers, kWriter, [&conv](const OpRequest& r) { return conv.AddMembers(r); });
  t.Add(Op::kRemoveMember, kWriter, [&conv](const OpRequest& r) { return conv.RemoveMember(r); });
  t.Add(Op::kLeave, kWriter, [&conv](const OpRequest& r) { return conv.RemoveMember(r); });
  t.Add(Op::kRename, kWriter, [&conv](const OpRequest& r) { return conv.Rename(r); });
  t.Add(Op::kRead, kWriter, [&conv](const OpRequest& r) { return conv.MarkRead(r); });
  t.Add(Op::kHistory, kReader, [&reads](const OpRequest& r) { return reads.History(r); });
  t.Add(Op::kMembers, kReader, [&reads](const OpRequest& r) { return reads.Members(r); });
  t.Add(Op::kConversations, kReader,
        [&reads](const OpRequest& r) { return reads.Conversations(r); });
  t.Add(Op::kSync, kReader, [&reads](const OpRequest& r) { return reads.Sync(r); });
  // Answered on the broker thread when the membership cache can tell; else the user's reader.
  t.Add(Op::kTyping, kReader, [&typing](const OpRequest& r) { return typing.Typing(r); });
  t.Add(Op::kPushRegister, kWriter, PushRoute(h.push, tools, &PushOps::Register));
  t.Add(Op::kPushUnregister, kWriter, PushRoute(h.push, tools, &PushOps::Unregister));
  t.Add(Op::kPushSettings, kWriter, PushRoute(h.push, tools, &PushOps::Settings));
  t.Add(Op::kMute, kWriter, PushRoute(h.push, tools, &PushOps::Mute));
  if (auto* events = h.events) {  // the message events: sends of another kind (writer batch)
    t.Add(Op::kEdit, kWriter, [events](const OpRequest& r) { return events->Edit(r); });
    t.Add(Op::kDelete, kWriter, [events](const OpRequest& r) { return events->Delete(r); });
    t.Add(Op::kReact, kWriter, [events](const OpRequest& r) { return events->React(r); });
  }
  t.Add(Op::kBlock, kWriter, BlockRoute(h.blocks, &BlockOps::Block));
  t.Add(Op::kUnblock, kWriter, BlockRoute(h.blocks, &BlockOps::Unblock));
  t.Add(Op::kSetDmPolicy, kWriter, BlockRoute(h.blocks, &BlockOps::SetDmPolicy));
  t.Add(Op::kBlocks, kReader, BlockRoute(h.blocks, &BlockOps::Blocks));
  if (auto* reports = h.reports) {
    t.Add(Op::kReport, kWriter, [reports](const OpRequest& r) { return reports->Report(r); });
  }
  if (auto* search = h.search) {  // queued on the search worker by the handler itself
    t.Add(Op::kSearch, kReader, [search](const OpRequest& r) { return search->Search(r); });
  } else {  // plugin_opt_search_index false: no index to search; not retryable, not UNKNOWN_OP
    t.Add(Op::kSearch, kReader, [](const OpRequest&) -> Plan {
      return Refusal{protocol::ErrorCode::kForbidden, kSearchDisabledMessage};
    });
  }
  if (auto* retention = h.retention) {
    t.Add(Op::kSetRetention, kWriter,
          [retention](const OpRequest& r) { return retention->SetRetention(r); });
    t.Add(Op::kSetSlowMode, kWriter,
          [retention](const OpRequest& r) { return retention->SetSlowMode(r); });
  }
  return t;
}

}  // namespace mqchat::chat
