import assert from "node:assert/strict";
import { test } from "node:test";
import { AuthedApi } from "../src/api/authed_api";
import { ProfileApi, discoverBroker } from "../src/api/profiles";
import { Profiles } from "../src/state/profiles";

type Call = { method: string; url: string; auth: string | null; body: unknown };

/** A fake API service: profiles by name, an avatar image, the calls made. */
function fakeApi(profiles: Record<string, unknown>) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const headers = (init?.headers ?? {}) as Record<string, string>;
    calls.push({ method: init?.method ?? "GET", url, auth: headers.Authorization ?? null, body: init?.body });
    const user = /\/v1\/users\/([^/?]+)$/.exec(url)?.[1];
    if (url.includes("/avatar")) return new Response(new Blob([new Uint8Array([1, 2, 3])], { type: "image/png" }));
    if (user && profiles[user]) return Response.json(profiles[user]);
    return Response.json({ error: { code: "NOT_FOUND", message: "no" } }, { status: 404 });
  }) as typeof fetch;
  const api = new ProfileApi(new AuthedApi("http://api/", async () => "tok", fetchImpl));
  return { api, calls };
}

const profile = (username: string, display_name: string, avatar: string | null = null) => ({
  username,
  display_name,
  status_text: "",
  avatar: avatar ? { type: "image/png", url: avatar } : null,
  updated_at_ms: 1,
});

test("profiles: the username until the profile arrives, then the display name; each fetched once", async () => {
  const { api, calls } = fakeApi({ alice: profile("alice", "Alice L.", "/v1/users/alice/avatar?v=1") });
  const p = new Profiles(api);
  let changes = 0;
  p.onChange(() => changes++);
  assert.equal(p.nameOf("alice"), "alice");
  assert.equal(p.nameOf("alice"), "alice"); // asked once while pending
  assert.equal(p.nameOf("ghost"), "ghost");
  await Promise.all([p.settled("alice"), p.settled("ghost")]);
  assert.equal(p.nameOf("alice"), "Alice L.");
  assert.match(p.avatarOf("alice") ?? "", /^blob:/);
  assert.equal(p.nameOf("ghost"), "ghost"); // a 404 is kept: not asked again
  assert.equal(p.avatarOf("ghost"), null);
  const profileCalls = calls.filter((c) => !c.url.includes("avatar")).map((c) => c.url);
  assert.deepEqual(profileCalls.sort(), ["http://api/v1/users/alice", "http://api/v1/users/ghost"]);
  assert.ok(calls.every((c) => c.auth === "Bearer tok"));
  assert.equal(calls.find((c) => c.url.includes("avatar"))?.url, "http://api/v1/users/alice/avatar?v=1");
  assert.equal(changes, 1);
  p.dispose();
});

test("profiles: without an API every name is the username and nothing is fetched", () => {
  const p = new Profiles(null);
  assert.equal(p.enabled, false);
  assert.equal(p.nameOf("bob"), "bob");
  assert.equal(p.avatarOf("bob"), null);
});

test("profiles: my change replaces my cached profile", async () => {
  const { api } = fakeApi({ me: profile("me", "") });
  const p = new Profiles(api);
  await p.replaced({ username: "me", display_name: "Me!", status_text: "busy", avatar: null });
  assert.equal(p.nameOf("me"), "Me!");
  assert.equal(p.profileOf("me")?.status_text, "busy");
});

test("profiles: a profile event replaces the cached profile; the same image is not fetched again", async () => {
  const { api, calls } = fakeApi({ alice: profile("alice", "Alice", "/v1/users/alice/avatar?v=1") });
  const p = new Profiles(api);
  let changes = 0;
  p.onChange(() => changes++);
  p.nameOf("alice");
  await p.settled("alice");
  const avatar = p.avatarOf("alice");
  const ev = (display_name: string, url: string | null) => ({
    type: "profile" as const,
    user: "alice",
    display_name,
    status_text: "away",
    avatar: url ? { type: "image/png", url } : null,
    updated_at_ms: 2,
  });
  await p.applyEvent(ev("Alice B.", "/v1/users/alice/avatar?v=1"));
  assert.equal(p.nameOf("alice"), "Alice B.");
  assert.equal(p.profileOf("alice")?.status_text, "away");
  assert.equal(p.avatarOf("alice"), avatar); // the same URL: the same image
  await p.applyEvent(ev("Alice B.", "/v1/users/alice/avatar?v=2"));
  assert.notEqual(p.avatarOf("alice"), avatar);
  const avatarCalls = calls.filter((c) => c.url.includes("avatar")).map((c) => c.url);
  assert.equal(avatarCalls[avatarCalls.length - 1], "http://api/v1/users/alice/avatar?v=2");
  await p.applyEvent(ev("Alice B.", null));
  assert.equal(p.avatarOf("alice"), null);
  assert.equal(changes, 4);
  p.dispose();
});

test("profiles: after a reconnect every cached profile is fetched again", async () => {
  const people: Record<string, unknown> = { alice: profile("alice", "Alice") };
  const { api, calls } = fakeApi(people);
  const p = new Profiles(api);
  p.nameOf("alice");
  await p.settled("alice");
  people.alice = profile("alice", "Alice (renamed while I was away)");
  p.refetch();
  await p.settled("alice");
  assert.equal(p.nameOf("alice"), "Alice (renamed while I was away)");
  assert.equal(calls.filter((c) => c.url === "http://api/v1/users/alice").length, 2);
  p.dispose();
});

test("discovery: the first WebSocket broker of GET /v1/connect, else null", async () => {
  const answer = (body: unknown, status = 200) =>
    (async () => Response.json(body, { status })) as unknown as typeof fetch;
  const brokers = { brokers: [{ url: "mqtt://b:1883" }, { url: "wss://b/mqtt" }, { url: "ws://c/" }] };
  assert.equal(await discoverBroker("http://api", answer(brokers)), "wss://b/mqtt");
  assert.equal(await discoverBroker("http://api", answer({ brokers: [{ url: "mqtt://b" }] })), null);
  assert.equal(await discoverBroker("http://api", answer({}, 503)), null);
  const down = (async () => {
    throw new TypeError("refused");
  }) as unknown as typeof fetch;
  assert.equal(await discoverBroker("http://api", down), null);
});
