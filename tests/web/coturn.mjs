// Test support: Debian's coturn (turnserver) on 127.0.0.1 on free ports, in a temp dir, with the
// TURN REST API (use-auth-secret) and a static-auth-secret shared with the plugin's
// call_turn_secret, so the credentials the plugin hands out (docs/PROTOCOL.md 8.4) log in.
// Loopback peers allowed: both ends of a test call are on this machine.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TempProcess, freePort, spawnListening } from "./harness.mjs";

export const TURNSERVER = process.env.MQCHAT_TURNSERVER ?? "/usr/bin/turnserver";

export class Coturn extends TempProcess {
  constructor(secret) {
    super("mqchat-coturn-");
    this.secret = secret;
    this.logPath = join(this.dir, "turn.log");
  }

  log() {
    return existsSync(this.logPath) ? readFileSync(this.logPath, "utf8") : "";
  }

  /** The URL the plugin hands out (plugin_opt_call_turn_urls). */
  get url() {
    return `turn:127.0.0.1:${this.port}?transport=udp`;
  }

  async start() {
    if (!existsSync(TURNSERVER)) throw new Error(`coturn not found: ${TURNSERVER} (scripts/install-deps.sh installs it)`);
    this.port = await freePort();
    // Relay ports: a small range starting at another free port (coturn binds them as it needs).
    const relayBase = await freePort();
    const args = [
      "-n", // no config file
      "--listening-ip=127.0.0.1",
      "--relay-ip=127.0.0.1",
      `--listening-port=${this.port}`,
      `--min-port=${relayBase}`,
      `--max-port=${Math.min(relayBase + 200, 65535)}`,
      "--use-auth-secret",
      `--static-auth-secret=${this.secret}`,
      "--realm=mqchat.test",
      "--allow-loopback-peers",
      "--no-tls",
      "--no-dtls",
      "--no-cli",
      "--no-multicast-peers",
      "--fingerprint",
      `--userdb=${join(this.dir, "turndb")}`,
      `--pidfile=${join(this.dir, "turn.pid")}`,
      "--log-file=stdout",
      "--simple-log",
      "--verbose",
    ];
    // Ready when its TCP listener (beside the UDP one) accepts.
    const { proc, listening } = await spawnListening(TURNSERVER, args, this.logPath, this.port);
    this.proc = proc;
    if (listening) return this;
    this.kill();
    throw new Error(`turnserver did not start; log:\n${this.log().split("\n").slice(-40).join("\n")}`);
  }

  /** The allocations coturn made (lines of its log): proof that media went through it. */
  allocations() {
    return this.log()
      .split("\n")
      .filter((l) => /ALLOCATE processed, success/.test(l));
  }
}
