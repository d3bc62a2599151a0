// End-to-end tests of issue 24's blocking and "who may message me" in the web client: alice
// blocks bob from their conversation (a confirm dialog, by keyboard); bob's messages to her are
// refused with a sentence that does not tell a block; alice's other page shows bob in her blocked
// list at once (the privacy event); in a group bob's new message is hidden behind a placeholder on
// alice's page; unblocking lets bob write again. And with "nobody new", a stranger cannot open a
// direct conversation with alice. Reporting: alice reports bob's message from its menu and bob
// from the conversation's details (a dialog with the reason list); the operator's queue
// (mqchatctl reports list) has both, the message's text kept. Its own broker and browser
// (pages.mjs); run by tests/web/run.sh.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { CTL, RawClient, screenshot } from "./harness.mjs";
import { T, msgByText, openConv, pageSuite, send, type } from "./pages.mjs";

const suite = pageSuite();
const { newUser, openAs } = suite;

async function raw(t, user) {
  const c = await new RawClient(suite.broker, user.name, user.password, "raw").connect();
  t.after(() => c.close());
  return c;
}

suite.e2e("block from the conversation, across devices and in a group, then unblock", "privacy-block", async (t, pages) => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const aliceRaw = await raw(t, alice);
  const bobRaw = await raw(t, bob);
  await aliceRaw.openDirect(bob.name);
  const group = (await aliceRaw.ok("mqchat/v1/req/create_group", { name: "Crew", members: [bob.name] })).conversation;
  const a = await openAs(t, pages, alice, bob.name);
  const a2 = await openAs(t, pages, alice); // alice's other device, its privacy panel open
  const b = await openAs(t, pages, bob, alice.name);
  await a2.click("#privacy-btn");
  await a2.locator("#blocked-empty").waitFor({ timeout: T });

  // Alice blocks bob from the conversation's details: a confirm dialog, answered by keyboard.
  await a.click("#info-btn");
  await a.locator(`#info-body button.block[data-block="${bob.name}"]`).click();
  await a.locator("#block-dialog", { hasText: `Block ${bob.name}?` }).waitFor({ timeout: T });
  assert.equal(await a.evaluate(() => document.activeElement?.id), "block-cancel", "focus starts on Cancel");
  await a.keyboard.press("Tab");
  assert.equal(await a.evaluate(() => document.activeElement?.id), "block-confirm");
  await a.keyboard.press("Enter");
  await a.locator("#block-dialog").waitFor({ state: "hidden", timeout: T });
  await a.locator("#blocked-bar", { hasText: `You blocked ${bob.name}` }).waitFor({ timeout: T });
  await a.locator(`#info-body button.unblock[data-block="${bob.name}"]`).waitFor({ timeout: T });
  assert.equal(await a.locator("#composer-input").isEnabled(), true, "the blocker may still write");

  // Her other page shows bob in the blocked list at once (the privacy event, no reload).
  await a2.locator(`#blocked-list li[data-user="${bob.name}"]`).waitFor({ timeout: T });

  // Bob's message to alice is refused with the one sentence for a block and a policy.
  const sentence = `${alice.name} does not accept direct messages from you`;
  await type(b, "are you there?");
  await b.locator(".msg.failed .msg-error", { hasText: sentence }).waitFor({ timeout: T });
  assert.doesNotMatch(await b.locator("#chat-view").innerText(), /block/i, "bob's page never tells a block");
  await screenshot(b, "desktop-privacy-not-accepting");

  // In the group, bob's new message is hidden on alice's page behind a placeholder; Show shows it.
  await openConv(a, "Crew");
  await bobRaw.send(group.conversation_id, "group hello from bob");
  const hidden = a.locator(`.msg.blocked-msg[data-sender="${bob.name}"]`);
  await hidden.waitFor({ timeout: T });
  assert.match(await hidden.innerText(), /Message from a blocked user/);
  assert.doesNotMatch(await a.locator("#chat-view").innerText(), /group hello from bob/, "nor in the list");
  await screenshot(a, "desktop-privacy-group-placeholder");
  await hidden.locator("button.reveal").click();
  await msgByText(a, "group hello from bob").waitFor({ timeout: T });

  // The member list offers Unblock; alice unblocks from her other page's privacy panel instead.
  await a.locator(`#member-list li[data-user="${bob.name}"] button.unblock`).waitFor({ timeout: T });
  await a2.locator(`#blocked-list li[data-user="${bob.name}"] button.unblock`).click();
  await a2.locator("#blocked-empty").waitFor({ timeout: T });
  await a.locator(`#member-list li[data-user="${bob.name}"] button.block`).waitFor({ timeout: T });
  await bobRaw.send(group.conversation_id, "second group hello");
  await msgByText(a, "second group hello").waitFor({ timeout: T });
  assert.equal(await a.locator(".msg.blocked-msg").count(), 0);

  // Bob can write to alice again.
  await send(b, "back again");
  await openConv(a, bob.name);
  await msgByText(a, "back again").waitFor({ timeout: T });
  assert.equal(await a.locator("#blocked-bar").isVisible(), false);
});

