#include "commands.h"

#include <algorithm>
#include <ctime>
#include <iostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/jwt.h"
#include "backup.h"
#include "auth/password_hash.h"
#include "invites.h"
#include "password_input.h"
#include "protocol/identity.h"
#include "audit.h"
#include "reports.h"
#include "conversations.h"
#include "retention.h"
#include "store/shard_move.h"
#include "root_guard.h"
#include "store/store_factory.h"
#include "user_data.h"

namespace mqchat::ctl {
namespace {

// A store or configuration failure, as opposed to a refusal of the request itself.
Status StoreError(const Status& s) { return Status(Code::kUnavailable, s.message()); }

const char* StateName(store::UserState s) {
  switch (s) {
    case store::UserState::kActive: return "active";
    case store::UserState::kDisabled: return "disabled";
    case store::UserState::kDeleted: return "deleted";
  }
  return "?";
}

nlohmann::json UserJson(const store::UserRecord& u) {
  return {{"username", u.username},
          {"state", StateName(u.state)},
          {"user_id", u.user_id},
          {"created_at_ms", u.created_at_ms}};
}

// Every user row, deleted ones included, ordered by name (the store lists deleted users only
// in its change feed, which pages by rev).
Result<std::vector<store::UserRecord>> AllUsers(store::AccountStore& store) {
  std::vector<store::UserRecord> out;
  int64_t after = 0;
  constexpr int kPage = 1000;
  while (true) {
    auto page = store.UsersChangedSince(after, kPage);
    if (!page.ok()) return page.status();
    for (auto& u : *page) {
      after = std::max(after, u.rev);
      out.push_back(std::move(u));
    }
    if (page->size() < static_cast<size_t>(kPage)) break;
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.username < b.username; });
  return out;
}

// The user `name` names, spelled any way (names are unique ignoring case), deleted ones too.
// The store looks up the exact spelling; other spellings need a pass over every user row,
// which an operator's command can afford.
Result<store::UserRecord> FindUser(store::AccountStore& store, const std::string& name) {
  auto exact = store.GetUser(name);
  if (exact.ok() || exact.status().code() != Code::kNotFound) return exact;
  MQCHAT_ASSIGN_OR_RETURN(auto users, AllUsers(store));
  const std::string key = protocol::UsernameKey(name);
  for (auto& u : users) {
    if (protocol::UsernameKey(u.username) == key) return std::move(u);
  }
  return exact.status();
}

}  // namespace

Status Ctl::Run(const Request& r) {
  switch (r.command) {
    case Command::kMigrate:
      MQCHAT_RETURN_IF_ERROR(OpenStore(/*may_create=*/true));
      std::cout << "schema is up to date\n";
      return Status::Ok();
    case Command::kUserAdd: return AddUser(r.name);
    case Command::kUserList: return List(r.all, r.json);
    case Command::kUserShow: return Show(r.name, r.json);
    case Command::kInviteCreate: return Invite(r.invite_uses, r.invite_ttl_s);
    case Command::kToken: return Token(r.name, r.token_ttl_s);
    case Command::kBackup:
    case Command::kRestore: return Backup(r.command, r.path, r.json);
    case Command::kReportsList: return ListReports(config_.store, r.open_only, r.json);
    case Command::kReportsResolve:
      return ResolveReport(config_.store, r.report_id,
                           Resolution{r.note, r.delete_message, r.disable_user});
    case Command::kAuditList: return ListAudit(config_.store, r.json);
    case Command::kUserErase:
      MQCHAT_RETURN_IF_ERROR(protocol::ValidateUsername(r.name));
      return EraseUser(config_.store, r.name, r.erase_messages);
    case Command::kUserExport:
      MQCHAT_RETURN_IF_ERROR(protocol::ValidateUsername(r.name));
      return ExportUser(config_.store, r.name, r.path);
    case Command::kConversationRetention:
      return SetConversationRetention(config_.store, r.conversation_id, r.days);
    case Command::kConversationList:
      if (!r.name.empty()) MQCHAT_RETURN_IF_ERROR(protocol::ValidateUsername(r.name));
      return ListConversations(config_.store, r.name, r.limit, r.json);
    case Command::kConversationShow: return ShowConversation(config_.store, r.conversation_id, r.json);
    case Command::kGroupAdminAdd:
    case Command::kGroupAdminRemove:
      MQCHAT_RETURN_IF_ERROR(protocol::ValidateUsername(r.name));
      return SetGroupAdmin(config_.store, r.conversation_id, r.name,
                           r.command == Command::kGroupAdminAdd);
    case Command::kStats: return ShowStats(config_.store, r.json);
    case Command::kConversationMove: {
      auto moved =
          store::MoveConversation(config_.store, r.conversation_id, static_cast<int>(r.shard));
      if (!moved.ok()) return moved.status();
      std::cout << "conversation " << r.conversation_id << " moved from shard " << moved->from
                << " to shard " << moved->to << " (" << moved->rows << " rows, last seq "
                << moved->last_seq << "; its sends waited " << moved->locked_ms << " ms)\n";
      return Status::Ok();
    }
    default: return ChangeUser(r.command, r.name);
  }
}

