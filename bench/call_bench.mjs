#!/usr/bin/env node
// Call benchmarks (issue 27; docs/BENCHMARKS.md "Calls"), on loopback with the plugin in the path:
//
//   node bench/call_bench.mjs setup  [--calls 40] [--relay]
//     Call setup time: alice's page calls bob's (headless Chromium, fake camera and microphone;
//     bob's page accepts from inside the page as soon as it rings), measured on alice's page from
//     the moment her microphone and camera are granted (the call_invite goes out in the same
//     task) to her RTCPeerConnection's "connected"; then she hangs up. --relay: through coturn.
//   node bench/call_bench.mjs signal [--messages 20000] [--window 64]
//     The plugin's relay cost per signalling message: alice sends ICE candidates (call_signal)
//     to bob in a call, `window` outstanding; the broker's CPU time (utime+stime of mosquitto)
//     per relayed signal, the rate, and send-to-receive latency; and the same for plain
//     Mosquitto relaying same-sized QoS 1 publishes between two clients, for comparison.
//
// Needs what tests/web needs (its npm packages, web/dist, MQCHAT_PLUGIN_PATH, MQCHATCTL_PATH;
// coturn for --relay). Prints one JSON line.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { randomBytes } from "node:crypto";
import { Broker, RawClient, freePort, launchBrowser } from "../tests/web/harness.mjs";
import { FAKE_MEDIA_ARGS, callPage } from "../tests/web/call_pages.mjs";
import { Coturn } from "../tests/web/coturn.mjs";
import { login } from "../tests/web/pages.mjs";

const mqtt = createRequire(new URL("../tests/web/package.json", import.meta.url))("mqtt");
const args = process.argv.slice(2);
const mode = args[0];
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(args[i + 1]);
};
const T = 60000;

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
function summary(values) {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: round(pct(s, 50)), p99: round(pct(s, 99)), max: round(s[s.length - 1]) };
}
/** CPU seconds (user + system) process `pid` used so far. */
function cpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}
/** The machine's CPU use by everyone over `fn` (from /proc/stat), to report next to figures. */
async function machineLoad(fn) {
  const read = () => readFileSync("/proc/stat", "utf8").split("\n")[0].split(/\s+/).slice(1).map(Number);
  const a = read();
  const r = await fn();
  const b = read();
  const d = b.map((x, i) => x - a[i]);
  const total = d.reduce((x, y) => x + y, 0);
  return { ...r, machine_busy_percent: round((100 * (total - d[3] - d[4])) / total, 1) };
}

async function newUser(broker, name) {
  const password = `pw-${name}-secret`;
  await broker.addUser(name, password);
  return { name, password };
}

async function setupBench() {
  const calls = opt("calls", 40);
  const relay = args.includes("--relay");
  const broker = new Broker();
  broker.port = await freePort();
  broker.wsPort = await freePort();
  let turn = null;
  if (relay) {
    const secret = randomBytes(24).toString("hex");
    turn = await new Coturn(secret).start();
    broker.extraConfig.push(`plugin_opt_call_turn_urls ${turn.url}`, `plugin_opt_call_turn_secret ${secret}`);
  }
  await broker.start();
  const alice = await newUser(broker, "alice");
  const bob = await newUser(broker, "bob");
  const seed = await new RawClient(broker, alice.name, alice.password, "seed").connect();
  await seed.openDirect(bob.name);
  await seed.close();
  const chrome = await launchBrowser(FAKE_MEDIA_ARGS);
  const url = broker.url + (relay ? "?ice=relay" : "");
  const a = await callPage(chrome.browser, url, alice, login);
  const b = await callPage(chrome.browser, url, bob, login);
  await a.locator(`.conv-item[data-title="${bob.name}"]`).click({ timeout: T });
  await a.waitForFunction((t) => document.querySelector("#conv-title")?.dataset.title === t, bob.name, { timeout: T });
  // Bob accepts as soon as it rings, from inside his page (no test-driver round trip).
  await b.evaluate(() => {
    const d = document.getElementById("incoming-call");
    new MutationObserver(() => d.open && document.getElementById("incoming-accept").click()).observe(d, {
      attributes: true,
      attributeFilter: ["open"],
    });
  });
  const setup = [];
  const r = await machineLoad(async () => {
    for (let i = 0; i < calls; i++) {
      const n = await a.evaluate(() => window.__pcs.length);
      await a.click("#call-video-btn");
      await a.waitForFunction((n) => window.__pcs[n]?.__connectedAt !== undefined, n, { timeout: T });
      setup.push(await a.evaluate((n) => window.__pcs[n].__connectedAt - window.__mediaAt.at(-1), n));
      await a.click("#call-hangup");
      for (const p of [a, b]) await p.locator("#call-view").waitFor({ state: "hidden", timeout: T });
    }
    return { mode: "setup", relay, setup_ms: summary(setup) };
  });
  await chrome.close();
  await broker.stop();
  broker.cleanup();
  turn?.cleanup();
  return r;
}

/** Sends `count` payloads through `send(i)` with `window` outstanding; `onReceive` is wired by
 * the caller to call `got(i)`. Returns the latencies (ms) and the wall time (s). */
