// End-to-end tests of issue 16's message events in the web client: two pages (alice and bob)
// edit, delete, reply and react through the message menu, each change shown live on the other
// page in place (never as a new message), and a reload (the history path) shows the same state.
// Its own broker and browser (pages.mjs); run by tests/web/run.sh.
import assert from "node:assert/strict";
import { test } from "node:test";
import { RawClient, screenshot } from "./harness.mjs";
import { T, msgByText, pageSuite, send } from "./pages.mjs";

const suite = pageSuite();
const { newUser, openAs, login } = suite;

const stored = (page) => page.locator(".msg[data-seq]");

/** Opens the menu of message `msg` and clicks its item `act` (menu-item class). */
async function menu(msg, act) {
  await msg.locator(".menu-btn").click();
  await msg.locator(`.msg-menu .menu-item.${act}`).click();
}

// ---------------------------------------------------------------------------------------------

test("edit, reply, react and delete between two pages, live and after a reload", { timeout: 120000 }, async (t) => {
  const pages = [];
  try {
    const alice = await newUser("alice");
    const bob = await newUser("bob");
    const raw = await new RawClient(suite.broker, alice.name, alice.password, "raw").connect();
    t.after(() => raw.close());
    await raw.openDirect(bob.name);
    const a = await openAs(t, pages, alice, bob.name);
    const b = await openAs(t, pages, bob, alice.name);

    // Alice writes with a typo; bob sees it.
    await send(a, "helo bob");
    await msgByText(b, "helo bob").waitFor({ timeout: T });
    const seq = await msgByText(a, "helo bob").getAttribute("data-seq");
    const onA = a.locator(`.msg[data-seq="${seq}"]`);
    const onB = b.locator(`.msg[data-seq="${seq}"]`);
    assert.equal(await onB.locator(".menu-item.edit").count(), 0);

    // Edit in place: bob's page changes the same message and marks it edited; no new message.
    await menu(onA, "edit");
    await onA.locator(".edit-input").fill("hello bob");
    await onA.locator(".edit-input").press("Enter");
    await onB.locator(".text", { hasText: "hello bob" }).waitFor({ timeout: T });
    await onB.locator(".edited").waitFor({ timeout: T });
    await onA.locator(".edited").waitFor({ timeout: T });
    assert.equal(await stored(b).count(), 1, "an edit is not a new message");
    // Bob may not edit alice's message: his menu has no Edit (and no Delete in a direct chat).
    await onB.locator(".menu-btn").click();
    await onB.locator(".msg-menu .menu-item.reply").waitFor({ timeout: T });
    assert.equal(await onB.locator(".msg-menu .menu-item.edit").count(), 0);
    assert.equal(await onB.locator(".msg-menu .menu-item.delete").count(), 0);
    await b.keyboard.press("Escape");
    await onB.locator(".msg-menu").waitFor({ state: "detached", timeout: T });

    // Reply: the composer shows the quote; the sent reply quotes the original on both pages.
    await onB.locator(".menu-btn").click();
    await onB.locator(".msg-menu .menu-item.reply").click();
    await b.locator("#reply-bar", { hasText: "hello bob" }).waitFor({ timeout: T });
    await send(b, "hi alice, replying");
    await b.locator("#reply-bar").waitFor({ state: "hidden", timeout: T });
    const replyOnA = msgByText(a, "hi alice, replying");
    await replyOnA.locator(".reply-quote", { hasText: "hello bob" }).waitFor({ timeout: T });
    await replyOnA.locator(".reply-quote").click();
    await a.locator(`.msg.flash[data-seq="${seq}"]`).waitFor({ timeout: T });

    // React: bob's 👍 shows on alice's page; alice adds hers with the chip (2, mine), then bob
    // takes his back from his chip (1).
    await menu(onB, "react-open");
    await onB.locator('.msg-menu.picker .menu-item[data-emoji="👍"]').click();
    await onA.locator('.chip[data-emoji="👍"]', { hasText: "1" }).waitFor({ timeout: T });
    await onA.locator('.chip[data-emoji="👍"]').click();
    await onB.locator('.chip[data-emoji="👍"]', { hasText: "2" }).waitFor({ timeout: T });
    await onA.locator('.chip.mine[data-emoji="👍"]', { hasText: "2" }).waitFor({ timeout: T });
    await onB.locator('.chip.mine[data-emoji="👍"]').click();
    await onA.locator('.chip.mine[data-emoji="👍"]', { hasText: "1" }).waitFor({ timeout: T });
    await onB.locator('.chip:not(.mine)[data-emoji="👍"]', { hasText: "1" }).waitFor({ timeout: T });
    assert.equal(await stored(a).count(), 2, "reactions are not messages");

    // Delete, with the keyboard: the menu button, Delete, then the confirmation.
    await send(a, "a second thought");
    const second = msgByText(b, "a second thought");
    await second.waitFor({ timeout: T });
    await onA.locator(".menu-btn").focus();
    await a.keyboard.press("Enter");
    await onA.locator(".msg-menu .menu-item.delete").focus();
    await a.keyboard.press("Enter");
    await onA.locator(".msg-menu .menu-item.delete-confirm").focus();
    await a.keyboard.press("Enter");
    await onB.locator(".tombstone", { hasText: "message deleted" }).waitFor({ timeout: T });
    assert.equal(await onB.locator(".chip").count(), 0, "a tombstone has no reactions");
    await msgByText(b, "hi alice, replying").locator(".reply-quote", { hasText: "deleted message" }).waitFor({
      timeout: T,
    });
    assert.equal(await stored(b).count(), 3);
    assert.equal(await b.locator(".msg[data-seq]", { hasText: "hello bob" }).count(), 0, "the text is gone");
    await screenshot(b, "desktop-message-events-live");

    // Reload bob's page: history brings the same state.
    await b.reload();
    await login(b, bob);
    await b.locator("#conv-pane").waitFor({ timeout: T }); // the URL's #c/<id> reopens it
    await onB.locator(".tombstone", { hasText: "message deleted" }).waitFor({ timeout: T });
    await msgByText(b, "hi alice, replying").locator(".reply-quote", { hasText: "deleted message" }).waitFor({
      timeout: T,
    });
    await second.waitFor({ timeout: T });
    assert.equal(await stored(b).count(), 3);

    // An edit and a reaction on the second message, then reload alice: edited text, marker, chip.
    const secondSeq = await second.getAttribute("data-seq");
    const secondOnA = a.locator(`.msg[data-seq="${secondSeq}"]`);
    const secondOnB = b.locator(`.msg[data-seq="${secondSeq}"]`);
    await menu(secondOnA, "edit");
    await secondOnA.locator(".edit-input").fill("a better second thought");
    await secondOnA.locator(".edit-save").click();
    await secondOnB.locator(".edited").waitFor({ timeout: T });
    await menu(secondOnB, "react-open");
    await secondOnB.locator('.msg-menu.picker .menu-item[data-emoji="❤️"]').click();
    await secondOnA.locator(".chip").waitFor({ timeout: T });
    await a.reload();
    await login(a, alice);
    await a.locator("#conv-pane").waitFor({ timeout: T });
    await secondOnA.locator(".text", { hasText: "a better second thought" }).waitFor({ timeout: T });
    await secondOnA.locator(".edited").waitFor({ timeout: T });
    await secondOnA.locator(".chip:not(.mine)", { hasText: "1" }).waitFor({ timeout: T });
    await onA.locator(".tombstone").waitFor({ timeout: T });
    assert.equal(await stored(a).count(), 3);
    await screenshot(a, "desktop-message-events-after-reload");
  } catch (err) {
    let i = 0;
    for (const p of pages) if (!p.isClosed()) await screenshot(p, `failed-message-events-${++i}`).catch(() => {});
    throw err;
  }
});