Status Ctl::OpenStore(bool may_create) {
  store::StoreConfig store_config = config_.store;
  store_config.create_if_missing = may_create;
  if (may_create) MQCHAT_RETURN_IF_ERROR(CheckRootMayCreate(store_config));
  auto s = store::OpenAccountStore(store_config);
  if (!s.ok()) return StoreError(s.status());
  store_ = std::move(*s);
  return Status::Ok();
}

Status Ctl::AddUser(const std::string& name) {
  MQCHAT_RETURN_IF_ERROR(protocol::ValidateAccountName(name));
  MQCHAT_ASSIGN_OR_RETURN(auto password, ReadNewPassword(name));
  auto hash = auth::HashPassword(password);
  if (!hash.ok()) return hash.status();
  MQCHAT_RETURN_IF_ERROR(OpenStore(/*may_create=*/true));
  auto rec = store_->AddUser(name, *hash);
  if (rec.ok()) {
    std::cout << "added user " << name << " (id " << rec->user_id << ")\n";
    return Status::Ok();
  }
  if (rec.status().code() != Code::kAlreadyExists) return rec.status();
  // Say which: a deleted user keeps the name for good (their messages keep their author).
  auto existing = FindUser(*store_, name);
  if (existing.ok() && existing->state == store::UserState::kDeleted) {
    return Status(Code::kAlreadyExists,
                  "the name " + name + " belonged to user " + existing->username + " (id " +
                      std::to_string(existing->user_id) +
                      "), who was deleted; a deleted name can never be reused");
  }
  if (existing.ok()) {
    return Status(Code::kAlreadyExists, "user " + existing->username + " already exists (" +
                                            StateName(existing->state) + ")");
  }
  return rec.status();
}

Status Ctl::ChangeUser(Command command, const std::string& name) {
  MQCHAT_RETURN_IF_ERROR(protocol::ValidateUsername(name));
  std::string hash;
  if (command == Command::kUserPasswd) {
    MQCHAT_ASSIGN_OR_RETURN(auto password, ReadNewPassword(name));
    MQCHAT_ASSIGN_OR_RETURN(hash, auth::HashPassword(password));
  }
  MQCHAT_RETURN_IF_ERROR(OpenStore(/*may_create=*/false));
  Status s;
  const char* verb = "";
  switch (command) {
    case Command::kUserPasswd:
      s = store_->SetPasswordHash(name, hash), verb = "passwd";
      break;
    case Command::kUserDisable:
      s = store_->SetState(name, store::UserState::kDisabled), verb = "disable";
      break;
    case Command::kUserEnable:
      s = store_->SetState(name, store::UserState::kActive), verb = "enable";
      break;
    default:
      s = store_->SetState(name, store::UserState::kDeleted), verb = "delete";
  }
  if (s.ok()) std::cout << verb << ": " << name << " done\n";
  return s;
}

