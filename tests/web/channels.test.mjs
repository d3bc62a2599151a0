// End-to-end tests of channel messages in the web client (issues 18 and 16): a channel is shown by
// the conversation pane, so what conversations have works in channels between two pages: edit,
// delete, reply, react and a picture are seen by the other page; a member without
// manage_messages has no Delete on others' messages and the broker refuses a forged delete, while
// the owner (every permission) deletes bob's message and bob's page shows the tombstone; typing
// shows on the other page (on the channel's topic); a channel override from the
// server settings denies sending; kick takes the other page out of the server; and slow mode
// (issue 24) disables the send button with a countdown, and a send the server paces waits and
// goes once, in order. axe finds nothing in the changed views. Its own broker, real mqchat-api
// and browser (pages.mjs apiPageSuite); run by tests/web/run.sh.
import assert from "node:assert/strict";
import { axe } from "./axe.mjs";
import { RawClient, screenshot } from "./harness.mjs";
import { png } from "./images.mjs";
import { T, apiPageSuite, msgByText, openConv, send } from "./pages.mjs";

const suite = apiPageSuite();

/** Opens the menu of message `msg` and clicks its item `act` (menu-item class). */
async function menu(msg, act) {
  await msg.locator(".menu-btn").click({ timeout: T });
  await msg.locator(`.msg-menu .menu-item.${act}`).click({ timeout: T });
}

async function raw(t, user, device = "raw") {
  // The user signed up through the API a moment ago; the broker learns of a new account at its
  // next user refresh (plugin_opt_user_refresh_ms), and refuses a password CONNECT (135) until
  // then. Retried until accepted, within T.
  const deadline = Date.now() + T;
  for (;;) {
    try {
      const c = await new RawClient(suite.broker, user.name, user.password, device).connect();
      t.after(() => c.close());
      return c;
    } catch (e) {
      if (e.code !== 135 || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100)); // polling the broker's refresh, with a deadline
    }
  }
}

/** alice's server with bob in it (joined by invite); the id of its channel "general". */
async function serverWithBob(t, alice, bob, name) {
  const ra = await raw(t, alice);
  const rb = await raw(t, bob);
  const server = (await ra.ok("mqchat/v1/req/server_create", { name })).server;
  const channels = (await ra.ok("mqchat/v1/req/channels", { server_id: server.server_id })).channels;
  const general = channels.find((c) => c.name === "general").channel_id;
  const { invite } = await ra.ok("mqchat/v1/req/invite_create", { server_id: server.server_id });
  await rb.ok("mqchat/v1/req/invite_join", { code: invite.code });
  return { ra, rb, serverId: server.server_id, general };
}

/** Opens server `name` from the rail; its first channel, "general", opens in the pane. */
async function openServer(page, name) {
  await page.locator(`.rail-server[data-name="${name}"]`).click({ timeout: T });
  await page.locator(`.rail-server[data-name="${name}"][aria-current]`).waitFor({ timeout: T });
  await page.waitForFunction(() => document.querySelector("#conv-title")?.dataset.title === "# general", null, {
    timeout: T,
  });
  await page.locator("#server-view #conv-pane").waitFor({ timeout: T });
}

