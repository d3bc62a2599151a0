// Test support: a real Mosquitto broker with the mqchat plugin in a temp dir (like
// tests/support/broker_process.cpp), users made with mqchatctl, HS256 tokens, headless Chromium
// through playwright-core, and a raw MQTT 5 client (mqtt.js) speaking docs/PROTOCOL.md.
import { spawn, spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, "../..");
export const WEB_DIST = process.env.MQCHAT_WEB_DIST ?? join(ROOT, "web/dist");
export const PLUGIN = process.env.MQCHAT_PLUGIN_PATH ?? join(ROOT, "build/plugin/mqchat_plugin.so");
export const CTL = process.env.MQCHATCTL_PATH ?? join(ROOT, "build/tools/mqchatctl/mqchatctl");
export const CLI = process.env.MQCHAT_CLI_PATH ?? join(ROOT, "build/tools/mqchat/mqchat");
export const ARTIFACTS = resolve(process.env.MQCHAT_ARTIFACTS_DIR ?? join(ROOT, "build/web-artifacts"));
export const CHROMIUM = process.env.MQCHAT_CHROMIUM ?? "/usr/bin/chromium";
const MOSQUITTO = process.env.MQCHAT_MOSQUITTO ?? "/usr/sbin/mosquitto";

export const cleanups = new Set();
function onExit() {
  for (const fn of [...cleanups].reverse()) {
    try {
      fn();
    } catch {
      /* best effort */
    }
  }
  cleanups.clear();
}
process.on("exit", onExit);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => {
    onExit();
    process.exit(128 + 2);
  });
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.unref();
    s.on("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

export function canConnect(port) {
  return new Promise((res) => {
    const sock = net.connect({ port, host: "127.0.0.1" });
    sock.once("connect", () => {
      sock.destroy();
      res(true);
    });
    sock.once("error", () => res(false));
  });
}

export function checkPrerequisites() {
  const missing = [];
  for (const [what, path] of [
    ["mosquitto", MOSQUITTO],
    ["the mqchat plugin (MQCHAT_PLUGIN_PATH)", PLUGIN],
    ["mqchatctl (MQCHATCTL_PATH)", CTL],
    ["chromium (scripts/install-deps.sh installs it)", CHROMIUM],
    ["web/dist/index.html (npm run build in web/)", join(WEB_DIST, "index.html")],
  ]) {
    if (!existsSync(path)) missing.push(`${what}: ${path}`);
  }
  return missing;
}

export const JWT_SECRET = randomBytes(32).toString("hex");

const b64url = (buf) => Buffer.from(buf).toString("base64url");

export function token(sub, ttlSeconds = 3600, secret = JWT_SECRET) {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = b64url(JSON.stringify({ sub, iat: now, exp: now + ttlSeconds }));
  const sig = createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

/** Spawns `cmd` with its output appended to `logPath` and waits, for 10 s at most, until
 * 127.0.0.1:`port` accepts. Returns the process and whether it listens (else it exited or never
 * listened: the caller kills it and says why). */
export async function spawnListening(cmd, args, logPath, port) {
  const fd = openSync(logPath, "a");
  const proc = spawn(cmd, args, { stdio: ["ignore", fd, fd] });
  let exited = false;
  proc.once("exit", () => (exited = true));
  const deadline = Date.now() + 10000;
  for (let delay = 5; Date.now() < deadline && !exited; delay = Math.min(delay * 2, 100)) {
    if (await canConnect(port)) return { proc, listening: true };
    await new Promise((r) => setTimeout(r, delay)); // polling interval, not a wait for an event
  }
  return { proc, listening: false };
}

/** A server process of a test in a temp dir of its own: killed, and the dir removed, at cleanup
 * (and at the latest when the test process exits). */
export class TempProcess {
  constructor(prefix) {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    this.proc = null;
    cleanups.add(() => this.cleanup());
  }

  kill() {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill("SIGKILL");
    this.proc = null;
  }

  cleanup() {
    this.kill();
    if (!process.env.MQCHAT_KEEP_TMP) rmSync(this.dir, { recursive: true, force: true });
  }
}

export class Broker extends TempProcess {
  constructor() {
    super("mqchat-web-e2e-");
    chmodSync(this.dir, 0o755);
    this.db = join(this.dir, "mqchat.db");
    this.conf = join(this.dir, "mosquitto.conf");
    this.logPath = join(this.dir, "mosquitto.log");
    this.presenceOpts = true;
    this.extraConfig = []; // more plugin_opt_ lines (api_service.mjs adds the RS256 public key)
    // The tests without the API service log in with passwords over MQTT (an operator's option,
    // off by default): true turns it on in the broker and, through the config.json of the page
    // this broker serves, in the page. false: the shipped default (logins go through the API).
    this.passwordLogin = true;
  }

  writeConfig() {
    const lines = [
      "# Generated by tests/web/harness.mjs",
      "user root",
      "per_listener_settings false",
      "allow_anonymous false",
      "set_tcp_nodelay true",
      "persistence false",
      "log_dest stderr",
      "log_type error",
      "log_type warning",
      "log_type notice",
      "log_type information",
      `plugin ${PLUGIN}`,
      "plugin_opt_store sqlite",
      `plugin_opt_sqlite_path ${this.db}`,
      `plugin_opt_jwt_hs256_secret ${JWT_SECRET}`,
      "plugin_opt_user_refresh_ms 100", // users added by mqchatctl can log in within 0.1 s
      `plugin_opt_password_login ${this.passwordLogin}`,
      // Every test login comes from 127.0.0.1, wrong passwords included: don't throttle it.
      "plugin_opt_auth_fail_max 1000000",
      "plugin_opt_auth_fail_max_per_prefix 1000000",
      // Password logins in quick succession: keep the hash budget (issue 29) out of the way.
      "plugin_opt_auth_hashes_per_s 1000",
      "plugin_opt_auth_hash_duty_percent 100",
      // The seeders send 75 messages back to back: the send limits (5 a second) are off.
      "plugin_opt_send_rate_per_s 0",
      "plugin_opt_fanout_per_s 0",
    ];
    lines.push(...this.extraConfig);
    if (this.presenceOpts) {
      // Fast presence so "the other user closed the page" shows within the test's timeouts.
      lines.push("plugin_opt_presence_grace_ms 300", "plugin_opt_presence_min_interval_ms 0");
    }
    lines.push(
      `listener ${this.port} 127.0.0.1`,
      `listener ${this.wsPort} 127.0.0.1`,
      "protocol websockets",
      "socket_domain ipv4",
      `http_dir ${this.webDir()}`,
    );
    writeFileSync(this.conf, lines.join("\n") + "\n");
  }

  /** The page this broker serves: web/dist copied (mosquitto serves no symlink out of http_dir)
   * with its own config.json: `{"password_login": "mqtt"}` when this broker takes passwords
   * (the page may send them to it), else none (the page finds no API by itself here). */
  webDir() {
    const dir = join(this.dir, "www");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    for (const e of readdirSync(WEB_DIST, { withFileTypes: true })) {
      if (e.isFile() && e.name !== "config.json") copyFileSync(join(WEB_DIST, e.name), join(dir, e.name));
    }
    if (this.passwordLogin) writeFileSync(join(dir, "config.json"), '{"password_login": "mqtt"}\n');
    return dir;
  }

  log() {
    return existsSync(this.logPath) ? readFileSync(this.logPath, "utf8") : "";
  }

  get url() {
    return `http://127.0.0.1:${this.wsPort}/`;
  }

  get wsUrl() {
    return `ws://127.0.0.1:${this.wsPort}/`;
  }

  async start() {
    if (!this.port) {
      this.port = await freePort();
      this.wsPort = await freePort();
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      this.writeConfig();
      const fd = openSync(this.logPath, "a");
      const proc = spawn(MOSQUITTO, ["-c", this.conf], { stdio: ["ignore", fd, fd] });
      this.proc = proc;
      let exited = false;
      proc.once("exit", () => (exited = true));
      const deadline = Date.now() + 10000;
      let delay = 5;
      while (Date.now() < deadline) {
        if (exited) break;
        if ((await canConnect(this.port)) && (await canConnect(this.wsPort)) && !exited) return this;
        await new Promise((r) => setTimeout(r, delay)); // polling interval, not a wait for an event
        delay = Math.min(delay * 2, 100);
      }
      const log = this.log();
      if (exited && this.presenceOpts && /unknown option/.test(log)) {
        this.presenceOpts = false; // a plugin from before the presence milestone
        continue;
      }
      this.kill();
      throw new Error(`mosquitto did not start (config ${this.conf}); log:\n${log.split("\n").slice(-60).join("\n")}`);
    }
    throw new Error("mosquitto did not start");
  }

  /** SIGTERM and wait for the exit (the SQLite store is closed cleanly). */
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

  /** Creates a user with mqchatctl and waits until the broker's user directory has it. */
  async addUser(name, password) {
    const r = spawnSync(CTL, ["--sqlite", this.db, "user", "add", name], { input: `${password}\n`, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`mqchatctl user add ${name} failed (${r.status}): ${r.stderr}${r.stdout}`);
    const deadline = Date.now() + 10000;
    for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
      if (await this.canLogin(name, password)) return;
      if (Date.now() > deadline) throw new Error(`${name} cannot log in 10 s after mqchatctl user add`);
      await new Promise((r) => setTimeout(r, delay)); // polling interval, not a wait for an event
    }
  }

  /** One MQTT 5 login attempt; true if the broker accepted it. */
  canLogin(user, password) {
    return new Promise((res) => {
      const c = mqtt.connect(`mqtt://127.0.0.1:${this.port}`, {
        protocolVersion: 5,
        clientId: `${user}/probe`,
        username: user,
        password,
        reconnectPeriod: 0,
        connectTimeout: 5000,
      });
      const done = (ok) => {
        c.removeAllListeners();
        c.on("error", () => {});
        c.end(true);
        res(ok);
      };
      c.once("connect", () => done(true));
      c.once("error", () => done(false));
      c.once("close", () => done(false));
    });
  }
}

/** `extraArgs`: more Chromium switches (calls.test.mjs: fake camera and microphone). */
export async function launchBrowser(extraArgs = []) {
  // Playwright gives every launch a fresh, empty temporary profile (its own --user-data-dir).
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...extraArgs,
    ],
  });
  const kill = () => {
    try {
      browser.process?.()?.kill("SIGKILL");
    } catch {
      /* gone */
    }
  };
  cleanups.add(kill);
  return {
    browser,
    async close() {
      await browser.close().catch(() => {});
      cleanups.delete(kill);
      kill();
    },
  };
}

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/**
 * A raw MQTT 5 protocol client (mqtt.js from Node), used as the "other client" when the C++
 * terminal client is not built, and to seed data quickly.
 */