async function pump(count, window, send) {
  const sentAt = new Array(count);
  const lat = [];
  let next = 0;
  let done = 0;
  let finish;
  const finished = new Promise((r) => (finish = r));
  const fire = () => {
    while (next < count && next - done < window) {
      sentAt[next] = performance.now();
      send(next++);
    }
  };
  const got = (i) => {
    lat.push(performance.now() - sentAt[i]);
    if (++done === count) finish();
    else fire();
  };
  const t0 = performance.now();
  return {
    got,
    run: async () => {
      fire();
      await finished;
      return { lat, seconds: (performance.now() - t0) / 1000 };
    },
  };
}

const CANDIDATE = (i) => `candidate:${i} 1 udp 2122260223 127.0.0.1 ${40000 + (i % 20000)} typ host generation 0 ufrag Ab3x network-id 1`;

async function signalBench() {
  const count = opt("messages", 20000);
  const window = opt("window", 64);
  const broker = new Broker();
  broker.extraConfig.push("plugin_opt_call_signals_per_minute 1000000");
  await broker.start();
  const alice = await newUser(broker, "alice");
  const bob = await newUser(broker, "bob");
  const a = await new RawClient(broker, alice.name, alice.password, "laptop").connect();
  const b = await new RawClient(broker, bob.name, bob.password, "phone").connect();
  const conv = await a.openDirect(bob.name);
  const callId = (await a.ok(`mqchat/v1/c/${conv}/call_invite`, {})).call_id;
  await b.waitFor((e) => e.obj?.type === "call" && e.obj.event === "ringing");
  await b.ok(`mqchat/v1/c/${conv}/call_accept`, { call_id: callId });
  const topic = `mqchat/v1/c/${conv}/call_signal`;
  const p = await pump(count, window, (i) =>
    a.client.publish(
      topic,
      JSON.stringify({ call_id: callId, to: "bob/phone", signal: "candidate", candidate: CANDIDATE(i), sdp_mid: "0", sdp_mline_index: 0, req_id: `s${i}` }),
      { qos: 1, properties: { responseTopic: `mqchat/v1/u/alice/reply/laptop` } },
    ),
  );
  b.client.on("message", (_t, payload) => {
    const o = JSON.parse(payload.toString());
    if (o.event === "signal") p.got(Number(/^candidate:(\d+)/.exec(o.candidate)[1]));
  });
  const pid = broker.proc.pid;
  const r = await machineLoad(async () => {
    const c0 = cpuSeconds(pid);
    const { lat, seconds } = await p.run();
    const cpu = cpuSeconds(pid) - c0;
    return { signals_per_s: Math.round(count / seconds), broker_cpu_us_per_msg: round((cpu * 1e6) / count, 1), latency_ms: summary(lat) };
  });
  await a.close();
  await b.close();
  await broker.stop();
  broker.cleanup();
  const plain = await plainBench(count, window);
  return { mode: "signal", messages: count, window, plugin: r, plain };
}

/** The same traffic through plain Mosquitto (no plugin): QoS 1 publishes of the same size from
 * one client to another's subscription. */
async function plainBench(count, window) {
  const dir = new Broker().dir;
  const port = await freePort();
  const conf = join(dir, "plain.conf");
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\n`);
  const proc = spawn(process.env.MQCHAT_MOSQUITTO ?? "/usr/sbin/mosquitto", ["-c", conf], { stdio: "ignore" });
  const connect = (id) =>
    new Promise((res, rej) => {
      const tryOnce = (left) => {
        const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, { protocolVersion: 5, clientId: id, reconnectPeriod: 0 });
        c.once("connect", () => res(c));
        c.once("error", (e) => (left > 0 ? setTimeout(() => tryOnce(left - 1), 50) : rej(e))); // broker starting
      };
      tryOnce(100);
    });
  const a = await connect("alice");
  const b = await connect("bob");
  await new Promise((r) => b.subscribe("relay/bob", { qos: 1 }, r));
  const p = await pump(count, window, (i) =>
    a.publish("relay/bob", JSON.stringify({ type: "call", event: "signal", candidate: CANDIDATE(i), sdp_mid: "0", sdp_mline_index: 0, n: i }), { qos: 1 }),
  );
  b.on("message", (_t, payload) => p.got(JSON.parse(payload.toString()).n));
  const r = await machineLoad(async () => {
    const c0 = cpuSeconds(proc.pid);
    const { lat, seconds } = await p.run();
    const cpu = cpuSeconds(proc.pid) - c0;
    return { msgs_per_s: Math.round(count / seconds), broker_cpu_us_per_msg: round((cpu * 1e6) / count, 1), latency_ms: summary(lat) };
  });
  a.end(true);
  b.end(true);
  proc.kill("SIGTERM");
  return r;
}

if (mode === "setup") console.log(JSON.stringify(await setupBench()));
else if (mode === "signal") console.log(JSON.stringify(await signalBench()));
else {
  console.error("usage: node bench/call_bench.mjs setup [--calls N] [--relay] | signal [--messages N] [--window N]");
  process.exit(2);
}
process.exit(0);
