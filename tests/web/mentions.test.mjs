// End-to-end test of mentions (issue 16) in the web client: bob picks alice from the composer's
// `@` list in a group and sends; alice's page shows the conversation's @ badge and, opened, the
// mention of her highlighted; reading it clears the badge. Its own broker and browser
// (pages.mjs); run by tests/web/run.sh.
import assert from "node:assert/strict";
import { RawClient } from "./harness.mjs";
import { T, msgByText, openConv, pageSuite } from "./pages.mjs";

const suite = pageSuite();
const { newUser, openAs, e2e } = suite;

e2e("bob mentions alice in a group: her list shows the @ badge and the message highlights her", "mentions", async (t, pages) => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  const carol = await newUser("carol");
  const raw = await new RawClient(suite.broker, alice.name, alice.password, "raw").connect();
  t.after(() => raw.close());
  const group = `Team ${alice.name}`;
  await raw.ok("mqchat/v1/req/create_group", { name: group, members: [bob.name, carol.name] });
  const a = await openAs(t, pages, alice);
  const b = await openAs(t, pages, bob, group);

  // Bob types "@a": the list offers alice (members only, not bob himself); Enter takes her.
  await b.click("#composer-input");
  await b.keyboard.type("hi @" + alice.name.slice(0, 3));
  const opt = b.locator(`#mention-list [role=option][data-user="${alice.name}"]`);
  await opt.waitFor({ timeout: T });
  assert.equal(await b.locator(`#mention-list [data-user="${bob.name}"]`).count(), 0);
  assert.equal(await b.getAttribute("#composer-input", "aria-activedescendant"), "mention-opt-0");
  await b.keyboard.press("Enter");
  await b.locator("#mention-list").waitFor({ state: "hidden", timeout: T });
  assert.equal(await b.inputValue("#composer-input"), `hi @${alice.name} `);
  await b.keyboard.type("look at this");
  await b.keyboard.press("Enter");
  const text = `hi @${alice.name} look at this`;
  await b.locator(".msg.mine[data-seq]", { hasText: text }).waitFor({ timeout: T });
  // Bob's own copy shows the mention, not as "me".
  await msgByText(b, text).locator(".mention:not(.me)", { hasText: `@${alice.name}` }).waitFor({ timeout: T });

  // Alice's list: the group has the @ badge (she has not opened it).
  const item = a.locator(`.conv-item[data-title="${group}"]`);
  await item.locator(".badge.mention").waitFor({ timeout: T });
  // Opened: her mention is highlighted as hers; read, the badge goes.
  await openConv(a, group);
  const onA = msgByText(a, text);
  await onA.locator(".mention.me", { hasText: `@${alice.name}` }).waitFor({ timeout: T });
  assert.match((await onA.getAttribute("class")) ?? "", /mentions-me/);
  await item.locator(".badge.mention").waitFor({ state: "detached", timeout: T });

  // The server stored the mention: a fresh conversations list has no unread mention left for
  // alice (she read it), and the history entry carries the list.
  const convs = await raw.ok("mqchat/v1/req/conversations", {});
  const conv = convs.conversations.find((c) => c.name === group);
  assert.equal(conv.unread_mentions ?? 0, 0);
  const hist = await raw.ok(`mqchat/v1/c/${conv.conversation_id}/history`, { limit: 5 });
  assert.deepEqual(hist.messages.find((m) => m.text === text).mentions, [alice.name]);
});