test("a group's owner deletes a member's message; a member may not", { timeout: 90000 }, async (t) => {
  const pages = [];
  try {
    const owner = await newUser("olga");
    const member = await newUser("mike");
    const raw = await new RawClient(suite.broker, member.name, member.password, "raw").connect();
    t.after(() => raw.close());
    const ownerRaw = await new RawClient(suite.broker, owner.name, owner.password, "raw").connect();
    t.after(() => ownerRaw.close());
    const created = await ownerRaw.ok("mqchat/v1/req/create_group", { name: "Crew", members: [member.name] });
    const conv = created.conversation.conversation_id;
    await ownerRaw.send(conv, "the owner's note");
    await raw.send(conv, "a member's slip");
    const o = await openAs(t, pages, owner, "Crew");
    const m = await openAs(t, pages, member, "Crew");

    // The member's menu on the owner's message offers no Delete.
    const noteOnM = msgByText(m, "the owner's note");
    await noteOnM.locator(".menu-btn").click({ timeout: T });
    await noteOnM.locator(".msg-menu .menu-item.reply").waitFor({ timeout: T });
    assert.equal(await noteOnM.locator(".msg-menu .menu-item.delete").count(), 0);

    // The owner deletes the member's message; the member's page shows the tombstone.
    const slip = msgByText(o, "a member's slip");
    const seq = await slip.getAttribute("data-seq", { timeout: T });
    await menu(slip, "delete");
    await o.locator(`.msg[data-seq="${seq}"] .msg-menu .menu-item.delete-confirm`).click();
    await m.locator(`.msg[data-seq="${seq}"] .tombstone`).waitFor({ timeout: T });
    await o.locator(`.msg[data-seq="${seq}"] .tombstone`).waitFor({ timeout: T });
    assert.equal(await m.locator(".msg[data-seq]", { hasText: "a member's slip" }).count(), 0);
  } catch (err) {
    let i = 0;
    for (const p of pages) if (!p.isClosed()) await screenshot(p, `failed-message-events-group-${++i}`).catch(() => {});
    throw err;
  }
});
