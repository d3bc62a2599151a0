// End-to-end test of search in the web client (issue 17) between two pages: bob sends from his
// page; alice searches from the sidebar box (Korean two syllables inside a longer word, an
// English stem), sees the match in <mark> built from the highlights (server text never parsed as
// HTML), opens a result whose message is far back in the history (older pages load until it is
// there) and lands scrolled to it; Escape closes the search and the list comes back. A word
// said in a server's channel (issue 18) is found as "#general in <server>" and opens that
// channel in its server, scrolled to the message. Its own broker and browser (pages.mjs); run
// by tests/web/run.sh.
import assert from "node:assert/strict";
import { RawClient, screenshot } from "./harness.mjs";
import { T, msgByText, pageSuite, send } from "./pages.mjs";
import { searchUntil } from "./search_helpers.mjs";

const suite = pageSuite();
const { newUser, openAs } = suite;

suite.e2e("send, search and open the result at its message", "search-open", async (t, pages) => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const bobRaw = await new RawClient(suite.broker, bob.name, bob.password, "raw").connect();
  t.after(() => bobRaw.close());
  const direct = await bobRaw.openDirect(alice.name);

  const b = await openAs(t, pages, bob, alice.name);
  await send(b, "내일 점심시간에 <b>meetings</b> 있어요");
  // Sixty later messages: the one found is not on the first page of history.
  for (let i = 1; i <= 60; i++) await bobRaw.send(direct, `filler ${i}`);

  const a = await openAs(t, pages, alice);
  const hit = await searchUntil(a, "점심", "점심시간에");
  assert.equal(await hit.locator("mark").count(), 1);
  assert.equal(await hit.locator("mark").innerText(), "점심");
  assert.match(await hit.innerText(), /<b>meetings<\/b>/, "the text is shown as text, not as HTML");
  assert.equal(await a.locator("#search-results b").count(), 0);
  assert.equal(await a.locator("#conv-list").isVisible(), false, "the results take the list's place");

  const stem = await searchUntil(a, "meeting", "점심시간에");
  assert.equal(await stem.locator("mark").innerText(), "meetings");
  await screenshot(a, "desktop-search-results");

  // Open the result: the conversation opens scrolled to that message, loading older pages.
  await stem.click();
  await a.waitForFunction((n) => document.querySelector("#conv-title")?.textContent === n, bob.name, { timeout: T });
  const target = msgByText(a, "점심시간에");
  await target.waitFor({ timeout: T });
  await a.waitForFunction(
    () => {
      const box = document.getElementById("messages").getBoundingClientRect();
      const el = [...document.querySelectorAll(".msg[data-seq]")].find((m) => m.textContent.includes("점심시간에"));
      if (!el) return false;
      const r = el.getBoundingClientRect();
      return r.top >= box.top && r.bottom <= box.bottom;
    },
    null,
    { timeout: T },
  );
  assert.equal(await target.getAttribute("data-seq"), "1");
  assert.equal(await a.evaluate(() => document.activeElement?.closest(".msg")?.getAttribute("data-seq")), "1");

  // Escape in the box closes the search; the conversation list is back.
  await a.click("#search-input");
  await a.press("#search-input", "Escape");
  await a.locator("#search-view").waitFor({ state: "hidden", timeout: T });
  await a.locator(`.conv-item[data-title="${bob.name}"]`).waitFor({ timeout: T });
});

suite.e2e("a word said in a channel is found as that channel of its server and opens there", "search-channel", async (t, pages) => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const bobRaw = await new RawClient(suite.broker, bob.name, bob.password, "raw").connect();
  t.after(() => bobRaw.close());
  const aliceRaw = await new RawClient(suite.broker, alice.name, alice.password, "raw").connect();
  t.after(() => aliceRaw.close());
  const server = (await bobRaw.ok("mqchat/v1/req/server_create", { name: "Garden" })).server;
  const channels = (await bobRaw.ok("mqchat/v1/req/channels", { server_id: server.server_id })).channels;
  const general = channels.find((c) => c.name === "general").channel_id;
  const { invite } = await bobRaw.ok("mqchat/v1/req/invite_create", { server_id: server.server_id });
  await aliceRaw.ok("mqchat/v1/req/invite_join", { code: invite.code });
  await aliceRaw.close();
  await bobRaw.send(general, "the zeppelin lands at noon");
  // Sixty later messages: the one found is not on the channel's first page of history.
  for (let i = 1; i <= 60; i++) await bobRaw.send(general, `filler ${i}`);

  const a = await openAs(t, pages, alice);
  const hit = await searchUntil(a, "zeppelin", "lands at noon");
  assert.equal(await hit.locator(".search-hit-title").innerText(), "#general in Garden");
  assert.equal(await hit.locator("mark").innerText(), "zeppelin");
  assert.equal(await hit.getAttribute("data-server"), server.server_id);

  await hit.click();
  // The server opens at that channel (not the conversation list's pane), scrolled to it.
  await a.locator(`.rail-server[data-name="Garden"][aria-current]`).waitFor({ timeout: T });
  await a.locator("#server-view #conv-pane").waitFor({ timeout: T });
  await a.locator(`.channel-item[data-channel-id="${general}"][aria-current]`).waitFor({ timeout: T });
  await a.waitForFunction(() => document.querySelector("#conv-title")?.dataset.title === "# general", null, {
    timeout: T,
  });
  const target = msgByText(a, "lands at noon");
  await target.waitFor({ timeout: T });
  await a.waitForFunction(
    () => {
      const box = document.getElementById("messages").getBoundingClientRect();
      const el = [...document.querySelectorAll(".msg[data-seq]")].find((m) => m.textContent.includes("lands at noon"));
      if (!el) return false;
      const r = el.getBoundingClientRect();
      return r.top >= box.top && r.bottom <= box.bottom;
    },
    null,
    { timeout: T },
  );
  assert.equal(await target.getAttribute("data-seq"), "1");
  await screenshot(a, "desktop-search-channel");
});

suite.e2e("a search that finds nothing says so, in Korean too", "search-none", async (t, pages) => {
  const alice = await newUser("alice");
  const a = await openAs(t, pages, alice);
  await a.fill("#search-input", "없는단어");
  await a.press("#search-input", "Enter");
  await a.locator("#search-status", { hasText: "Nothing found" }).waitFor({ timeout: T });
  await a.click("#settings-btn");
  await a.selectOption("#settings-lang", "ko");
  await a.keyboard.press("Escape");
  await a.locator("#search-input[placeholder='메시지 검색']").waitFor({ timeout: T });
  await a.locator("#search-close").click();
  await a.locator("#search-view").waitFor({ state: "hidden", timeout: T });
});