Status Ctl::List(bool all, bool json) {
  MQCHAT_RETURN_IF_ERROR(OpenStore(/*may_create=*/false));
  auto users = all ? AllUsers(*store_) : store_->ListUsers();
  if (!users.ok()) return StoreError(users.status());
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& u : *users) out.push_back(UserJson(u));
    std::cout << out.dump() << "\n";
    return Status::Ok();
  }
  for (const auto& u : *users) {
    std::cout << u.username << "\t" << StateName(u.state) << "\t" << u.user_id << "\n";
  }
  return Status::Ok();
}

Status Ctl::Show(const std::string& name, bool json) {
  MQCHAT_RETURN_IF_ERROR(protocol::ValidateUsername(name));
  MQCHAT_RETURN_IF_ERROR(OpenStore(/*may_create=*/false));
  auto u = FindUser(*store_, name);
  if (!u.ok()) {
    return u.status().code() == Code::kNotFound ? Status::NotFound("no user " + name)
                                                : StoreError(u.status());
  }
  if (json) {
    std::cout << UserJson(*u).dump() << "\n";
  } else {
    std::cout << u->username << "\t" << StateName(u->state) << "\t" << u->user_id << "\n";
  }
  return Status::Ok();
}

Status Ctl::Invite(int64_t uses, int64_t ttl_s) {
  MQCHAT_RETURN_IF_ERROR(OpenStore(/*may_create=*/false));
  auto sessions = api::OpenSessionStore(config_.store);
  if (!sessions.ok()) return StoreError(sessions.status());
  const int64_t now_ms = static_cast<int64_t>(std::time(nullptr)) * 1000;
  auto code = api::CreateInvite(**sessions, uses, ttl_s, now_ms);
  if (!code.ok()) {
    return code.status().code() == Code::kInvalidArgument ? code.status()
                                                          : StoreError(code.status());
  }
  std::cout << *code << "\n";
  return Status::Ok();
}

// Mints a token only for a user the store has and who may log in, under the stored spelling.
Status Ctl::Token(const std::string& name, int64_t ttl_s) {
  MQCHAT_RETURN_IF_ERROR(protocol::ValidateUsername(name));
  if (config_.auth.jwt_hs256_secret.empty()) {
    return Status::InvalidArgument(
        "no plugin_opt_jwt_hs256_secret or _file in the config given with --config");
  }
  MQCHAT_RETURN_IF_ERROR(OpenStore(/*may_create=*/false));
  auto user = FindUser(*store_, name);
  if (!user.ok()) {
    if (user.status().code() != Code::kNotFound) return StoreError(user.status());
    return Status::NotFound("no user " + name + "; add one first with `mqchatctl user add " +
                            name + "` (no token was made)");
  }
  if (user->state != store::UserState::kActive) {
    return Status(Code::kPermissionDenied, "user " + user->username + " is " +
                                               StateName(user->state) + "; no token was made");
  }
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  nlohmann::json claims = {{"sub", user->username}, {"iat", now}, {"exp", now + ttl_s}};
  if (!config_.auth.jwt_issuer.empty()) claims["iss"] = config_.auth.jwt_issuer;
  if (!config_.auth.jwt_audience.empty()) claims["aud"] = config_.auth.jwt_audience;
  auto token = auth::SignHs256(claims, config_.auth.jwt_hs256_secret);
  if (!token.ok()) return token.status();
  std::cout << *token << "\n";
  return Status::Ok();
}

Status Ctl::Backup(Command command, const std::string& path, bool json) {
  const bool backup = command == Command::kBackup;
  auto done = backup ? BackupSqlite(config_.store, path) : RestoreSqlite(config_.store, path);
  if (!done.ok()) return done.status();
  const std::string& file = backup ? path : config_.store.sqlite_path;
  if (json) {
    std::cout << nlohmann::json{{"file", file},
                                {"schema_version", done->schema_version},
                                {"messages", done->messages},
                                {"bytes", done->bytes}}
                     .dump()
              << "\n";
  } else {
    std::cout << (backup ? "backed up to " : "restored ") << file << ": schema "
              << done->schema_version << ", " << done->messages << " messages, " << done->bytes
              << " bytes\n";
  }
  return Status::Ok();
}

}  // namespace mqchat::ctl
