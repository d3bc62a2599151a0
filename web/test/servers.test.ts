import assert from "node:assert/strict";
import { test } from "node:test";
import { ServerRing, parseServers } from "../src/api/servers";

test("one URL or a list separated by commas or spaces", () => {
  assert.deepEqual(parseServers("ws://a:8083/"), ["ws://a:8083/"]);
  assert.deepEqual(parseServers(" ws://a:8083/, ws://b:8083/ ,,ws://c:8083/\nws://d:8083/ "), [
    "ws://a:8083/",
    "ws://b:8083/",
    "ws://c:8083/",
    "ws://d:8083/",
  ]);
  assert.deepEqual(parseServers(" , "), []);
});

test("the ring stays on a broker until it fails, then moves to the next and wraps round", () => {
  const ring = new ServerRing(["ws://a/", "ws://b/", "ws://c/"]);
  assert.equal(ring.current, "ws://a/");
  assert.equal(ring.current, "ws://a/", "reading does not move");
  assert.equal(ring.advance(), "ws://b/");
  assert.equal(ring.current, "ws://b/");
  assert.equal(ring.advance(), "ws://c/");
  assert.equal(ring.advance(), "ws://a/");
});

test("a single broker is retried; text is parsed; none is an error", () => {
  const one = new ServerRing("ws://only/");
  assert.equal(one.advance(), "ws://only/");
  assert.equal(new ServerRing("ws://a/ ws://b/").advance(), "ws://b/");
  assert.throws(() => new ServerRing(""));
  assert.throws(() => new ServerRing([" "]));
});
