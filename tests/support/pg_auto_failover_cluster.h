// PgAutoFailoverCluster: PostgreSQL with automatic failover on loopback, for failover tests: a
// pg_auto_failover monitor and two nodes (a primary and a synchronous standby), each run by its
// own `pg_autoctl` as the `postgres` user, on free ports in a temp dir (on tmpfs when there is
// one). The monitor is tuned to fail over in seconds instead of its default ~50 s. pg_autoctl is
// given PGCONNECT_TIMEOUT=60 so that a PostgreSQL slow to accept connections on a loaded machine
// delays its `create` instead of ending it (see the .cpp). Everything is stopped and removed
// when the object is destroyed. Test thread only.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "mqchat/status.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace mqchat::test {

class PgAutoFailoverCluster {
 public:
  static constexpr int kNodes = 2;

  // Starts the monitor, then node0 (the primary) and, once node0 has reported `single`, node1
  // (its standby), and waits until the monitor reports a primary and a secondary. kUnavailable
  // if pg_autoctl, the PostgreSQL server binaries or the postgres user are missing here;
  // kInternal (with the logs) if the cluster does not come up in time.
  static Result<std::unique_ptr<PgAutoFailoverCluster>> Start();
  // Stops every pg_autoctl (each stops its PostgreSQL), kills what is left, removes the dir.
  // Prints the pg_autoctl logs if a test of this binary failed.
  ~PgAutoFailoverCluster();
  PgAutoFailoverCluster(const PgAutoFailoverCluster&) = delete;
  PgAutoFailoverCluster& operator=(const PgAutoFailoverCluster&) = delete;

  // The multi-host conninfo every client uses: "host=127.0.0.1,127.0.0.1 port=A,B
  // target_session_attrs=read-write user=postgres dbname=<db> ...".
  std::string ConnInfo(const std::string& db = "postgres") const;
  // Creates database `name` on the primary (the standby gets it by replication); its ConnInfo.
  Result<std::string> CreateDatabase(const std::string& name);

  // The node (0 or 1) the monitor names primary (or wait_primary), -1 if none.
  int PrimaryNode();
  // A machine crash of node `node`: SIGKILL to its pg_autoctl, PostgreSQL and every backend at
  // once; returns when they are gone.
  Status KillNode(int node);
  // Waits until the monitor has promoted the node other than `old_primary` and that server
  // accepts writes. False after `timeout`.
  bool WaitPromoted(int old_primary, std::chrono::milliseconds timeout);

  int node_port(int node) const { return node_ports_.at(static_cast<size_t>(node)); }
  // The tails of the pg_autoctl logs (monitor and nodes), for failure messages.
  std::string Logs() const;

 private:
  PgAutoFailoverCluster() = default;
  Status Prepare();
  Status StartMonitor();
  Status StartNodes();
  // argv for `pg_autoctl <args>` run as the postgres user with this cluster's environment.
  std::vector<std::string> Autoctl(const std::vector<std::string>& args) const;
  // Runs `sql` on the monitor's database; the first cell of the first row ("" on failure).
  std::string MonitorQuery(const std::string& sql);
  std::string MonitorUri() const;

  std::unique_ptr<TempDir> dir_;
  std::string bin_dir_;
  int monitor_port_ = 0;
  std::vector<int> node_ports_;
  std::unique_ptr<Subprocess> monitor_;
  std::vector<std::unique_ptr<Subprocess>> nodes_;
};

// True when pg_autoctl and the PostgreSQL server binaries are installed here.
bool PgAutoFailoverInstalled();

}  // namespace mqchat::test
