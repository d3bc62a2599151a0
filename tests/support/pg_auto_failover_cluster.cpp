#include "support/pg_auto_failover_cluster.h"

#include <dirent.h>
#include <glob.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "store/pg/pg_handles.h"
#include "support/free_port.h"

namespace mqchat::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr auto kCommandTimeout = seconds(120);
// PGCONNECT_TIMEOUT for every pg_autoctl. pg_autoctl reads it as the time it keeps retrying a
// connection that a `create` step needs (its own PostgreSQL, the primary before pg_basebackup,
// the monitor when publishing the new state); the default is 2 s. A step that fails ends its
// init process, and pg_autoctl's supervisor restarts that at most 5 times in 300 s before it
// stops for good: with the default, a node's PostgreSQL that accepts no connection for about
// 10 s (a loaded machine) ended the whole set-up. pg_autoctl still gives each single attempt
// 2 s (it sets libpq's connect_timeout itself) and retries within this window.
constexpr const char* kAutoctlConnectWindowS = "60";
constexpr auto kMonitorTimeout = seconds(90);
// A standby is a pg_basebackup of the primary: slow on a loaded machine.
constexpr auto kNodesTimeout = seconds(150);

// Every node: small, and no shared memory left in /dev/shm by a SIGKILLed node.
// checkpoint_completion_target 0: the standby's pg_basebackup waits for a checkpoint, which
// is otherwise spread over seconds.
constexpr const char* kNodeSettings =
    "\n# mqchat test cluster\n"
    "shared_buffers = 16MB\n"
    "max_connections = 100\n"
    "dynamic_shared_memory_type = mmap\n"
    "checkpoint_completion_target = 0\n";

// The monitor's health checks, tuned so that a dead primary is replaced within seconds
// (defaults: checked every 5 s, unhealthy after 20 s, then 30 s waiting for the old primary to
// confirm its demotion, which a dead one never does).
constexpr const char* kMonitorSettings =
    "pgautofailover.health_check_period = 500\n"
    "pgautofailover.health_check_timeout = 2000\n"
    "pgautofailover.health_check_max_retries = 1\n"
    "pgautofailover.health_check_retry_delay = 200\n"
    "pgautofailover.node_considered_unhealthy_timeout = 2000\n"
    "pgautofailover.primary_demote_timeout = 1000\n"
    "pgautofailover.startup_grace_period = 1000\n";

// The bin directory of a PostgreSQL that has the pg_auto_failover extension.
std::string FindBinDir() {
  glob_t g{};
  std::string found;
  if (::glob("/usr/lib/postgresql/*/lib/pgautofailover.so", 0, nullptr, &g) == 0 &&
      g.gl_pathc > 0) {
    std::string lib = g.gl_pathv[g.gl_pathc - 1];  // sorted: the newest version last
    std::string bin = lib.substr(0, lib.rfind("/lib/")) + "/bin";
    if (::access((bin + "/initdb").c_str(), X_OK) == 0) found = bin;
  }
  ::globfree(&g);
  return found;
}

std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t end = dirs.find(':', start);
    const std::string dir = dirs.substr(start, end == std::string::npos ? end : end - start);
    if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0) return dir + "/" + name;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return "";
}

bool Alive(pid_t pid) {
  const std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  const size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}

// `root` and every process below it (children, their children...), from one scan of /proc.
std::vector<pid_t> ProcessTree(pid_t root) {
  std::multimap<pid_t, pid_t> children;
  if (DIR* proc = ::opendir("/proc")) {
    while (dirent* entry = ::readdir(proc)) {
      const pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
      if (pid <= 0) continue;
      const std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
      const size_t paren = stat.rfind(')');
      if (paren == std::string::npos || paren + 4 >= stat.size()) continue;
      // After ") " come the state and then the parent pid.
      children.emplace(static_cast<pid_t>(std::atoi(stat.c_str() + paren + 4)), pid);
    }
    ::closedir(proc);
  }
  std::vector<pid_t> tree = {root};
  for (size_t i = 0; i < tree.size(); ++i) {
    auto range = children.equal_range(tree[i]);
    for (auto it = range.first; it != range.second; ++it) tree.push_back(it->second);
  }
  return tree;
}

// SIGKILLs `pids` and waits (up to 30 s) until they are gone.
Status KillAll(const std::vector<pid_t>& pids) {
  for (pid_t pid : pids) ::kill(pid, SIGKILL);
  const auto deadline = Clock::now() + seconds(30);
  for (pid_t pid : pids) {
    while (Alive(pid)) {
      if (Clock::now() > deadline) {
        return Status::Internal("process " + std::to_string(pid) + " survived SIGKILL");
      }
      std::this_thread::sleep_for(milliseconds(5));  // polling, not waiting for an event
    }
  }
  return Status::Ok();
}