suite.e2e('"nobody new": a stranger cannot open a direct conversation', "privacy-policy", async (t, pages) => {
  const alice = await newUser("alice");
  const carol = await newUser("carol");
  const aliceRaw = await raw(t, alice);
  const a = await openAs(t, pages, alice);
  await a.click("#privacy-btn");
  await a.locator("#policy-everyone:checked").waitFor({ timeout: T });
  await a.check("#policy-existing_only");
  await aliceRaw.waitFor((e) => e.obj?.type === "privacy" && e.obj.dm_policy === "existing_only", T, "privacy event");
  await screenshot(a, "desktop-privacy-panel");

  const c = await openAs(t, pages, carol);
  await c.click("#new-chat-btn");
  await c.fill("#new-direct-user", alice.name);
  await c.click("#new-chat-submit");
  await c
    .locator("#new-chat-error", { hasText: `${alice.name} does not accept direct messages from you` })
    .waitFor({ timeout: T });
  assert.equal(await c.locator(`.conv-item[data-title="${alice.name}"]`).count(), 0);

  // Back to "everyone": carol may.
  await a.check("#policy-everyone");
  await aliceRaw.waitFor((e) => e.obj?.type === "privacy" && e.obj.dm_policy === "everyone", T, "privacy event");
  await c.click("#new-chat-submit");
  await c.waitForFunction((t) => document.querySelector("#conv-title")?.textContent === t, alice.name, { timeout: T });
});

suite.e2e("report a message from its menu and a user from the details", "privacy-report", async (t, pages) => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const bobRaw = await raw(t, bob);
  const dm = await bobRaw.openDirect(alice.name);
  await bobRaw.send(dm, "cheap pills here");
  const a = await openAs(t, pages, alice, bob.name);
  const msg = msgByText(a, "cheap pills here");
  await msg.waitFor({ timeout: T });

  // The message's menu offers Report (not on my own messages); the dialog lists the reasons.
  await msg.locator(".menu-btn").click();
  await msg.locator(".msg-menu .menu-item.report").click();
  await a.locator("#report-dialog", { hasText: `Report this message by ${bob.name}?` }).waitFor({ timeout: T });
  assert.equal(await a.evaluate(() => document.activeElement?.id), "report-reason", "focus starts on the reason");
  assert.equal(await a.locator("#report-reason option").count(), 8);
  await a.selectOption("#report-reason", "spam");
  await a.fill("#report-details", "selling pills");
  await screenshot(a, "desktop-report-dialog");
  await a.click("#report-confirm");
  await a.locator("#report-dialog").waitFor({ state: "hidden", timeout: T });

  // The user, from the conversation's details.
  await a.click("#info-btn");
  await a.locator(`#info-body button.report[data-report="${bob.name}"]`).click();
  await a.locator("#report-dialog", { hasText: `Report ${bob.name}?` }).waitFor({ timeout: T });
  await a.selectOption("#report-reason", "harassment");
  await a.click("#report-confirm");
  await a.locator("#report-dialog").waitFor({ state: "hidden", timeout: T });

  // The operator's queue has both, oldest first, the message's text kept.
  const r = spawnSync(CTL, ["--sqlite", suite.broker.db, "--json", "reports", "list"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const queue = JSON.parse(r.stdout);
  assert.equal(queue.length, 2, r.stdout);
  assert.equal(queue[0].reporter, alice.name);
  assert.equal(queue[0].reported_user, bob.name);
  assert.equal(queue[0].reason, "spam");
  assert.equal(queue[0].details, "selling pills");
  assert.equal(queue[0].message_text, "cheap pills here");
  assert.equal(queue[1].reported_user, bob.name);
  assert.equal(queue[1].reason, "harassment");
  assert.equal(queue[1].seq, undefined);
});