suite.e2e(
  "two pages in a channel: edit, reply, react, a picture and delete are seen live; no Delete on others' messages without manage_messages, and a forged one is refused; the owner deletes bob's",
  "channel-messages",
  async (t, pages) => {
    const alice = await suite.newUser("alice");
    const bob = await suite.newUser("bob");
    const { rb, general } = await serverWithBob(t, alice, bob, "Garden");
    const a = await suite.openAs(t, pages, alice);
    const b = await suite.openAs(t, pages, bob);
    await openServer(a, "Garden");
    await openServer(b, "Garden");

    // A message with a typo; bob sees it, then the edit in place (no new message).
    await send(a, "helo gardeners");
    await msgByText(b, "helo gardeners").waitFor({ timeout: T });
    const seq = await msgByText(a, "helo gardeners").getAttribute("data-seq");
    const onA = a.locator(`.msg[data-seq="${seq}"]`);
    const onB = b.locator(`.msg[data-seq="${seq}"]`);
    await menu(onA, "edit");
    await onA.locator(".edit-input").fill("hello gardeners");
    await onA.locator(".edit-input").press("Enter");
    await onB.locator(".text", { hasText: "hello gardeners" }).waitFor({ timeout: T });
    await onB.locator(".edited").waitFor({ timeout: T });
    await onB.locator(".sender").waitFor({ timeout: T }); // a channel names its senders

    // Bob, without manage_messages: no Edit and no Delete on alice's message.
    await onB.locator(".menu-btn").click();
    await onB.locator(".msg-menu .menu-item.reply").waitFor({ timeout: T });
    assert.equal(await onB.locator(".msg-menu .menu-item.edit").count(), 0);
    assert.equal(await onB.locator(".msg-menu .menu-item.delete").count(), 0);
    assert.deepEqual(await axe(b), [], "axe violations in a channel with a message menu open");
    await b.keyboard.press("Escape");
    await onB.locator(".msg-menu").waitFor({ state: "detached", timeout: T });
    // A delete forged past the page is refused by the broker, and nothing changes.
    const forged = await rb.request(`mqchat/v1/c/${general}/delete`, { client_msg_id: "forged-1", seq: Number(seq) });
    assert.equal(forged.ok, false);
    assert.equal(forged.error.code, "NOT_AUTHOR");

    // Reply: bob answers alice's message; alice sees the quote.
    await menu(onB, "reply");
    await b.locator("#reply-bar", { hasText: "hello gardeners" }).waitFor({ timeout: T });
    await send(b, "hi alice, replying");
    await msgByText(a, "hi alice, replying").locator(".reply-quote", { hasText: "hello gardeners" }).waitFor({
      timeout: T,
    });

    // React: bob's 👍 shows on alice's page; alice adds hers (2).
    await menu(onB, "react-open");
    await onB.locator('.msg-menu.picker .menu-item[data-emoji="👍"]').click();
    await onA.locator('.chip[data-emoji="👍"]', { hasText: "1" }).waitFor({ timeout: T });
    await onA.locator('.chip[data-emoji="👍"]').click();
    await onB.locator('.chip[data-emoji="👍"]', { hasText: "2" }).waitFor({ timeout: T });

    // A picture: uploaded on alice's page, its thumbnail loads on bob's (a channel reader may
    // download it).
    await a.locator("#attach-btn").waitFor({ timeout: T });
    await a.setInputFiles("#attach-input", [
      { name: "tulips.png", mimeType: "image/png", buffer: png(320, 200, [200, 40, 90]) },
    ]);
    await a.locator('#upload-tray .upload[data-state="done"]').waitFor({ timeout: T });
    await send(a, "the tulips are out");
    const pic = msgByText(b, "the tulips are out").locator(".att-image img");
    await pic.waitFor({ timeout: T });
    await b.waitForFunction((el) => el.complete && el.naturalWidth > 0, await pic.elementHandle(), { timeout: T });

    // Alice deletes her first message: a tombstone on bob's page, the reply's quote says so.
    await menu(onA, "delete");
    await onA.locator(".msg-menu .menu-item.delete-confirm").click({ timeout: T });
    await onB.locator(".tombstone").waitFor({ timeout: T });
    await msgByText(b, "hi alice, replying").locator(".reply-quote", { hasText: "deleted message" }).waitFor({
      timeout: T,
    });
    assert.equal(await b.locator(".msg[data-seq]", { hasText: "hello gardeners" }).count(), 0);
    assert.deepEqual(await axe(b), [], "axe violations in a channel");
    await screenshot(b, "desktop-channel-messages");

    // A reload brings the same state from history (the tombstone has no reactions).
    await b.reload();
    await b.locator("#chat-view").waitFor({ timeout: T });
    await openServer(b, "Garden");
    await onB.locator(".tombstone").waitFor({ timeout: T });
    await msgByText(b, "the tulips are out").locator(".att-image img").waitFor({ timeout: T });
    await msgByText(b, "hi alice, replying").locator(".reply-quote", { hasText: "deleted message" }).waitFor({
      timeout: T,
    });

    // Moderation: alice owns the server (manage_messages with every other flag), so her page
    // offers Delete on bob's message; the deletion reaches bob's page live as a tombstone.
    await send(b, "spam from bob");
    await msgByText(a, "spam from bob").waitFor({ timeout: T });
    const spamSeq = await msgByText(a, "spam from bob").getAttribute("data-seq");
    const spamOnA = a.locator(`.msg[data-seq="${spamSeq}"]`);
    await menu(spamOnA, "delete");
    await spamOnA.locator(".msg-menu .menu-item.delete-confirm").click({ timeout: T });
    await b.locator(`.msg[data-seq="${spamSeq}"] .tombstone`).waitFor({ timeout: T });
    assert.equal(await b.locator(".msg[data-seq]", { hasText: "spam from bob" }).count(), 0);
    // history carries messages in their current state (docs/PROTOCOL.md): bob's is a tombstone.
    const h = await rb.ok(`mqchat/v1/c/${general}/history`, { limit: 50 });
    const spam = h.messages.find((x) => x.seq === Number(spamSeq));
    assert.ok(spam, "bob's message keeps its seq in the channel's history");
    assert.equal(spam.deleted, true, "the owner's deletion made bob's message a tombstone");
    assert.equal(spam.text, "");
  },
);