std::string Tail(const std::string& text, size_t max) {
  return text.size() <= max ? text : "..." + text.substr(text.size() - max);
}

}  // namespace

bool PgAutoFailoverInstalled() {
  return !FindBinDir().empty() && !FindOnPath("pg_autoctl").empty();
}

Result<std::unique_ptr<PgAutoFailoverCluster>> PgAutoFailoverCluster::Start() {
  std::unique_ptr<PgAutoFailoverCluster> cluster(new PgAutoFailoverCluster());
  MQCHAT_RETURN_IF_ERROR(cluster->Prepare());
  MQCHAT_RETURN_IF_ERROR(cluster->StartMonitor());
  MQCHAT_RETURN_IF_ERROR(cluster->StartNodes());
  return cluster;
}

Status PgAutoFailoverCluster::Prepare() {
  bin_dir_ = FindBinDir();
  if (bin_dir_.empty() || FindOnPath("pg_autoctl").empty()) {
    return Status::Unavailable(
        "pg_auto_failover not installed (pg_autoctl, /usr/lib/postgresql/*/lib/pgautofailover.so;"
        " scripts/install-deps.sh installs it)");
  }
  const passwd* owner = nullptr;
  if (::geteuid() == 0 && (owner = ::getpwnam("postgres")) == nullptr) {
    return Status::Unavailable("running as root but no `postgres` user");
  }
  // On tmpfs when there is one: initdb, pg_basebackup and every commit fsync, and the machine
  // running the suite is busy. (TempDir makes its dir under $TMPDIR; set only meanwhile.)
  const char* tmpdir = std::getenv("TMPDIR");
  const std::string saved_tmpdir = tmpdir != nullptr ? tmpdir : "";
  if (::access("/dev/shm", W_OK) == 0) ::setenv("TMPDIR", "/dev/shm", 1);
  dir_ = std::make_unique<TempDir>("mqchat-paf", 0755);
  if (tmpdir != nullptr) {
    ::setenv("TMPDIR", saved_tmpdir.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
  for (const char* sub : {"xdg", "xdg/config", "xdg/data", "xdg/run"}) {
    const std::string path = dir_->File(sub);
    ::mkdir(path.c_str(), 0700);
    if (owner != nullptr && ::chown(path.c_str(), owner->pw_uid, owner->pw_gid) != 0) {
      return Status::Internal("chown " + path + ": " + std::strerror(errno));
    }
  }
  if (owner != nullptr && ::chown(dir_->path().c_str(), owner->pw_uid, owner->pw_gid) != 0) {
    return Status::Internal("chown " + dir_->path() + ": " + std::strerror(errno));
  }
  // One initdb (the slow part) serves the monitor and the first node: copied, not repeated.
  std::vector<std::string> initdb = {bin_dir_ + "/initdb",
                                     "-D",
                                     dir_->File("node0"),
                                     "-A",
                                     "trust",
                                     "-U",
                                     "postgres",
                                     "--no-sync",
                                     "-E",
                                     "UTF8",
                                     "--locale=C"};
  if (owner != nullptr) initdb.insert(initdb.begin(), {"runuser", "-u", "postgres", "--"});
  RunResult init = RunCommand(initdb, "", kCommandTimeout);
  if (init.exit_code != 0) return Status::Internal("initdb failed:\n" + init.output);
  const std::string node_conf = dir_->File("node0/postgresql.conf");
  WriteFile(node_conf, ReadFile(node_conf) + kNodeSettings);
  RunResult copy = RunCommand({"cp", "-a", dir_->File("node0"), dir_->File("monitor")});
  if (copy.exit_code != 0) return Status::Internal("cp -a failed:\n" + copy.output);
  const std::string monitor_conf = dir_->File("monitor/postgresql.conf");
  WriteFile(monitor_conf, ReadFile(monitor_conf) + kMonitorSettings);
  std::set<int> ports;
  while (ports.size() < 1 + kNodes) ports.insert(FreePort());
  auto port = ports.begin();
  monitor_port_ = *port++;
  for (; port != ports.end(); ++port) node_ports_.push_back(*port);
  return Status::Ok();
}

std::vector<std::string> PgAutoFailoverCluster::Autoctl(
    const std::vector<std::string>& args) const {
  // setpriv and env exec in place: the Subprocess's pid is pg_autoctl's, and so is its group.
  std::vector<std::string> argv;
  if (::geteuid() == 0) {
    argv = {"setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"};
  }
  const std::string xdg = dir_->File("xdg");
  for (const std::string& arg :
       {std::string("env"), "HOME=" + dir_->path(), "PATH=" + bin_dir_ + ":/usr/bin:/bin",
        "XDG_CONFIG_HOME=" + xdg + "/config", "XDG_DATA_HOME=" + xdg + "/data",
        "XDG_RUNTIME_DIR=" + xdg + "/run", std::string("PGHOST=127.0.0.1"),
        std::string("PGCONNECT_TIMEOUT=") + kAutoctlConnectWindowS, std::string("pg_autoctl")}) {
    argv.push_back(arg);
  }
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::string PgAutoFailoverCluster::MonitorUri() const {
  return "postgres://autoctl_node@127.0.0.1:" + std::to_string(monitor_port_) +
         "/pg_auto_failover?sslmode=disable";
}

std::string PgAutoFailoverCluster::MonitorQuery(const std::string& sql) {
  auto conn = store::ConnectPg("host=127.0.0.1 port=" + std::to_string(monitor_port_) +
                               " user=postgres dbname=pg_auto_failover connect_timeout=5");
  if (!conn.ok()) return "";
  auto res = store::ExecPgSql(conn->get(), sql.c_str());
  if (!res.ok() || PQntuples(res->get()) < 1 || store::PgIsNull(res->get(), 0, 0)) return "";
  return store::PgText(res->get(), 0, 0);
}

namespace {
// Polls `done` until it holds; fails if one of `processes` exits first or `timeout` passes.
Status WaitUntil(const std::function<bool()>& done, const std::vector<Subprocess*>& processes,
                 Clock::duration timeout, const std::string& what) {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    for (Subprocess* process : processes) {
      if (!process->Running()) return Status::Internal(what + ": a pg_autoctl exited");
    }
    if (Clock::now() > deadline) return Status::Internal(what + ": timed out");
    std::this_thread::sleep_for(milliseconds(100));  // polling the monitor, not waiting
  }
  return Status::Ok();
}
}  // namespace

Status PgAutoFailoverCluster::StartMonitor() {
  monitor_ = std::make_unique<Subprocess>();
  monitor_->Start(Autoctl({"create", "monitor", "--pgctl", bin_dir_ + "/pg_ctl", "--pgdata",
                           dir_->File("monitor"), "--pgport", std::to_string(monitor_port_),
                           "--hostname", "127.0.0.1", "--no-ssl", "--skip-pg-hba", "--run"}),
                  dir_->File("monitor.log"));
  Status up = WaitUntil(
      [&] { return MonitorQuery("SELECT count(*) FROM pgautofailover.formation") == "1"; },
      {monitor_.get()}, kMonitorTimeout, "pg_auto_failover monitor");
  if (!up.ok()) return Status::Internal(up.message() + "\n" + Logs());
  return Status::Ok();
}

Status PgAutoFailoverCluster::StartNodes() {
  for (int i = 0; i < kNodes; ++i) {
    const std::string name = "node" + std::to_string(i);
    nodes_.push_back(std::make_unique<Subprocess>());
    nodes_.back()->Start(Autoctl({"create", "postgres", "--pgctl", bin_dir_ + "/pg_ctl", "--pgdata",
                                  dir_->File(name), "--pgport", std::to_string(node_ports_[i]),
                                  "--hostname", "127.0.0.1", "--name", name, "--no-ssl",
                                  "--skip-pg-hba", "--monitor", MonitorUri(), "--run"}),
                         dir_->File(name + ".log"));
    if (i > 0) continue;
    // node0 registers first, so it is the primary and node1 its standby. node1 is created once
    // node0 has finished its own `create` (reported `single` or later): a standby can do
    // nothing before that, and node0's start-up then has the machine to itself.
    Status ok = WaitUntil(
        [&] {
          return MonitorQuery(
                     "SELECT count(*) FROM pgautofailover.node WHERE nodename = 'node0' "
                     "AND reportedstate IN ('single', 'wait_primary', 'primary')") == "1";
        },
        {monitor_.get(), nodes_.back().get()}, kNodesTimeout, "node0 created as the primary");
    if (!ok.ok()) return Status::Internal(ok.message() + "\n" + Logs());
  }
  Status ready = WaitUntil(
      [&] {
        return MonitorQuery(
                   "SELECT count(*) FROM pgautofailover.node WHERE reportedstate = "
                   "goalstate AND goalstate IN ('primary', 'secondary')") == "2";
      },
      {monitor_.get(), nodes_[0].get(), nodes_[1].get()}, kNodesTimeout,
      "a primary and a secondary");
  if (!ready.ok()) return Status::Internal(ready.message() + "\n" + Logs());
  return Status::Ok();
}

PgAutoFailoverCluster::~PgAutoFailoverCluster() {
  // Each pg_autoctl stops its PostgreSQL on SIGTERM; whatever outlives the grace is killed.
  std::vector<pid_t> leftovers;
  std::vector<Subprocess*> running;
  for (auto& node : nodes_) running.push_back(node.get());
  if (monitor_ != nullptr) running.push_back(monitor_.get());
  for (Subprocess* p : running) {
    if (!p->Running()) continue;
    for (pid_t pid : ProcessTree(p->pid())) leftovers.push_back(pid);
    p->Signal(SIGTERM);
  }
  for (Subprocess* p : running) {
    if (p->Running() && p->WaitExit(seconds(15)) == -2) p->Kill();
  }
  (void)KillAll(leftovers);
  if (::testing::UnitTest::GetInstance()->Failed()) {
    std::fprintf(stderr, "---- pg_auto_failover logs ----\n%s---- end ----\n", Logs().c_str());
  }
}

std::string PgAutoFailoverCluster::ConnInfo(const std::string& db) const {
  std::string hosts, ports;
  for (int port : node_ports_) {
    hosts += (hosts.empty() ? "" : ",") + std::string("127.0.0.1");
    ports += (ports.empty() ? "" : ",") + std::to_string(port);
  }
  return "host=" + hosts + " port=" + ports +
         " target_session_attrs=read-write user=postgres connect_timeout=5 dbname=" + db;
}

Result<std::string> PgAutoFailoverCluster::CreateDatabase(const std::string& name) {
  if (name.empty() ||
      name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
    return Status::InvalidArgument("database names here are [a-z0-9_]+: " + name);
  }
  MQCHAT_ASSIGN_OR_RETURN(store::PgConnPtr conn, store::ConnectPg(ConnInfo("postgres")));
  const std::string sql = "CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8'";
  MQCHAT_ASSIGN_OR_RETURN(store::PgResultPtr res, store::ExecPgSql(conn.get(), sql.c_str()));
  return ConnInfo(name);
}

int PgAutoFailoverCluster::PrimaryNode() {
  const std::string name = MonitorQuery(
      "SELECT nodename FROM pgautofailover.node WHERE goalstate IN ('primary', 'wait_primary', "
      "'single') ORDER BY nodeid LIMIT 1");
  for (int i = 0; i < kNodes; ++i) {
    if (name == "node" + std::to_string(i)) return i;
  }
  return -1;
}

Status PgAutoFailoverCluster::KillNode(int node) {
  Subprocess& autoctl = *nodes_.at(static_cast<size_t>(node));
  if (!autoctl.Running()) return Status::FailedPrecondition("node is not running");
  // PostgreSQL's backends each lead their own process group: collect the whole tree first.
  std::vector<pid_t> victims = ProcessTree(autoctl.pid());
  const pid_t postmaster = static_cast<pid_t>(
      std::atoi(ReadFile(dir_->File("node" + std::to_string(node)) + "/postmaster.pid").c_str()));
  if (postmaster > 0) {
    for (pid_t pid : ProcessTree(postmaster)) victims.push_back(pid);
  }
  Status killed = KillAll(victims);
  autoctl.Kill();  // reaps it
  return killed;
}

bool PgAutoFailoverCluster::WaitPromoted(int old_primary, std::chrono::milliseconds timeout) {
  const int next = 1 - old_primary;
  const std::string name = "node" + std::to_string(next);
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    const std::string state = MonitorQuery(
        "SELECT reportedstate FROM pgautofailover.node WHERE nodename = '" + name + "'");
    if (state == "primary" || state == "wait_primary") {
      auto conn = store::ConnectPg("host=127.0.0.1 port=" + std::to_string(node_port(next)) +
                                   " user=postgres dbname=postgres connect_timeout=5");
      if (conn.ok()) {
        auto res = store::ExecPgSql(conn->get(), "SELECT pg_is_in_recovery()");
        if (res.ok() && store::PgText(res->get(), 0, 0) == "f") return true;
      }
    }
    std::this_thread::sleep_for(milliseconds(100));  // polling the monitor, not waiting
  }
  return false;
}

std::string PgAutoFailoverCluster::Logs() const {
  std::string out;
  for (const std::string name : {"monitor", "node0", "node1"}) {
    out += "---- " + name + " (pg_autoctl) ----\n" +
           Tail(ReadFile(dir_->File(name + ".log")), 4000) + "\n";
  }
  return out;
}

}  // namespace mqchat::test
