import assert from "node:assert/strict";
import { test } from "node:test";
import { ChatError } from "../src/api/errors";
import { ApiClient, TokenSet, apiCandidates, pageConfig } from "../src/api/http_api";
import type { KeyValueStore } from "../src/state/session";
import { LockRunner, TOKENS_KEY, TokenKeeper } from "../src/state/tokens";

class MemoryStorage implements KeyValueStore {
  items = new Map<string, string>();
  getItem(k: string): string | null {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.items.set(k, v);
  }
  removeItem(k: string): void {
    this.items.delete(k);
  }
}

/** A fake API service: rotates refresh tokens, revokes the family on reuse, counts calls. */
class FakeApi {
  calls: string[] = [];
  private live = new Set<string>();
  private n = 0;
  readonly client: ApiClient;

  constructor() {
    this.client = new ApiClient("http://api.test/", async (input, init) => {
      const path = String(input).replace("http://api.test", "");
      const body = JSON.parse(String(init?.body)) as Record<string, string>;
      this.calls.push(path);
      const json = (status: number, obj: unknown) => new Response(JSON.stringify(obj), { status });
      if (path === "/v1/login") return json(200, this.issue());
      if (path === "/v1/refresh") {
        if (!this.live.delete(body.refresh_token)) {
          this.live.clear();
          return json(401, { error: { code: "UNAUTHENTICATED", message: "the refresh token is not valid" } });
        }
        return json(200, this.issue());
      }
      if (path === "/v1/logout") {
        this.live.delete(body.refresh_token);
        return json(200, {});
      }
      return json(404, { error: { code: "NOT_FOUND", message: "no such path" } });
    });
  }

  private issue() {
    const refresh = `r${++this.n}`;
    this.live.add(refresh);
    return {
      username: "alice",
      access_token: `a${this.n}`,
      token_type: "Bearer",
      expires_in: 900,
      refresh_token: refresh,
    };
  }
}

/** One lock shared by "tabs" (a promise chain), as navigator.locks gives one origin. */
function sharedLock(): LockRunner {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>) => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => {});
    return run;
  };
}

test("the API is ?api=, else config.json's, else found on the page's origin or its host's port 8080", async () => {
  const noFetch = (() => Promise.reject(new Error("no fetch"))) as typeof fetch;
  const origin = "http://chat.example:8083";
  assert.deepEqual(await pageConfig("?api=http://a:1", origin, noFetch), { api: "http://a:1", mqttPasswords: false });
  const cfg = (async () => new Response(JSON.stringify({ api: "http://b:2" }))) as typeof fetch;
  assert.deepEqual(await pageConfig("", origin, cfg), { api: "http://b:2", mqttPasswords: false });
  // A config.json for a broker that takes passwords over MQTT: no probing, passwords allowed.
  const mqtt = (async () => new Response(JSON.stringify({ password_login: "mqtt" }))) as typeof fetch;
  assert.deepEqual(await pageConfig("", origin, mqtt), { api: null, mqttPasswords: true });
  // A page served by the API (web_dir): config.json names the broker's WebSocket listener.
  const ws = (async () =>
    new Response(JSON.stringify({ api: "http://b:2", broker_ws: "ws://b:8083/" }))) as typeof fetch;
  assert.deepEqual(await pageConfig("", origin, ws), {
    api: "http://b:2",
    mqttPasswords: false,
    brokerWs: "ws://b:8083/",
  });
  const notWs = (async () =>
    new Response(JSON.stringify({ api: "http://b:2", broker_ws: "javascript:alert(1)" }))) as typeof fetch;
  assert.deepEqual(await pageConfig("", origin, notWs), { api: "http://b:2", mqttPasswords: false });
  // No config.json: the first candidate that answers discovery.
  const asked: string[] = [];
  const at =
    (api: string) =>
    async (url: string | URL | Request): Promise<Response> => {
      asked.push(String(url));
      if (String(url) === `${api}/v1/connect`) return new Response(JSON.stringify({ brokers: [] }));
      return new Response("not found", { status: 404 });
    };
  assert.deepEqual(await pageConfig("", origin, at(origin) as typeof fetch), { api: origin, mqttPasswords: false });
  const byPort = "http://chat.example:8080";
  assert.deepEqual(await pageConfig("", origin, at(byPort) as typeof fetch), { api: byPort, mqttPasswords: false });
  assert.deepEqual(asked.slice(-3), ["config.json", `${origin}/v1/connect`, `${byPort}/v1/connect`]);
  // Nothing found: no API, and still no passwords over MQTT.
  const missing = (async () => new Response("not found", { status: 404 })) as typeof fetch;
  assert.deepEqual(await pageConfig("", origin, missing), { api: null, mqttPasswords: false });
  assert.deepEqual(await pageConfig("", origin, noFetch), { api: null, mqttPasswords: false });
  assert.deepEqual(apiCandidates("https://[::1]:9000"), ["https://[::1]:9000", "https://[::1]:8080"]);
  assert.deepEqual(apiCandidates("http://h:8080"), ["http://h:8080"]);
  assert.deepEqual(apiCandidates("null"), []);
});

