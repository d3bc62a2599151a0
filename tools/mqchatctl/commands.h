// mqchatctl's commands over the store: what one parsed command line asks for (`Request`, filled
// by main.cpp's parser) and `Ctl`, which does it and prints the result on stdout (text, or one
// JSON document with --json for the list/show commands). Main thread.
#pragma once

#include <cstdint>
#include <string>

#include "config/config.h"
#include "mqchat/status.h"
#include "store/account_store.h"

namespace mqchat::ctl {

enum class Command {
  kMigrate,
  kUserAdd,
  kUserPasswd,
  kUserDisable,
  kUserEnable,
  kUserDelete,
  kUserList,
  kUserShow,
  kInviteCreate,
  kToken,
  kBackup,
  kRestore,
  kReportsList,     // reports.h
  kReportsResolve,
  kUserErase,             // user_data.h
  kUserExport,
  kConversationRetention,  // retention.h
  kAuditList,              // audit.h
  kConversationList,       // conversations.h
  kConversationShow,
  kGroupAdminAdd,
  kGroupAdminRemove,
  kStats,
  kConversationMove,  // store/shard_move.h
};

struct Request {
  Command command = Command::kMigrate;
  std::string name;          // user commands and token
  bool all = false;          // user list: deleted users too
  bool json = false;         // list/show: JSON instead of tab-separated text
  int64_t invite_uses = 1;
  int64_t invite_ttl_s = 7 * 86400;
  int64_t token_ttl_s = 3600;
  std::string path;          // backup: the file to write; restore: the backup to read
  bool open_only = false;  // reports list --open
  int64_t report_id = 0;   // reports resolve
  std::string note;        // reports resolve --note
  bool delete_message = false;  // reports resolve --delete-message
  bool disable_user = false;    // reports resolve --disable-user
  bool erase_messages = false;   // user erase --messages
  int64_t conversation_id = 0;   // conversation retention
  std::string days;              // conversation retention: "default" or 0..36500
  int64_t limit = 1000;          // conversation list --limit
  int64_t shard = 0;             // conversation move: the shard to move to
};

// Runs requests against the store `config` names. Errors: kInvalidArgument, kNotFound,
// kAlreadyExists, kPermissionDenied are refusals of the request; kUnavailable (and anything
// else) a store or configuration failure.
class Ctl {
 public:
  explicit Ctl(Config config) : config_(std::move(config)) {}

  Status Run(const Request& request);

 private:
  // Only migrate and user add may create a missing SQLite file; every other command needs an
  // existing store and says how to create one.
  Status OpenStore(bool may_create);
  Status AddUser(const std::string& name);
  Status ChangeUser(Command command, const std::string& name);
  Status List(bool all, bool json);
  Status Show(const std::string& name, bool json);
  Status Invite(int64_t uses, int64_t ttl_s);
  Status Token(const std::string& name, int64_t ttl_s);
  Status Backup(Command command, const std::string& path, bool json);

  Config config_;
  store::AccountStorePtr store_;
};

}  // namespace mqchat::ctl
