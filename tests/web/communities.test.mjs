// End-to-end test of communities in the web client (issue 18, Clients/Web): alice creates a
// server from the rail, a category and a channel in it from the server settings, a role with a
// permission flag given to bob, and an invite link; bob opens the link in his page, logs in,
// joins, and both see the channel (under its category) and chat in it live; the member list
// shows the owner and the role. carol, without the invite, sees no server, and the broker
// refuses her the server's channels, their history and their topic. axe finds nothing in the
// new views. Its own broker, real mqchat-api and browser (pages.mjs apiPageSuite); run by
// tests/web/run.sh.
import assert from "node:assert/strict";
import { axe } from "./axe.mjs";
import { DESKTOP, PHONE, RawClient } from "./harness.mjs";
import { T, apiPageSuite } from "./pages.mjs";

const suite = apiPageSuite();

const channelItem = (page, name) => page.locator(`#channel-list .channel-item[data-name="${name}"]`);
// A channel shows in the conversation pane (#pane moves into the server view).
const channelMsg = (page, text) => page.locator("#server-view #msg-list .msg[data-seq]", { hasText: text });

async function sendInChannel(page, text) {
  await page.fill("#composer-input", text);
  await page.press("#composer-input", "Enter");
  await channelMsg(page, text).waitFor({ timeout: T });
}

/** Opens channel `name` and waits until it is the open one. */
async function openChannel(page, name) {
  await channelItem(page, name).click({ timeout: T });
  await page.locator(`#channel-list .channel-item[data-name="${name}"][aria-current]`).waitFor({ timeout: T });
  await page.waitForFunction((n) => document.querySelector("#conv-title")?.dataset.title === `# ${n}`, name, {
    timeout: T,
  });
}

