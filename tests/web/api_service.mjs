// Test support: the real mqchat-api process (like tests/support/api_process.cpp) on a free
// loopback port, on a Broker's SQLite store, signing RS256 tokens with a key made here; the broker
// gets the public half (call useWith(broker) before broker.start()). The page's origin (the
// broker's WebSocket listener) is its cors_origin.
import { generateKeyPairSync } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanups, freePort, spawnListening } from "./harness.mjs";

export const API = process.env.MQCHAT_API_PATH ?? join(process.env.MQCHAT_BUILD_DIR ?? "build", "api/mqchat-api");

export class ApiService {
  constructor(broker) {
    this.broker = broker;
    this.proc = null;
    this.logPath = join(broker.dir, "api.log");
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    this.keyPath = join(broker.dir, "api.key.pem");
    this.pubPath = join(broker.dir, "api.pub.pem");
    writeFileSync(this.keyPath, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    writeFileSync(this.pubPath, publicKey.export({ type: "spki", format: "pem" }));
    broker.extraConfig.push(`plugin_opt_jwt_rs256_public_key_file ${this.pubPath}`);
    cleanups.add(() => this.kill());
  }

  /** More command-line options (e.g. --broker URL for discovery), before start(). */
  extraArgs = [];

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  log() {
    return existsSync(this.logPath) ? readFileSync(this.logPath, "utf8") : "";
  }

  /** Starts mqchat-api once the broker has its ports (the page origin); waits until it listens. */
  async start() {
    if (!this.port) this.port = await freePort(); // a test may have picked it (configure)
    const args = ["--sqlite", this.broker.db, "--jwt_private_key_file", this.keyPath, "--listen", "127.0.0.1"];
    args.push("--port", String(this.port), "--cors_origin", `http://127.0.0.1:${this.broker.wsPort}`);
    args.push(...this.extraArgs);
    const { proc, listening } = await spawnListening(API, args, this.logPath, this.port);
    this.proc = proc;
    if (listening) return this;
    this.kill();
    throw new Error(`mqchat-api did not start on port ${this.port}; log:\n${this.log()}`);
  }

  async stop() {
    const p = this.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const done = new Promise((r) => p.once("exit", r));
    p.kill("SIGTERM");
    const t = setTimeout(() => p.kill("SIGKILL"), 5000);
    await done;
    clearTimeout(t);
    this.proc = null;
  }

  kill() {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill("SIGKILL");
    this.proc = null;
  }

  /** POST path with a JSON body and optional extra headers; {status, json, headers}. */
  async post(path, body, headers = {}) {
    const res = await fetch(this.url + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: await res.json().catch(() => null), headers: res.headers };
  }
}
