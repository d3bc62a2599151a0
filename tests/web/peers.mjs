// The "other client" of the interop test, the first one available of:
//  1. the mqchat terminal client (C++, on the SDK): BUILD/tools/mqchat/mqchat or MQCHAT_CLI_PATH,
//     used through its scripting subcommands `send @PEER TEXT` and `tail CONV` with --json;
//  2. the SDK's example programs (client-sdk/examples), found in the build dir or given by
// MQCHAT_SDK_SEND / MQCHAT_SDK_TAIL:
//   mqchat_example_send_message SERVER_URI USER SECRET PEER TEXT       (one message, waits for the ack)
//   mqchat_example_tail_conversation SERVER_URI USER SECRET CONV_ID    (prints "seq\tsender\ttext")
//  3. RawClient (mqtt.js from Node speaking docs/PROTOCOL.md directly).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RawClient } from "./harness.mjs";

function findFile(dir, name, depth = 4) {
  if (!dir || depth < 0 || !existsSync(dir)) return null;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isFile() && e.name === name) return p;
  }
  for (const e of entries) {
    if (e.isDirectory() && !e.name.startsWith(".") && e.name !== "CMakeFiles" && e.name !== "node_modules") {
      const hit = findFile(join(dir, e.name), name, depth - 1);
      if (hit) return hit;
    }
  }
  return null;
}

export function findSdkExamples(buildDir) {
  const send = process.env.MQCHAT_SDK_SEND ?? findFile(buildDir, "mqchat_example_send_message");
  const tail = process.env.MQCHAT_SDK_TAIL ?? findFile(buildDir, "mqchat_example_tail_conversation");
  const ok = (p) => p && existsSync(p) && (statSync(p).mode & 0o111) !== 0;
  return ok(send) && ok(tail) ? { send, tail } : null;
}

export function findCli(buildDir) {
  const p = process.env.MQCHAT_CLI_PATH ?? join(buildDir, "tools/mqchat/mqchat");
  return existsSync(p) && (statSync(p).mode & 0o111) !== 0 ? p : null;
}

/** Line-oriented output of a child process, with waiters for a matching line. */
class Lines {
  constructor() {
    this.items = [];
    this.waiters = [];
  }

  push(item) {
    this.items.push(item);
    for (const w of [...this.waiters]) {
      if (w.pred(item)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve(item);
      }
    }
  }

  waitFor(pred, timeoutMs, what) {
    const hit = this.items.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const w = { pred, resolve };
      w.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }
}

/** The mqchat terminal client (C++), driven through its scripting subcommands. */
export class CliPeer {
  constructor(broker, user, secret, bin) {
    this.kind = `mqchat terminal client (C++ SDK): ${bin}`;
    this.broker = broker;
    this.user = user;
    this.secret = secret;
    this.bin = bin;
    this.lines = new Lines();
    this.tailProc = null;
    this.stderr = "";
  }

  args(device, ...rest) {
    return ["-H", "127.0.0.1", "-p", String(this.broker.port), "-u", this.user, "--password", this.secret, "-d", device, "--timeout", "15", "--json", ...rest];
  }

