import assert from "node:assert/strict";
import { test } from "node:test";
import { Conv } from "../src/state/conversation";
import { SlowMode } from "../src/state/slow_mode";

function conv(slow: number, myRole: string): Conv {
  const c = new Conv("7");
  c.kind = "group";
  c.slowModeS = slow;
  c.members.set("mike", { role: myRole, read_seq: 0 });
  return c;
}

test("slow mode: a member waits the interval after a send; owners and admins do not; off is no wait", () => {
  const s = new SlowMode();
  s.sent(conv(30, "member"), "mike", 1000);
  assert.equal(s.waitMs("7", 1000), 30000);
  assert.equal(s.waitMs("7", 25000), 6000);
  assert.equal(s.waitMs("7", 31000), 0);
  for (const role of ["owner", "admin"]) {
    const t = new SlowMode();
    t.sent(conv(30, role), "mike", 1000);
    assert.equal(t.waitMs("7", 1000), 0, role);
  }
  const off = new SlowMode();
  off.sent(conv(0, "member"), "mike", 1000);
  assert.equal(off.waitMs("7", 1000), 0);
});

test("slow mode: RATE_LIMITED's retry_after_ms is waited even when slow mode was not known, and never shortens a wait", () => {
  const s = new SlowMode();
  s.limited("7", 4000, 1000);
  assert.equal(s.waitMs("7", 1000), 4000);
  s.limited("7", 500, 2000); // shorter than what is left: the longer wait stands
  assert.equal(s.waitMs("7", 2000), 3000);
  s.limited("7", 0, 2000);
  assert.equal(s.waitMs("7", 2000), 3000);
});
