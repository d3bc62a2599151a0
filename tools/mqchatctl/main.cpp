// mqchatctl: the operator's command line for mqchat's store (migrations, users, invites, dev
// tokens, the moderation queue, retention, erasure and export). This file parses the command
// line (CLI11) into a `Request`; commands.cpp does it.
// Exit codes: 0 success, 1 refused (bad input, not found, already exists), 2 usage error,
// 3 store or configuration error.
#include <iostream>
#include <string>

#include "cli_parse.h"
#include "commands.h"
#include "conf_file.h"

namespace mqchat::ctl {
namespace {

constexpr int kExitOk = 0, kExitRefused = 1, kExitStore = 3;
constexpr const char* kProgram = "mqchatctl";

constexpr const char* kHelp =
    R"(usage: mqchatctl (--config MOSQUITTO_CONF | --sqlite PATH | --pg CONNINFO) [--json] COMMAND

Store selection (one of):
  --config FILE     read the mqchat plugin_opt_* lines of a mosquitto.conf
  --sqlite PATH     an SQLite database file (only migrate and user add create it)
  --pg CONNINFO     a PostgreSQL libpq conninfo string
  --pg_shards LIST  with --pg: the brokers' plugin_opt_pg_shards (the conversation shards)

Commands:
  migrate                    apply pending schema migrations
  user add NAME              create a user; password from stdin (asked twice on a terminal)
  user passwd NAME           set a new password (same input rules)
  user disable NAME          refuse logins and end the user's sessions
  user enable NAME           undo disable
  user delete NAME           delete the user (the name can never be used again)
  user list [--all]          list users: name, state, id (--all: deleted users too)
  user show NAME             one user: name, state, id (deleted users too)
  user erase NAME [--messages]
                             delete the account as `user delete` does; with --messages
                             also remove the text of every message NAME sent (each
                             becomes a tombstone, seqs kept); written to the audit log
  user export NAME FILE      write NAME's profile, conversations and the messages they
                             sent as JSON to the new FILE (0600); written to the audit log
  conversation retention ID DAYS|default
                             keep conversation ID's messages DAYS days (0: forever), or
                             follow the server's plugin_opt_retention_days again
  conversation list [--user NAME] [--limit N]
                             every conversation (or NAME's), by id: id, kind (direct,
                             group, channel), name, members, last seq, last activity ms
                             (default limit 1000)
  conversation show ID       one conversation: kind, name, last seq, members and roles
  conversation move ID SHARD move conversation ID to shard SHARD (its place in
                             plugin_opt_pg_shards, from 0); safe while its
                             members send: their sends wait for the copy, then go on
  group admin add|remove ID USER
                             make group member USER an admin (may add and remove members,
                             rename, moderate) or a plain member again; not the owner;
                             written to the audit log
  stats                      users by state, conversations by kind, messages (all and in
                             the last 24 hours), open reports
  invite create [--uses N] [--ttl-s S]
                             print a new invite code for mqchat-api's `signup invite`
                             (shown once, stored hashed; default 1 use, 7 days)
  backup FILE                SQLite: a consistent copy of the running store into the new
                             FILE (0600); every message acked before it began is in it
  restore FILE               SQLite: make the --sqlite/--config database, which must not
                             exist, from the backup FILE (stop the broker first)
  reports list [--open]      the reports users filed, oldest first (--open: unresolved only):
                             id, open|resolved, reporter, reported user, reason,
                             conversation:seq or -, the message's text when reported, details
  reports resolve ID [--note TEXT] [--delete-message] [--disable-user]
                             mark report ID resolved (refused if it already is), first
                             deleting the reported message for everyone and/or disabling
                             the reported user (logins refused, sessions ended); each
                             action and the resolution go to the audit log
  audit list                 the audit log, oldest first: id, at_ms, actor, action,
                             subject, detail (retention, slow mode, erasure, export,
                             report resolutions and their actions)
  token NAME [TTL_SECONDS]   print an HS256 login token for the existing, active user NAME
                             (needs --config with plugin_opt_jwt_hs256_secret[_file];
                             default TTL 3600)

Options:
  --json                     conversation list/show and stats: one JSON document;
                             user list/show: JSON (an array of users, or one user object:
                             username, state, user_id, created_at_ms); reports list: an
                             array of reports; backup/restore: one object (file,
                             schema_version, messages, bytes)
  -h, --help                 this text
  --version                  print the version

Passwords: at least 8 characters, not one character repeated, not the username.

Run mqchatctl as the broker's user (e.g. sudo -u mosquitto mqchatctl ...): a database file
created by root cannot be written by the broker. As root, creating one in a folder another
user owns is refused.

Exit codes: 0 ok, 1 refused (bad input, not found, exists), 2 usage, 3 store/config error.
)";

int ExitCodeFor(const Status& status) {
  if (status.ok()) return kExitOk;
  std::cerr << kProgram << ": " << status.message() << "\n";
  switch (status.code()) {
    case Code::kInvalidArgument:
    case Code::kNotFound:
    case Code::kAlreadyExists:
    case Code::kPermissionDenied:
      return kExitRefused;
    default:
      return kExitStore;
  }
}

struct StoreArgs {
  std::string config, sqlite, pg, pg_shards;
};

// A subcommand that takes one user NAME and sets `request->command` when given.
CLI::App* UserVerb(CLI::App& user, const char* verb, Command command, Request* request) {
  CLI::App* sub = user.add_subcommand(verb);
  sub->add_option("NAME", request->name)->required();
  sub->callback([request, command] { request->command = command; });
  return sub;
}

// Declares the whole command line on `app`, filling `request` and `store` when parsed.
void DeclareCommandLine(CLI::App& app, Request* request, StoreArgs* store) {
  tools::AddHelpAndVersion(app, kProgram);
  auto* config = app.add_option("--config", store->config);
  auto* sqlite = app.add_option("--sqlite", store->sqlite);
  auto* pg = app.add_option("--pg", store->pg);
  app.add_option("--pg_shards", store->pg_shards)->needs(pg);
  config->excludes(sqlite)->excludes(pg);
  sqlite->excludes(pg);
  app.add_flag("--json", request->json);
  app.require_subcommand(1);

  app.add_subcommand("migrate")->callback([request] { request->command = Command::kMigrate; });
  CLI::App* user = app.add_subcommand("user")->require_subcommand(1);
  UserVerb(*user, "add", Command::kUserAdd, request);
  UserVerb(*user, "passwd", Command::kUserPasswd, request);
  UserVerb(*user, "disable", Command::kUserDisable, request);
  UserVerb(*user, "enable", Command::kUserEnable, request);
  UserVerb(*user, "delete", Command::kUserDelete, request);
  UserVerb(*user, "show", Command::kUserShow, request);
  CLI::App* erase = UserVerb(*user, "erase", Command::kUserErase, request);
  erase->add_flag("--messages", request->erase_messages);
  CLI::App* exporter = UserVerb(*user, "export", Command::kUserExport, request);
  exporter->add_option("FILE", request->path)->required();
  CLI::App* conversation = app.add_subcommand("conversation")->require_subcommand(1);
  CLI::App* retention = conversation->add_subcommand("retention");
  retention->add_option("ID", request->conversation_id)->required()->check(CLI::PositiveNumber);
  retention->add_option("DAYS", request->days)->required();
  retention->callback([request] { request->command = Command::kConversationRetention; });
  CLI::App* conv_list = conversation->add_subcommand("list");
  conv_list->add_option("--user", request->name);
  conv_list->add_option("--limit", request->limit)->check(CLI::Range(int64_t{1}, int64_t{1000000}));
  conv_list->callback([request] { request->command = Command::kConversationList; });
  CLI::App* conv_show = conversation->add_subcommand("show");
  conv_show->add_option("ID", request->conversation_id)->required()->check(CLI::PositiveNumber);
  conv_show->callback([request] { request->command = Command::kConversationShow; });
  CLI::App* conv_move = conversation->add_subcommand("move");
  conv_move->add_option("ID", request->conversation_id)->required()->check(CLI::PositiveNumber);
  conv_move->add_option("SHARD", request->shard)
      ->required()
      ->check(CLI::Range(int64_t{0}, int64_t{1000}));
  conv_move->callback([request] { request->command = Command::kConversationMove; });
  CLI::App* group = app.add_subcommand("group")->require_subcommand(1);
  CLI::App* admin = group->add_subcommand("admin")->require_subcommand(1);
  for (const auto& [verb, command] : {std::pair{"add", Command::kGroupAdminAdd},
                                      std::pair{"remove", Command::kGroupAdminRemove}}) {
    CLI::App* sub = admin->add_subcommand(verb);
    sub->add_option("ID", request->conversation_id)->required()->check(CLI::PositiveNumber);
    sub->add_option("USER", request->name)->required();
    const Command chosen = command;  // (C++17 lambdas cannot capture a binding)
    sub->callback([request, chosen] { request->command = chosen; });
    sub->fallthrough();
  }
  app.add_subcommand("stats")->callback([request] { request->command = Command::kStats; });
  CLI::App* list = user->add_subcommand("list");
  list->add_flag("--all", request->all);
  list->callback([request] { request->command = Command::kUserList; });

  CLI::App* invite = app.add_subcommand("invite")->require_subcommand(1);
  CLI::App* create = invite->add_subcommand("create");
  create->add_option("--uses", request->invite_uses);
  create->add_option("--ttl-s", request->invite_ttl_s);
  create->callback([request] { request->command = Command::kInviteCreate; });

  CLI::App* token = app.add_subcommand("token");
  token->add_option("NAME", request->name)->required();
  token->add_option("TTL_SECONDS", request->token_ttl_s)->check(CLI::Range(1, 86400 * 365));
  token->callback([request] { request->command = Command::kToken; });
  for (const auto& [verb, command] :
       {std::pair{"backup", Command::kBackup}, std::pair{"restore", Command::kRestore}}) {
    CLI::App* sub = app.add_subcommand(verb);
    sub->add_option("FILE", request->path)->required();
    sub->callback([request, command = command] { request->command = command; });
    sub->fallthrough();
  }
  CLI::App* reports = app.add_subcommand("reports")->require_subcommand(1);
  CLI::App* reports_list = reports->add_subcommand("list");
  reports_list->add_flag("--open", request->open_only);
  reports_list->callback([request] { request->command = Command::kReportsList; });
  CLI::App* resolve = reports->add_subcommand("resolve");
  resolve->add_option("ID", request->report_id)->required()->check(CLI::PositiveNumber);
  resolve->add_option("--note", request->note);
  resolve->add_flag("--delete-message", request->delete_message);
  resolve->add_flag("--disable-user", request->disable_user);
  resolve->callback([request] { request->command = Command::kReportsResolve; });
  CLI::App* audit = app.add_subcommand("audit")->require_subcommand(1);
  CLI::App* audit_list = audit->add_subcommand("list");
  audit_list->callback([request] { request->command = Command::kAuditList; });
  // Global options (--json, the store) may also follow the command.
  for (CLI::App* sub :
       {app.get_subcommand("migrate"), user, list, invite, create, token, reports, reports_list,
        resolve, conversation, retention, audit, audit_list, conv_list, conv_show, conv_move, group,
        admin, app.get_subcommand("stats")}) {
    sub->fallthrough();
  }
  for (const char* verb :
       {"add", "passwd", "disable", "enable", "delete", "show", "erase", "export"}) {
    user->get_subcommand(verb)->fallthrough();
  }
}

int Main(int argc, char** argv) {
  Request request;
  StoreArgs store;
  CLI::App app("mqchatctl: the operator's command line for mqchat's store", kProgram);
  DeclareCommandLine(app, &request, &store);
  if (auto exit = tools::ParseOrExit(app, argc, argv, kProgram, kHelp)) return *exit;

  OptionList options;
  if (!store.config.empty()) {
    auto opts = ReadPluginOptions(store.config);
    if (!opts.ok()) return ExitCodeFor(Status::Unavailable(opts.status().message()));
    options = std::move(*opts);
  } else if (!store.sqlite.empty()) {
    options = {{"store", "sqlite"}, {"sqlite_path", store.sqlite}};
  } else if (!store.pg.empty()) {
    options = {{"store", "postgres"}, {"pg_conninfo", store.pg}};
    if (!store.pg_shards.empty()) options.emplace_back("pg_shards", store.pg_shards);
  } else {
    return tools::UsageError(kProgram, "no store: give one of --config, --sqlite, --pg");
  }
  auto config = ParseConfig(options);
  if (!config.ok()) return ExitCodeFor(Status::Unavailable(config.status().message()));
  Ctl ctl(std::move(*config));
  return ExitCodeFor(ctl.Run(request));
}

}  // namespace
}  // namespace mqchat::ctl

int main(int argc, char** argv) { return mqchat::ctl::Main(argc, argv); }