  async sendDirect(peer, text) {
    const r = await new Promise((resolve) => {
      const p = spawn(this.bin, this.args("cli-send", "send", `@${peer}`, text), { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      p.stdout.on("data", (d) => (out += d));
      p.stderr.on("data", (d) => (err += d));
      p.on("exit", (code) => resolve({ code, out, err }));
    });
    if (r.code !== 0) throw new Error(`mqchat send exited ${r.code}: ${r.err}${r.out}`);
    for (const line of r.out.split("\n")) {
      try {
        const o = JSON.parse(line);
        if (o && o.conversation_id) return { conversationId: String(o.conversation_id), seq: o.seq };
      } catch {
        /* not JSON */
      }
    }
    return {};
  }

  /** Starts `mqchat tail CONV`; resolves once it is running (its first line may come later). */
  tail(conversationId) {
    const p = spawn(this.bin, this.args("cli-tail", "tail", String(conversationId), "-n", "5", "--for", "120"), {
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.tailProc = p;
    let buf = "";
    p.stdout.setEncoding("utf8");
    p.stdout.on("data", (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          const o = JSON.parse(line);
          if (o && typeof o.text === "string") this.lines.push({ seq: o.seq, sender: o.sender, text: o.text });
        } catch {
          /* not a message */
        }
      }
    });
    p.stderr.setEncoding("utf8");
    p.stderr.on("data", (d) => (this.stderr += d));
  }

  waitForText(text, timeoutMs = 15000) {
    return this.lines.waitFor((l) => l.text === text, timeoutMs, `"${text}" from mqchat tail (stderr: ${this.stderr})`);
  }

  async close() {
    const p = this.tailProc;
    if (p && p.exitCode === null && p.signalCode === null) {
      const done = new Promise((r) => p.once("exit", r));
      p.kill("SIGTERM");
      const t = setTimeout(() => p.kill("SIGKILL"), 3000);
      await done;
      clearTimeout(t);
    }
  }
}

/** A C++ SDK peer built from the SDK's example programs. */
export class SdkPeer {
  constructor(broker, user, secret, bins) {
    this.kind = "C++ SDK (client-sdk examples)";
    this.broker = broker;
    this.user = user;
    this.secret = secret;
    this.bins = bins;
    this.cwd = mkdtempSync(join(tmpdir(), `mqchat-sdk-${user}-`)); // the examples' cache files
    this.lines = [];
    this.waiters = [];
    this.tailProc = null;
  }

  get uri() {
    return `tcp://127.0.0.1:${this.broker.port}`;
  }

  /** Sends to the direct conversation with `peer`; resolves with the conversation id... not printed, so null. */
  async sendDirect(peer, text) {
    const r = spawnSync(this.bins.send, [this.uri, this.user, this.secret, peer, text], {
      cwd: this.cwd,
      encoding: "utf8",
      timeout: 40000,
    });
    if (r.status !== 0) throw new Error(`send_message exited ${r.status}: ${r.stderr}${r.stdout}`);
    const m = /conversation (\d+) seq (\d+)/.exec(r.stdout);
    return m ? { conversationId: m[1], seq: Number(m[2]) } : {};
  }

  tail(conversationId) {
    const p = spawn(this.bins.tail, [this.uri, this.user, this.secret, String(conversationId)], {
      cwd: this.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.tailProc = p;
    let buf = "";
    p.stdout.setEncoding("utf8");
    p.stdout.on("data", (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const [seq, sender, ...rest] = line.split("\t");
        const ev = { seq: Number(seq), sender, text: rest.join("\t") };
        this.lines.push(ev);
        for (const w of [...this.waiters]) {
          if (w.pred(ev)) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            clearTimeout(w.timer);
            w.resolve(ev);
          }
        }
      }
    });
    this.stderr = "";
    p.stderr.setEncoding("utf8");
    p.stderr.on("data", (d) => (this.stderr += d));
  }

  waitForText(text, timeoutMs = 15000) {
    const hit = this.lines.find((l) => l.text === text);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const w = { pred: (l) => l.text === text, resolve };
      w.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`C++ SDK tail did not print "${text}" within ${timeoutMs} ms; stderr: ${this.stderr}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  async close() {
    if (this.tailProc && this.tailProc.exitCode === null) {
      const done = new Promise((r) => this.tailProc.once("exit", r));
      this.tailProc.kill("SIGTERM");
      const t = setTimeout(() => this.tailProc.kill("SIGKILL"), 3000);
      await done;
      clearTimeout(t);
    }
    rmSync(this.cwd, { recursive: true, force: true });
  }
}

/** The same interface over the raw protocol. */
export class RawPeer {
  constructor(broker, user, secret) {
    this.kind = "raw MQTT 5 protocol client (mqtt.js in Node; C++ SDK examples not built)";
    this.raw = new RawClient(broker, user, secret, "cli");
    this.convId = null;
  }

  async sendDirect(peer, text) {
    if (!this.raw.client) await this.raw.connect();
    const id = await this.raw.openDirect(peer);
    const r = await this.raw.send(id, text);
    return { conversationId: id, seq: r.seq };
  }

  async tail(conversationId) {
    if (!this.raw.client) await this.raw.connect();
    this.convId = conversationId;
  }

  async waitForText(text, timeoutMs = 15000) {
    const ev = await this.raw.waitForMessage(this.convId, text, timeoutMs);
    return { seq: ev.obj.seq, sender: ev.obj.sender, text: ev.obj.text };
  }

  close() {
    return this.raw.close();
  }
}
