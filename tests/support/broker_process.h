// BrokerProcess: runs Debian's /usr/sbin/mosquitto with a generated mosquitto.conf (and, unless
// disabled, the built mqchat plugin) on a free loopback port, in its own temp dir. Test thread only.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/subprocess.h"
#include "support/test_certs.h"
#include "support/temp_dir.h"

namespace mqchat::test {

// Every string value below may contain "${DIR}", replaced by the broker's temp dir (no slash).
struct BrokerOptions {
  bool with_plugin = true;  // `plugin <MQCHAT_PLUGIN_PATH>` + one plugin_opt_ line per option
  // Emitted in order as `plugin_opt_<key> <value>`.
  std::vector<std::pair<std::string, std::string>> plugin_opts;
  // Unset: false with the plugin, true without it (a plain-Mosquitto baseline).
  std::optional<bool> allow_anonymous;
  bool websockets = false;   // adds a second, `protocol websockets` listener on ws_port()
  bool persistence = false;  // `persistence true` with persistence_location ${DIR}/
  // TLS listeners (issue 19), written before the plain ones: MQTT over TLS on tls_port() and,
  // with `websockets`, WebSocket over TLS on wss_port(), serving this certificate and key
  // (written into the broker's dir). Clients verify it against the issuing CA.
  std::optional<PemCertificate> tls;
  // mosquitto `log_type` values, one line each. "all" logs every packet (noisy).
  std::vector<std::string> log_types = {"error", "warning", "notice", "information"};
  // Files (name relative to dir(), content) written before each start, e.g. an acl_file.
  std::vector<std::pair<std::string, std::string>> files;
  // Appended verbatim after the listeners (listener-scoped options apply to the last listener:
  // the websockets one if enabled, else the TCP one).
  std::string extra_conf;
  // Test-friendly settings written unless plugin_opts set them: the send limits off
  // (send_rate_per_s 0, fanout_per_s 0) and password login over MQTT on (password_login true;
  // the plugin's default is off). false: only what plugin_opts say, the plugin's defaults else.
  bool fixture_defaults = true;
};

// What StartExpectingExit() saw.
struct BrokerExit {
  bool exited = false;  // false: the broker started listening (or hung) instead of exiting
  int exit_code = -1;   // mosquitto's exit status; -1 if killed by a signal or still running
  std::string log;      // everything mosquitto wrote (log_dest stderr)
};

class BrokerProcess {
 public:
  // A loaded CI machine may take long to open the plugin's stores.
  static constexpr std::chrono::milliseconds kStartTimeout{30000};

  // Picks the ports and creates the temp dir; does not start anything.
  explicit BrokerProcess(BrokerOptions options = {});
  // Stops the broker. If the current test has failed, prints the last 200 log lines to stderr.
  ~BrokerProcess();
  BrokerProcess(const BrokerProcess&) = delete;
  BrokerProcess& operator=(const BrokerProcess&) = delete;

  // Writes the config and starts mosquitto; returns true once every listener accepts TCP
  // connections (polled, kStartTimeout deadline). Otherwise records a fatal gtest failure with
  // the exit code and the log (or a skip if mosquitto is not installed and
  // MQCHAT_REQUIRE_INTEGRATION is not 1) and returns false. Use as `if (!broker.Start()) return;` in a test or SetUp().
  // May be called again after Stop()/Kill(): same port, config and data dir.
  bool Start();
  // For configs that must make mosquitto refuse to start (e.g. a bad plugin_opt): starts it and
  // waits up to `timeout` for it to exit. Returns exited=false as soon as it listens instead (it
  // is then left running, and Stop() or the destructor ends it).
  BrokerExit StartExpectingExit(std::chrono::milliseconds timeout = kStartTimeout);
  // SIGTERM, then SIGKILL after `grace`. Returns the exit code (-1 if signalled). Idempotent.
  int Stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  void Kill();  // SIGKILL: a crash, no persistence save
  // Stop() (if running) then Start(), same port/config/data dir. Returns Start()'s result.
  bool Restart();
  void Pause();   // SIGSTOP: the broker stops answering but keeps its sockets
  void Resume();  // SIGCONT
  // True while the mosquitto process has not exited.
  bool Running();

  int port() const { return port_; }
  pid_t pid() const { return process_.pid(); }  // the mosquitto process (0 if never started)
  int ws_port() const { return ws_port_; }  // 0 unless options.websockets
  int tls_port() const { return tls_port_; }  // 0 unless options.tls
  int wss_port() const { return wss_port_; }  // 0 unless options.tls and options.websockets
  const std::string& dir() const { return dir_.path(); }
  std::string conf_path() const { return dir_.File("mosquitto.conf"); }
  std::string log_path() const { return dir_.File("mosquitto.log"); }
  // Everything mosquitto wrote so far, across restarts.
  std::string Log() const;
  // The generated mosquitto.conf text.
  std::string Config() const;

 private:
  void WriteConfig();
  // Starts mosquitto; returns false after recording a skip/fatal failure if it cannot run.
  bool Spawn();
  std::string Expand(const std::string& s) const;

  BrokerOptions options_;
  TempDir dir_;
  int port_ = 0;
  int ws_port_ = 0;
  int tls_port_ = 0;
  int wss_port_ = 0;
  Subprocess process_;
};

// Returns the last `n` lines of `text`.
std::string LastLines(const std::string& text, int n);

// For fixtures whose server binary is missing: records a gtest skip naming `what`, or a fatal
// failure when the environment sets MQCHAT_REQUIRE_INTEGRATION=1.
void SkipOrFailMissing(const std::string& what);

}  // namespace mqchat::test