suite.e2e(
  "typing in a channel shows on the other page",
  "channel-typing",
  async (t, pages) => {
    const alice = await suite.newUser("alice");
    const bob = await suite.newUser("bob");
    await serverWithBob(t, alice, bob, "Typists");
    const a = await suite.openAs(t, pages, alice);
    const b = await suite.openAs(t, pages, bob);
    await openServer(a, "Typists");
    await openServer(b, "Typists");
    await a.fill("#composer-input", "thinking");
    await a.locator("#composer-input").dispatchEvent("input");
    await b.waitForFunction(() => /typing/.test(document.querySelector("#conv-sub").textContent), null, {
      timeout: T,
    });
  },
);

suite.e2e(
  "a member with kick_members kicks bob: bob's page loses the server and gets nothing more",
  "channel-kick",
  async (t, pages) => {
    const alice = await suite.newUser("alice");
    const bob = await suite.newUser("bob");
    const { ra, rb, general, serverId } = await serverWithBob(t, alice, bob, "Kickers");
    const a = await suite.openAs(t, pages, alice);
    const b = await suite.openAs(t, pages, bob);
    await openServer(a, "Kickers");
    await openServer(b, "Kickers");
    await send(a, "before the kick");
    await msgByText(b, "before the kick").waitFor({ timeout: T });
    // Bob has no kick: no actions in his member list.
    assert.equal(await b.locator("#member-list .member-kick").count(), 0);
    assert.equal(await b.locator("#member-list .member-ban").count(), 0);

    // A channel override from the server settings: @everyone may not send in "general" any
    // more; bob's send is refused (alice, the owner, still sends).
    await a.click("#server-settings-btn");
    await a.locator("#server-dialog[open] #override-save").waitFor({ timeout: T });
    await a.selectOption("#override-channel", { label: "#general" });
    await a.selectOption("#override-role", { label: "@everyone" });
    await a.selectOption("#override-send_messages", "deny");
    await a.click("#override-save");
    await a.locator("#override-status", { hasText: "#general" }).waitFor({ timeout: T });
    assert.deepEqual(await axe(a), [], "axe violations in the server settings with channel permissions");
    await a.keyboard.press("Escape");
    await a.locator("#server-dialog").waitFor({ state: "hidden", timeout: T });
    const denied = await rb.request(`mqchat/v1/c/${general}/send`, { client_msg_id: "denied-1", text: "may I?" });
    assert.equal(denied.error?.code, "FORBIDDEN");

    // Alice kicks bob from the member list, with a confirmation.
    const row = a.locator(`#member-list .member[data-user="${bob.name}"]`);
    await row.locator(".member-kick").click({ timeout: T });
    assert.deepEqual(await axe(a), [], "axe violations in the member list asking to confirm");
    await row.locator(".member-confirm").click({ timeout: T });
    await row.waitFor({ state: "detached", timeout: T });
    await send(a, "after the kick");

    // Bob's next send is refused; his page asks the server list again and the server goes.
    await b.fill("#composer-input", "am I still here?");
    await b.press("#composer-input", "Enter");
    await b.locator(`.rail-server[data-server-id="${serverId}"]`).waitFor({ state: "detached", timeout: T });
    await b.locator("#server-view").waitFor({ state: "hidden", timeout: T });
    assert.equal(await b.locator(".msg[data-seq]", { hasText: "after the kick" }).count(), 0);
    const history = await rb.request(`mqchat/v1/c/${general}/history`, { limit: 10 });
    assert.equal(history.error?.code, "NOT_MEMBER");
    const h = await ra.ok(`mqchat/v1/c/${general}/history`, { limit: 10 });
    assert.ok(!h.messages.some((m) => m.text === "am I still here?"), "the refused send was not stored");
  },
);