export class RawClient {
  constructor(broker, user, password, device = "raw") {
    this.broker = broker;
    this.user = user;
    this.password = password;
    this.device = device;
    this.events = [];
    this.waiters = [];
    this.pending = new Map();
    this.n = 0;
  }

  connect() {
    return new Promise((res, rej) => {
      const c = mqtt.connect(`mqtt://127.0.0.1:${this.broker.port}`, {
        protocolVersion: 5,
        clientId: `${this.user}/${this.device}`,
        username: this.user,
        password: this.password,
        clean: true,
        reconnectPeriod: 0,
        connectTimeout: 5000,
      });
      this.client = c;
      c.once("error", rej);
      c.on("message", (topic, payload) => this.onMessage(topic, payload.toString("utf8")));
      c.once("connect", () => {
        c.subscribe(`mqchat/v1/u/${this.user}/#`, { qos: 1 }, (err) => (err ? rej(err) : res(this)));
      });
    });
  }

  onMessage(topic, text) {
    let obj;
    try {
      obj = text ? JSON.parse(text) : null;
    } catch {
      return;
    }
    if (obj && obj.req_id && this.pending.has(obj.req_id)) {
      const { resolve } = this.pending.get(obj.req_id);
      this.pending.delete(obj.req_id);
      resolve(obj);
      return;
    }
    const ev = { topic, obj };
    this.events.push(ev);
    for (const w of [...this.waiters]) {
      if (w.pred(ev)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve(ev);
      }
    }
  }