test("a login is saved without a password; a token with life left is used as is", async (t) => {
  const api = new FakeApi();
  const store = new MemoryStorage();
  const keeper = new TokenKeeper(api.client, store, sharedLock());
  t.after(() => keeper.stop()); // its refresh timer must not outlive a failed test
  keeper.adopt(await api.client.login("alice", "hunter2-password"));
  assert.ok(!JSON.stringify([...store.items]).includes("hunter2"));
  assert.equal(await keeper.fresh(), "a1");
  assert.deepEqual(api.calls, ["/v1/login"]);
  keeper.stop();
});

test("an expiring token is refreshed before a connect, and the rotation is saved", async (t) => {
  const api = new FakeApi();
  const store = new MemoryStorage();
  const keeper = new TokenKeeper(api.client, store, sharedLock());
  t.after(() => keeper.stop()); // its refresh timer must not outlive a failed test
  const login = await api.client.login("alice", "pw");
  keeper.adopt({ ...login, expiresAt: Date.now() + 1000 });
  assert.equal(await keeper.fresh(), "a2");
  assert.equal((keeper.saved() as TokenSet).refresh, "r2");
  keeper.stop();
});

test("two tabs refreshing at once rotate once (no reuse, the family survives)", async (t) => {
  const api = new FakeApi();
  const store = new MemoryStorage();
  const lock = sharedLock();
  const tab1 = new TokenKeeper(api.client, store, lock);
  const tab2 = new TokenKeeper(api.client, store, lock);
  t.after(() => (tab1.stop(), tab2.stop()));
  const login = await api.client.login("alice", "pw");
  tab1.adopt({ ...login, expiresAt: Date.now() + 1000 });
  const [a, b] = await Promise.all([tab1.fresh(), tab2.fresh()]);
  assert.equal(a, "a2");
  assert.equal(b, "a2");
  assert.deepEqual(api.calls, ["/v1/login", "/v1/refresh"]);
  assert.equal(await tab2.fresh(), "a2"); // still valid: the family was not revoked
  tab1.stop();
  tab2.stop();
});

test("a revoked login is forgotten and reported as UNAUTHENTICATED; logout revokes", async (t) => {
  const api = new FakeApi();
  const store = new MemoryStorage();
  const keeper = new TokenKeeper(api.client, store, sharedLock());
  t.after(() => keeper.stop()); // its refresh timer must not outlive a failed test
  const login = await api.client.login("alice", "pw");
  keeper.adopt({ ...login, expiresAt: Date.now() + 1000 });
  await api.client.refresh("r1"); // someone else used it: the next use is a reuse
  await assert.rejects(keeper.fresh(), (e: unknown) => e instanceof ChatError && e.code === "UNAUTHENTICATED");
  assert.equal(store.getItem(TOKENS_KEY), null);

  keeper.adopt(await api.client.login("alice", "pw"));
  await keeper.logout();
  assert.equal(store.getItem(TOKENS_KEY), null);
  assert.equal(api.calls[api.calls.length - 1], "/v1/logout");
  await assert.rejects(keeper.fresh(), (e: unknown) => e instanceof ChatError && e.code === "UNAUTHENTICATED");
});