suite.e2e(
  "a server, a channel and an invite: bob joins by the link and both chat live; carol sees nothing",
  "communities",
  async (t, pages) => {
    const alice = await suite.newUser("alice");
    const bob = await suite.newUser("bob");
    const carol = await suite.newUser("carol");
    const a = await suite.openAs(t, pages, alice);

    // The rail: create a server; it opens on its "general" channel.
    await a.click("#rail-add");
    await a.fill("#server-create-name", "Book club");
    await a.click("#server-dialog-submit");
    await a.locator('.rail-server[data-name="Book club"][aria-current]').waitFor({ timeout: T });
    await a.locator("#server-name", { hasText: "Book club" }).waitFor({ timeout: T });
    await a.locator('#channel-list .channel-item[data-name="general"][aria-current]').waitFor({ timeout: T });
    const serverId = await a.locator('.rail-server[data-name="Book club"]').getAttribute("data-server-id");
    assert.match(serverId, /^\d+$/);

    // Settings: a category, a channel in it, a role with a flag given to bob, an invite link.
    await a.click("#server-settings-btn");
    await a.locator("#server-dialog[open]").waitFor({ timeout: T });
    await a.fill("#new-channel-name", "Projects");
    await a.selectOption("#new-channel-type", "category");
    await a.click("#new-channel-create");
    await a.locator('#new-channel-category option:text("Projects")').waitFor({ state: "attached", timeout: T });
    await a.fill("#new-channel-name", "plans");
    await a.selectOption("#new-channel-type", "text");
    await a.selectOption("#new-channel-category", { label: "Projects" });
    await a.click("#new-channel-create");
    await a
      .locator('#channel-list .category[data-name="Projects"] .channel-item[data-name="plans"]')
      .waitFor({ timeout: T });
    await a.fill("#new-role-name", "mods");
    await a.click("#new-role-create");
    const manage = a.locator('.role-row[data-role="mods"] input[data-flag="manage_channels"]');
    await manage.waitFor({ timeout: T });
    assert.equal(await manage.isChecked(), false);
    await manage.check();
    // Saved: the box stays checked when the settings are drawn again from the server's answer.
    await a.locator('.role-row[data-role="mods"] input[data-flag="manage_channels"]:checked').waitFor({ timeout: T });
    await a.click("#invite-create");
    const link = await a.locator("#invite-link").inputValue({ timeout: T });
    assert.match(link, /#invite\/[A-Za-z0-9_-]{16}$/);
    assert.deepEqual(await axe(a), [], "axe violations in the server settings");
    await a.keyboard.press("Escape");
    await a.locator("#server-dialog").waitFor({ state: "hidden", timeout: T });

    // Bob opens the link: logs in, joins, sees the server and its channels.
    const b = await suite.openAs(t, pages, bob, {}, link);
    await b.locator('.rail-server[data-name="Book club"][aria-current]').waitFor({ timeout: T });
    await b
      .locator('#channel-list .category[data-name="Projects"] .channel-item[data-name="plans"]')
      .waitFor({ timeout: T });
    assert.equal(await b.evaluate(() => location.hash), "", "the invite stays in the address");
    await b.locator('#member-list .member[data-user="' + alice.name + '"] .role-chip.owner').waitFor({ timeout: T });
    // @everyone may create invites (a new server's default), nothing else: bob's settings say so.
    await b.click("#server-settings-btn");
    await b.locator("#invite-create").waitFor({ timeout: T });
    assert.equal(await b.locator("#new-channel-name").count(), 0, "bob may not manage channels");
    assert.equal(await b.locator("#new-role-name").count(), 0, "bob may not manage roles");
    assert.equal(await b.locator("#settings-server-name").count(), 0, "bob may not rename the server");
    await b.keyboard.press("Escape");
    await b.locator("#server-dialog").waitFor({ state: "hidden", timeout: T });

    // Alice gives bob the role; her member list shows it.
    await a.click("#server-settings-btn");
    await a.fill("#assign-user", bob.name);
    await a.selectOption("#assign-role", { label: "mods" });
    await a.click("#assign-submit");
    await a.keyboard.press("Escape");
    await a
      .locator(`#member-list .member[data-user="${bob.name}"] .role-chip`, { hasText: "mods" })
      .waitFor({ timeout: T });

    // Both in "plans": live both ways.
    await openChannel(a, "plans");
    await openChannel(b, "plans");
    await sendInChannel(a, "welcome to plans, bob");
    await channelMsg(b, "welcome to plans, bob").waitFor({ timeout: T });
    await sendInChannel(b, "thanks alice!");
    await channelMsg(a, "thanks alice!").waitFor({ timeout: T });
    // History: a page opened now shows what was said.
    await b.reload();
    await b.locator("#chat-view").waitFor({ timeout: T });
    await b.locator('.rail-server[data-name="Book club"]').click({ timeout: T });
    await openChannel(b, "plans");
    await channelMsg(b, "welcome to plans, bob").waitFor({ timeout: T });
    await channelMsg(b, "thanks alice!").waitFor({ timeout: T });
    assert.deepEqual(await axe(b), [], "axe violations in the server view");
    // The keyboard alone: a channel is a button; Enter opens it and the focus goes to the field.
    await channelItem(b, "general").focus();
    await b.keyboard.press("Enter");
    await b.locator('#channel-list .channel-item[data-name="general"][aria-current]').waitFor({ timeout: T });
    await b.waitForFunction(() => document.activeElement?.id === "composer-input", null, { timeout: T });
    await b.keyboard.type("typed with the keyboard alone");
    await b.keyboard.press("Enter");
    await channelMsg(b, "typed with the keyboard alone").waitFor({ timeout: T });
    // The other theme and the phone width too.
    await b.emulateMedia({ colorScheme: "dark" });
    assert.deepEqual(await axe(b), [], "axe violations in the server view (dark)");
    await b.setViewportSize(PHONE);
    assert.deepEqual(await axe(b), [], "axe violations in the server view (dark, phone)");
    await b.emulateMedia({ colorScheme: "light" });
    assert.deepEqual(await axe(b), [], "axe violations in the server view (light, phone)");
    await b.setViewportSize(DESKTOP);

    // Carol, without the invite: no server in her rail, and the broker refuses her everything.
    const c = await suite.openAs(t, pages, carol);
    await c.locator("#rail-home[aria-current]").waitFor({ timeout: T });
    assert.equal(await c.locator(".rail-server").count(), 0);
    const raw = new RawClient(suite.broker, carol.name, carol.password, "raw-carol");
    await raw.connect();
    t.after(() => raw.close());
    const servers = await raw.request("mqchat/v1/req/servers", {});
    assert.deepEqual(servers.servers, []);
    const channels = await raw.request("mqchat/v1/req/channels", { server_id: serverId });
    assert.equal(channels.ok, false);
    assert.equal(channels.error.code, "NOT_MEMBER");
    const plansId = await a.locator('#channel-list .channel-item[data-name="plans"]').getAttribute("data-channel-id");
    const history = await raw.request(`mqchat/v1/c/${plansId}/history`, { limit: 10 });
    assert.equal(history.ok, false);
    assert.equal(history.error.code, "NOT_MEMBER");
    const granted = await new Promise((res) =>
      raw.client.subscribe(`mqchat/v1/ch/${plansId}`, { qos: 1 }, (err, g) => res(err ? 0x80 : g[0].qos)),
    );
    assert.ok(granted >= 0x80, `carol's subscription to the channel was granted (${granted})`);
  },
);