  /** Resolves with the first event (past or future) matching pred: ({topic, obj}) => bool. */
  waitFor(pred, timeoutMs = 10000, what = "event") {
    const hit = this.events.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const w = { pred, resolve };
      w.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`${this.user}: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  waitForMessage(conversationId, text, timeoutMs = 10000) {
    return this.waitFor(
      (e) => e.obj && e.obj.type === "message" && e.obj.conversation_id === conversationId && e.obj.text === text,
      timeoutMs,
      `message "${text.slice(0, 40)}"`,
    );
  }

  request(topic, body, timeoutMs = 10000) {
    const req_id = `t${++this.n}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(req_id);
        reject(new Error(`${this.user}: no answer to ${topic} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(req_id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
      this.client.publish(topic, JSON.stringify({ ...body, req_id }), { qos: 1 });
    });
  }

  async ok(topic, body) {
    const r = await this.request(topic, body);
    if (!r.ok) throw new Error(`${topic}: ${JSON.stringify(r.error)}`);
    return r;
  }

  async openDirect(user) {
    return (await this.ok("mqchat/v1/req/open_direct", { user })).conversation.conversation_id;
  }

  async send(conversationId, text) {
    return this.ok(`mqchat/v1/c/${conversationId}/send`, { client_msg_id: `raw-${++this.n}-${Date.now()}`, text });
  }

  close() {
    return new Promise((res) => (this.client ? this.client.end(false, {}, res) : res()));
  }
}