suite.e2e(
  "slow mode: the send button waits with a countdown; a send the server paces waits and goes once, in order",
  "slow-mode",
  async (t, pages) => {
    const olga = await suite.newUser("olga");
    const mike = await suite.newUser("mike");
    const ro = await raw(t, olga);
    const rm = await raw(t, mike);
    const known = (await ro.ok("mqchat/v1/req/create_group", { name: "Paced", members: [mike.name] })).conversation;
    await ro.ok("mqchat/v1/req/set_slow_mode", { conversation_id: known.conversation_id, seconds: 8 });
    const later = (await ro.ok("mqchat/v1/req/create_group", { name: "Later", members: [mike.name] })).conversation;
    const m = await suite.openAs(t, pages, mike);

    // Known from the list: a hint, then after a send the button waits with a countdown.
    await openConv(m, "Paced");
    await m.locator("#slow-mode", { hasText: "8 s" }).waitFor({ timeout: T });
    await send(m, "first, then wait");
    await m.locator("#send-btn[disabled]").waitFor({ timeout: T });
    await m.locator("#slow-mode.waiting", { hasText: /again in [1-8] s/ }).waitFor({ timeout: T });
    assert.deepEqual(await axe(m), [], "axe violations with the slow-mode countdown");
    await screenshot(m, "desktop-slow-mode");
    // Enter does not send meanwhile: the text stays in the field.
    await m.fill("#composer-input", "too soon");
    await m.press("#composer-input", "Enter");
    assert.equal(await m.inputValue("#composer-input"), "too soon");
    await m.locator("#send-btn:not([disabled])").waitFor({ timeout: T });
    await m.press("#composer-input", "Enter");
    await msgByText(m, "too soon").waitFor({ timeout: T });

    // Set after the page loaded: the page does not know, the server refuses the second send with
    // RATE_LIMITED; the message stays, says it waits, and goes by itself, once and in order.
    await ro.ok("mqchat/v1/req/set_slow_mode", { conversation_id: later.conversation_id, seconds: 4 });
    await openConv(m, "Later");
    await send(m, "one");
    await m.fill("#composer-input", "two");
    await m.press("#composer-input", "Enter");
    await m.locator(".msg.pending", { hasText: "two" }).locator(".status", { hasText: /sending in \d s/ }).waitFor({
      timeout: T,
    });
    await m.locator("#send-btn[disabled]").waitFor({ timeout: T });
    await m.locator("#notice", { hasText: "Slow mode" }).waitFor({ timeout: T });
    await msgByText(m, "two").waitFor({ timeout: T });
    const h = await rm.ok(`mqchat/v1/c/${later.conversation_id}/history`, { limit: 10 });
    assert.deepEqual(
      h.messages.map((x) => x.text),
      ["one", "two"],
    );
  },
);
