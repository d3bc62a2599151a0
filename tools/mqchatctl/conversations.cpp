#include "conversations.h"

#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "store/chat_store.h"
#include "store/operator_store.h"
#include "store/store_factory.h"

namespace mqchat::ctl {
namespace {

constexpr int kPage = 500;  // rows read per query while listing

int64_t NowMs() { return static_cast<int64_t>(std::time(nullptr)) * 1000; }

store::StoreConfig Existing(const store::StoreConfig& config) {
  store::StoreConfig existing = config;
  existing.create_if_missing = false;
  return existing;
}

// A refusal keeps its code; anything else is the store's failure.
Status Failure(const Status& s) {
  switch (s.code()) {
    case Code::kNotFound:
    case Code::kInvalidArgument:
    case Code::kAlreadyExists: return s;
    case Code::kFailedPrecondition: return Status::InvalidArgument(s.message());
    default: return Status(Code::kUnavailable, s.message());
  }
}

const char* ShapeName(store::ConversationShape shape) {
  switch (shape) {
    case store::ConversationShape::kDirect: return "direct";
    case store::ConversationShape::kGroup: return "group";
    case store::ConversationShape::kChannel: return "channel";
  }
  return "group";
}

const char* RoleName(store::MemberRole role) {
  switch (role) {
    case store::MemberRole::kOwner: return "owner";
    case store::MemberRole::kAdmin: return "admin";
    case store::MemberRole::kMember: return "member";
  }
  return "member";
}

}  // namespace

Status ListConversations(const store::StoreConfig& config, const std::string& user, int64_t limit,
                         bool json) {
  if (limit < 1) return Status::InvalidArgument("--limit must be at least 1");
  auto store = store::OpenOperatorStore(Existing(config));
  if (!store.ok()) return Status(Code::kUnavailable, store.status().message());
  nlohmann::json out = nlohmann::json::array();
  store::ConversationId after = 0;
  int64_t left = limit;
  while (left > 0) {
    const int page = static_cast<int>(std::min<int64_t>(left, kPage));
    auto rows = (*store)->ListConversations(after, page, user);
    if (!rows.ok()) return Failure(rows.status());
    for (const auto& row : *rows) {
      if (json) {
        out.push_back({{"id", row.id},
                       {"kind", ShapeName(row.shape)},
                       {"name", row.name},
                       {"members", row.members},
                       {"last_seq", row.last_seq},
                       {"last_activity_ms", row.last_activity_ms},
                       {"created_at_ms", row.created_at_ms}});
      } else {
        std::cout << row.id << "\t" << ShapeName(row.shape) << "\t" << row.name << "\t"
                  << row.members << "\t" << row.last_seq << "\t" << row.last_activity_ms << "\n";
      }
      after = row.id;
    }
    left -= static_cast<int64_t>(rows->size());
    if (static_cast<int>(rows->size()) < page) break;
  }
  if (json) std::cout << out.dump() << "\n";
  return Status::Ok();
}

Status ShowConversation(const store::StoreConfig& config, int64_t id, bool json) {
  auto chat = store::OpenChatStore(Existing(config));
  if (!chat.ok()) return Status(Code::kUnavailable, chat.status().message());
  auto conv = (*chat)->GetConversation(id);
  if (!conv.ok()) return Failure(conv.status());
  const bool direct = conv->kind == store::ConversationKind::kDirect;
  if (json) {
    nlohmann::json members = nlohmann::json::array();
    for (const auto& m : conv->members) {
      members.push_back({{"username", m.username}, {"role", RoleName(m.role)}});
    }
    std::cout << nlohmann::json{{"id", conv->id},
                                {"kind", direct ? "direct" : "group"},
                                {"name", conv->name},
                                {"last_seq", conv->last_seq},
                                {"members_version", conv->members_version},
                                {"members", members}}
                     .dump()
              << "\n";
    return Status::Ok();
  }
  std::cout << "conversation " << conv->id << " (" << (direct ? "direct" : "group")
            << (conv->name.empty() ? "" : ", \"" + conv->name + "\"") << "): last seq "
            << conv->last_seq << ", " << conv->members.size() << " members\n";
  for (const auto& m : conv->members) std::cout << m.username << "\t" << RoleName(m.role) << "\n";
  return Status::Ok();
}

Status SetGroupAdmin(const store::StoreConfig& config, int64_t id, const std::string& user,
                     bool admin) {
  auto store = store::OpenOperatorStore(Existing(config));
  if (!store.ok()) return Status(Code::kUnavailable, store.status().message());
  const store::MemberRole role = admin ? store::MemberRole::kAdmin : store::MemberRole::kMember;
  Status set = (*store)->SetMemberRole(id, user, role, NowMs());
  if (!set.ok()) return Failure(set);
  std::cout << user << " is " << (admin ? "an admin" : "a member") << " of conversation " << id
            << "\n";
  return Status::Ok();
}

Status ShowStats(const store::StoreConfig& config, bool json) {
  auto store = store::OpenOperatorStore(Existing(config));
  if (!store.ok()) return Status(Code::kUnavailable, store.status().message());
  const int64_t day_ago = NowMs() - 86400 * 1000LL;
  auto stats = (*store)->Stats(day_ago);
  if (!stats.ok()) return Failure(stats.status());
  const std::pair<const char*, int64_t> rows[] = {
      {"users_active", stats->users_active},
      {"users_disabled", stats->users_disabled},
      {"users_deleted", stats->users_deleted},
      {"direct_conversations", stats->direct_conversations},
      {"groups", stats->groups},
      {"channels", stats->channels},
      {"messages", stats->messages},
      {"messages_last_24h", stats->messages_since},
      {"open_reports", stats->open_reports},
  };
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, value] : rows) {
    if (json) {
      out[name] = value;
    } else {
      std::cout << name << "\t" << value << "\n";
    }
  }
  if (json) std::cout << out.dump() << "\n";
  return Status::Ok();
}

}  // namespace mqchat::ctl
