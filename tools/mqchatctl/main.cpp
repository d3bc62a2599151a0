// mqchatctl: the operator's command line for mqchat's store (migrations, users, invites, dev
// tokens).
// Exit codes: 0 success, 1 usage error, 2 refused (bad input, not found, already exists),
// 3 store or configuration error.
#include <cstdint>
#include <ctime>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "auth/jwt.h"
#include "auth/password_hash.h"
#include "conf_file.h"
#include "invites.h"
#include "config/config.h"
#include "password_input.h"
#include "protocol/identity.h"
#include "root_guard.h"
#include "store/store_factory.h"

namespace mqchat::ctl {
namespace {

constexpr int kExitOk = 0, kExitUsage = 1, kExitRefused = 2, kExitStore = 3;

constexpr const char* kUsage =
    R"(usage: mqchatctl (--config MOSQUITTO_CONF | --sqlite PATH | --pg CONNINFO) COMMAND

Store selection (one of):
  --config FILE     read the mqchat plugin_opt_* lines of a mosquitto.conf
  --sqlite PATH     an SQLite database file (only migrate and user add create it)
  --pg CONNINFO     a PostgreSQL libpq conninfo string

Commands:
  migrate                    apply pending schema migrations
  user add NAME              create a user; password from stdin (asked twice on a terminal)
  user passwd NAME           set a new password (same input rules)
  user disable NAME          refuse logins and end the user's sessions
  user enable NAME           undo disable
  user delete NAME           delete the user (the name is never reused)
  user list                  list users: name, state, id
  invite create [--uses N] [--ttl-s S]
                             print a new invite code for mqchat-api's `signup invite`
                             (shown once, stored hashed; default 1 use, 7 days)
  token NAME [TTL_SECONDS]   print an HS256 login token for NAME (needs --config with
                             plugin_opt_jwt_hs256_secret[_file]; default TTL 3600)

Run mqchatctl as the broker's user (e.g. sudo -u mosquitto mqchatctl ...): a database file
created by root cannot be written by the broker. As root, creating one in a folder another
user owns is refused.

Exit codes: 0 ok, 1 usage, 2 refused (bad input, not found, exists), 3 store/config error.
)";

// A store or configuration failure, as opposed to a refusal of the request itself.
Status StoreError(const Status& s) { return Status(Code::kUnavailable, s.message()); }

int ExitCodeFor(const Status& status) {
  if (status.ok()) return kExitOk;
  std::cerr << "mqchatctl: " << status.message() << "\n";
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

const char* StateName(store::UserState s) {
  switch (s) {
    case store::UserState::kActive: return "active";
    case store::UserState::kDisabled: return "disabled";
    case store::UserState::kDeleted: return "deleted";
  }
  return "?";
}

class Ctl {
 public:
  explicit Ctl(Config config) : config_(std::move(config)) {}

  Status Run(const std::vector<std::string>& words) {
    if (words.size() == 1 && words[0] == "migrate") {
      MQCHAT_RETURN_IF_ERROR(OpenStore(/*may_create=*/true));
      std::cout << "schema is up to date\n";
      return Status::Ok();
    }
    if (words.size() >= 2 && words[0] == "token") return Token(words);
    if (words.size() >= 2 && words[0] == "invite" && words[1] == "create") return Invite(words);
    if (words.size() == 2 && words[0] == "user" && words[1] == "list") return List();
    if (words.size() == 3 && words[0] == "user") return User(words[1], words[2]);
    return Status(Code::kFailedPrecondition, "usage");
  }

 private:
  // Only migrate and user add may create a missing SQLite file; every other command needs
  // an existing store and says how to create one.
  Status OpenStore(bool may_create) {
    store::StoreConfig store_config = config_.store;
    store_config.create_if_missing = may_create;
    if (may_create) MQCHAT_RETURN_IF_ERROR(CheckRootMayCreate(store_config));
    auto s = store::OpenAccountStore(store_config);
    if (!s.ok()) return StoreError(s.status());
    store_ = std::move(*s);
    return Status::Ok();
  }

  Status User(const std::string& verb, const std::string& name) {
    if (verb != "add" && verb != "passwd" && verb != "disable" && verb != "enable" &&
        verb != "delete") {
      return Status(Code::kFailedPrecondition, "usage");
    }
    MQCHAT_RETURN_IF_ERROR(protocol::ValidateUsername(name));
    std::string hash;
    if (verb == "add" || verb == "passwd") {
      MQCHAT_ASSIGN_OR_RETURN(auto password, ReadNewPassword());
      auto h = auth::HashPassword(password);
      if (!h.ok()) return h.status();
      hash = std::move(*h);
    }
    MQCHAT_RETURN_IF_ERROR(OpenStore(/*may_create=*/verb == "add"));
    Status s;
    if (verb == "add") {
      auto rec = store_->AddUser(name, hash);
      if (!rec.ok()) return rec.status();
      std::cout << "added user " << name << " (id " << rec->user_id << ")\n";
      return Status::Ok();
    }
    if (verb == "passwd") {
      s = store_->SetPasswordHash(name, hash);
    } else if (verb == "disable") {
      s = store_->SetState(name, store::UserState::kDisabled);
    } else if (verb == "enable") {
      s = store_->SetState(name, store::UserState::kActive);
    } else {
      s = store_->SetState(name, store::UserState::kDeleted);
    }
    if (s.ok()) std::cout << verb << ": " << name << " done\n";
    return s;
  }

  Status List() {
    MQCHAT_RETURN_IF_ERROR(OpenStore(/*may_create=*/false));
    auto users = store_->ListUsers();
    if (!users.ok()) return StoreError(users.status());
    for (const auto& u : *users) {
      std::cout << u.username << "\t" << StateName(u.state) << "\t" << u.user_id << "\n";
    }
    return Status::Ok();
  }

  // invite create [--uses N] [--ttl-s S]: words[2..] are flag/value pairs.
  Status Invite(const std::vector<std::string>& words) {
    int64_t uses = 1, ttl_s = 7 * 86400;
    for (size_t i = 2; i < words.size(); i += 2) {
      if (i + 1 >= words.size() || (words[i] != "--uses" && words[i] != "--ttl-s")) {
        return Status(Code::kFailedPrecondition, "usage");
      }
      int64_t value = -1;
      try {
        size_t used = 0;
        value = std::stoll(words[i + 1], &used);
        if (used != words[i + 1].size()) value = -1;
      } catch (...) {
      }
      (words[i] == "--uses" ? uses : ttl_s) = value;
    }
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

  Status Token(const std::vector<std::string>& words) {
    if (words.size() > 3) return Status(Code::kFailedPrecondition, "usage");
    MQCHAT_RETURN_IF_ERROR(protocol::ValidateUsername(words[1]));
    long ttl = 3600;
    if (words.size() == 3) {
      try {
        ttl = std::stol(words[2]);
      } catch (...) {
        ttl = -1;
      }
      if (ttl <= 0 || ttl > 86400 * 365) {
        return Status::InvalidArgument("TTL must be 1..31536000 seconds");
      }
    }
    if (config_.auth.jwt_hs256_secret.empty()) {
      return Status::InvalidArgument(
          "no plugin_opt_jwt_hs256_secret or _file in the config given with --config");
    }
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    nlohmann::json claims = {{"sub", words[1]}, {"iat", now}, {"exp", now + ttl}};
    if (!config_.auth.jwt_issuer.empty()) claims["iss"] = config_.auth.jwt_issuer;
    if (!config_.auth.jwt_audience.empty()) claims["aud"] = config_.auth.jwt_audience;
    auto token = auth::SignHs256(claims, config_.auth.jwt_hs256_secret);
    if (!token.ok()) return token.status();
    std::cout << *token << "\n";
    return Status::Ok();
  }

  Config config_;
  store::AccountStorePtr store_;
};

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  OptionList options;
  size_t i = 0;
  bool have_store = false;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return kExitOk;
    }
    if (a.rfind("--", 0) != 0) break;
    if (i + 1 >= args.size()) {
      std::cerr << "mqchatctl: " << a << " needs a value\n" << kUsage;
      return kExitUsage;
    }
    const std::string& v = args[++i];
    if (have_store) {
      std::cerr << "mqchatctl: give only one of --config, --sqlite, --pg\n";
      return kExitUsage;
    }
    have_store = true;
    if (a == "--config") {
      auto opts = ReadPluginOptions(v);
      if (!opts.ok()) return ExitCodeFor(StoreError(opts.status()));
      options = std::move(*opts);
    } else if (a == "--sqlite") {
      options = {{"store", "sqlite"}, {"sqlite_path", v}};
    } else if (a == "--pg") {
      options = {{"store", "postgres"}, {"pg_conninfo", v}};
    } else {
      std::cerr << "mqchatctl: unknown option " << a << "\n" << kUsage;
      return kExitUsage;
    }
  }
  std::vector<std::string> words(args.begin() + static_cast<long>(i), args.end());
  if (!have_store || words.empty()) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  auto config = ParseConfig(options);
  if (!config.ok()) return ExitCodeFor(StoreError(config.status()));
  Ctl ctl(std::move(*config));
  Status s = ctl.Run(words);
  if (s.code() == Code::kFailedPrecondition && s.message() == "usage") {
    std::cerr << kUsage;
    return kExitUsage;
  }
  return ExitCodeFor(s);
}

}  // namespace
}  // namespace mqchat::ctl

int main(int argc, char** argv) { return mqchat::ctl::Main(argc, argv); }
