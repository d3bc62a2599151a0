#include "support/postgres_instance.h"

#include <dirent.h>
#include <glob.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "store/pg/pg_handles.h"
#include "support/free_port.h"
#include "support/subprocess.h"

namespace mqchat::test {
namespace {

constexpr auto kServerCommandTimeout = std::chrono::seconds(120);

// The bin directory of the newest installed PostgreSQL (Debian keeps server binaries off PATH).
std::string FindBinDir() {
  glob_t g{};
  std::string best;
  double best_version = -1;
  if (::glob("/usr/lib/postgresql/*/bin/pg_ctl", 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) {
      std::string path = g.gl_pathv[i];
      std::string bin = path.substr(0, path.rfind('/'));
      std::string version_dir = bin.substr(0, bin.rfind('/'));
      double version = std::atof(version_dir.substr(version_dir.rfind('/') + 1).c_str());
      if (::access((bin + "/initdb").c_str(), X_OK) == 0 && version > best_version) {
        best = bin;
        best_version = version;
      }
    }
  }
  ::globfree(&g);
  return best;
}

// initdb refuses to run as root: as root, run server commands as the postgres user.
std::vector<std::string> AsPostgresUser(std::vector<std::string> argv) {
  if (::geteuid() != 0) {
    return argv;
  }
  std::vector<std::string> out = {"runuser", "-u", "postgres", "--"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

Status MakeDir(const std::string& path, mode_t mode, const passwd* owner) {
  if (::mkdir(path.c_str(), mode) != 0) {
    return Status::Internal("mkdir " + path + ": " + std::strerror(errno));
  }
  ::chmod(path.c_str(), mode);
  if (owner != nullptr && ::chown(path.c_str(), owner->pw_uid, owner->pw_gid) != 0) {
    return Status::Internal("chown " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

// False once `pid` has exited (a zombie counts as exited: it holds no resources).
bool ProcessAlive(pid_t pid) {
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size()) {
    return false;
  }
  return stat[paren + 2] != 'Z';
}

std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> out;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) {
    return out;
  }
  while (dirent* entry = ::readdir(proc)) {
    const pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
    if (pid <= 0) {
      continue;
    }
    std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
    size_t paren = stat.rfind(')');
    if (paren == std::string::npos) {
      continue;
    }
    // After ") " come the state and then the parent pid.
    if (std::atoi(stat.c_str() + paren + 4) == parent) {
      out.push_back(pid);
    }
  }
  ::closedir(proc);
  return out;
}

std::string QuoteConnValue(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "'";
}

}  // namespace

bool IntegrationRequired() {
  const char* v = std::getenv("MQCHAT_REQUIRE_INTEGRATION");
  return v != nullptr && std::string(v) == "1";
}

bool ShouldSkipForMissingPostgres(const Status& status) {
  return status.code() == Code::kUnavailable && !IntegrationRequired();
}

Result<std::unique_ptr<PostgresInstance>> PostgresInstance::Create() {
  std::unique_ptr<PostgresInstance> pg(new PostgresInstance());
  if (const char* dsn = std::getenv("MQCHAT_TEST_PG_DSN"); dsn != nullptr && *dsn != '\0') {
    pg->external_dsn_ = dsn;
    auto conn = store::ConnectPg(pg->external_dsn_);
    if (!conn.ok()) {
      // The caller asked for this server explicitly: not reaching it is a failure, not a skip.
      return Status::Internal("MQCHAT_TEST_PG_DSN: " + conn.status().message());
    }
    pg->running_ = true;
    return pg;
  }

  pg->bin_dir_ = FindBinDir();
  if (pg->bin_dir_.empty()) {
    return Status::Unavailable("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin)");
  }
  const passwd* owner = nullptr;
  if (::geteuid() == 0) {
    owner = ::getpwnam("postgres");
    if (owner == nullptr) {
      return Status::Unavailable("running as root but no `postgres` user");
    }
  }
  pg->dir_ = std::make_unique<TempDir>("mqchat-pg", 0755);
  pg->data_dir_ = pg->dir_->File("data");
  pg->socket_dir_ = pg->dir_->File("sock");
  const std::string log_dir = pg->dir_->File("log");
  pg->log_path_ = log_dir + "/postgres.log";
  MQCHAT_RETURN_IF_ERROR(MakeDir(pg->data_dir_, 0700, owner));
  MQCHAT_RETURN_IF_ERROR(MakeDir(pg->socket_dir_, 0755, owner));
  MQCHAT_RETURN_IF_ERROR(MakeDir(log_dir, 0755, owner));

  RunResult init =
      RunCommand(AsPostgresUser({pg->bin_dir_ + "/initdb", "-D", pg->data_dir_, "-A", "trust", "-U",
                                 "postgres", "--no-sync", "-E", "UTF8", "--locale=C"}),
                 "", kServerCommandTimeout);
  if (init.exit_code != 0) {
    return Status::Internal("initdb failed (exit " + std::to_string(init.exit_code) + "):\n" +
                            init.output);
  }
  pg->port_ = FreePort();
  MQCHAT_RETURN_IF_ERROR(pg->Start());
  return pg;
}

PostgresInstance::~PostgresInstance() {
  if (external()) {
    // Best effort: do not leave test databases behind on somebody else's server.
    for (const std::string& name : created_databases_) {
      auto conn = store::ConnectPg(external_dsn_);
      if (!conn.ok()) {
        break;
      }
      char* ident = PQescapeIdentifier(conn->get(), name.c_str(), name.size());
      if (ident == nullptr) {
        continue;
      }
      const std::string sql = std::string("DROP DATABASE IF EXISTS ") + ident + " WITH (FORCE)";
      PQfreemem(ident);
      (void)store::ExecPgSql(conn->get(), sql.c_str());
    }
    return;
  }
  if (running_ && !Stop().ok()) {
    (void)Kill();
  }
  if (::testing::UnitTest::GetInstance()->Failed()) {
    // Its tail only: the whole log of a suite's shared server would push the failures themselves
    // out of a CI log cut to its head and tail.
    const std::string log = Log();
    std::size_t start = log.size();
    for (int lines = 0; start > 0 && lines <= 40; --start) {
      if (log[start - 1] == '\n') {
        ++lines;
      }
    }
    std::fprintf(stderr, "---- PostgreSQL log (%s), last lines ----\n%s---- end of PostgreSQL log ----\n",
                 log_path_.c_str(), log.c_str() + start);
  }
}

std::string PostgresInstance::ConnInfo(const std::string& db) const {
  if (!external()) {
    return "host=127.0.0.1 port=" + std::to_string(port_) +
           " user=postgres connect_timeout=10 dbname=" + QuoteConnValue(db);
  }
  // Rebuild the DSN (key=value or URI form) with dbname replaced.
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(external_dsn_.c_str(), &err);
  if (opts == nullptr) {
    PQfreemem(err);
    return external_dsn_;
  }
  std::string out;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || std::strcmp(o->keyword, "dbname") == 0) {
      continue;
    }
    out += std::string(o->keyword) + "=" + QuoteConnValue(o->val) + " ";
  }
  PQconninfoFree(opts);
  return out + "dbname=" + QuoteConnValue(db);
}

Result<std::string> PostgresInstance::CreateDatabase(const std::string& name) {
  const std::string admin_conninfo = external() ? external_dsn_ : ConnInfo("postgres");
  MQCHAT_ASSIGN_OR_RETURN(store::PgConnPtr conn, store::ConnectPg(admin_conninfo));
  // CREATE DATABASE takes no bind parameters; the name is quoted by libpq (test-only DDL).
  char* ident = PQescapeIdentifier(conn.get(), name.c_str(), name.size());
  if (ident == nullptr) {
    return Status::Internal("cannot quote database name " + name);
  }
  const std::string sql = std::string("CREATE DATABASE ") + ident +
                          " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'";
  PQfreemem(ident);
  MQCHAT_ASSIGN_OR_RETURN(store::PgResultPtr res, store::ExecPgSql(conn.get(), sql.c_str()));
  created_databases_.push_back(name);
  return ConnInfo(name);
}

Result<std::string> PostgresInstance::FreshDatabase() {
  static std::atomic<int> counter{0};
  return CreateDatabase("mqchat_test_" + std::to_string(::getpid()) + "_" +
                        std::to_string(++counter));
}

Status PostgresInstance::Start() {
  if (external()) {
    return Status::FailedPrecondition("cannot start an external PostgreSQL");
  }
  if (running_) {
    return Status::Ok();
  }
  const std::string options = "-p " + std::to_string(port_) + " -k " + socket_dir_ +
                              " -c listen_addresses=127.0.0.1 -c fsync=on"
                              " -c shared_buffers=16MB -c max_connections=150";
  RunResult r = RunCommand(AsPostgresUser({bin_dir_ + "/pg_ctl", "-D", data_dir_, "-o", options,
                                           "-w", "-t", "60", "-l", log_path_, "start"}),
                           "", kServerCommandTimeout);
  if (r.exit_code != 0) {
    return Status::Internal("pg_ctl start failed (exit " + std::to_string(r.exit_code) + "):\n" +
                            r.output + "---- server log ----\n" + Log());
  }
  running_ = true;
  return Status::Ok();
}

Status PostgresInstance::Stop() {
  if (external()) {
    return Status::FailedPrecondition("cannot stop an external PostgreSQL");
  }
  if (!running_) {
    return Status::Ok();
  }
  RunResult r = RunCommand(AsPostgresUser({bin_dir_ + "/pg_ctl", "-D", data_dir_, "-m", "fast",
                                           "-w", "-t", "60", "stop"}),
                           "", kServerCommandTimeout);
  if (r.exit_code != 0) {
    return Status::Internal("pg_ctl stop failed (exit " + std::to_string(r.exit_code) + "):\n" +
                            r.output);
  }
  running_ = false;
  return Status::Ok();
}

int PostgresInstance::PostmasterPid() const {
  // The first line of postmaster.pid is the postmaster's pid.
  return std::atoi(ReadFile(data_dir_ + "/postmaster.pid").c_str());
}

Status PostgresInstance::Kill() {
  if (external()) {
    return Status::FailedPrecondition("cannot kill an external PostgreSQL");
  }
  if (!running_) {
    return Status::Ok();
  }
  const pid_t postmaster = PostmasterPid();
  if (postmaster <= 0) {
    return Status::Internal("no postmaster.pid in " + data_dir_);
  }
  // Backends run in their own process groups, so collect them before the postmaster dies and
  // they are re-parented. Killing them too is what a machine crash looks like.
  std::vector<pid_t> victims = ChildrenOf(postmaster);
  victims.push_back(postmaster);
  for (pid_t pid : victims) {
    ::kill(pid, SIGKILL);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (pid_t pid : victims) {
    while (ProcessAlive(pid)) {
      if (std::chrono::steady_clock::now() > deadline) {
        return Status::Internal("PostgreSQL process " + std::to_string(pid) + " survived SIGKILL");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling, not waiting
    }
  }
  // Unreaped zombies would still answer kill(pid, 0), which makes the next postmaster believe
  // the old one is alive. Nothing of the old cluster runs any more, so the lock files can go.
  std::remove((data_dir_ + "/postmaster.pid").c_str());
  std::remove((socket_dir_ + "/.s.PGSQL." + std::to_string(port_) + ".lock").c_str());
  std::remove((socket_dir_ + "/.s.PGSQL." + std::to_string(port_)).c_str());
  running_ = false;
  return Status::Ok();
}

std::string PostgresInstance::Log() const { return external() ? "" : ReadFile(log_path_); }

Result<PostgresInstance*> SharedPostgres() {
  struct Shared {
    bool attempted = false;
    std::unique_ptr<PostgresInstance> instance;  // destroyed at exit, which stops the server
    Status failure;
  };
  static Shared shared;
  if (!shared.attempted) {
    shared.attempted = true;
    auto created = PostgresInstance::Create();
    if (created.ok()) {
      shared.instance = std::move(created).value();
    } else {
      shared.failure = created.status();
    }
  }
  if (shared.instance != nullptr) {
    return shared.instance.get();
  }
  return shared.failure;
}

}  // namespace mqchat::test
