// End-to-end test of profiles in the web client (issue 15, Clients/Web): alice sets her display
// name, status and a picture in the profile dialog; bob's page shows them wherever alice shows
// (list, header, details). Both pages find the broker through the API's discovery
// (GET /v1/connect names it as ws://localhost:<port>/, which the page would not pick by itself).
// With both pages open, alice's later changes reach bob's page live (the profile inbox event),
// without a reload.
// Its own broker, real mqchat-api (api_service.mjs) and browser; run by tests/web/run.sh.
import assert from "node:assert/strict";
import { axe } from "./axe.mjs";
import { png } from "./images.mjs";
import { T, apiPageSuite, newDirect, send } from "./pages.mjs";

const suite = apiPageSuite((broker, api) => api.extraArgs.push("--broker", `ws://localhost:${broker.wsPort}/`));

suite.e2e("alice sets a display name, status and picture; bob's page shows them", "profiles", async (t, pages) => {
  const alice = await suite.newUser("alice");
  const bob = await suite.newUser("bob");
  const a = await suite.openAs(t, pages, alice);
  // Discovery: the broker the API named, not the page's own origin.
  assert.ok(
    a.wsUrls.some((u) => u.startsWith(`ws://localhost:${suite.broker.wsPort}`)),
    `websockets: ${a.wsUrls.join(", ")}`,
  );

  await newDirect(a, bob.name);
  await send(a, "hello bob");

  // The profile dialog: name, status, a picture (axe finds nothing wrong with it).
  await a.click("#profile-btn");
  await a.locator("#profile-dialog").waitFor({ timeout: T });
  assert.deepEqual(await axe(a), [], "axe violations in the profile dialog");
  await a.fill("#profile-name", "Alice Liddell");
  await a.fill("#profile-status", "down the rabbit hole");
  await a.setInputFiles("#profile-avatar-file", {
    name: "me.png",
    mimeType: "image/png",
    buffer: png(60, 40, [200, 30, 30]),
  });
  await a.locator("#profile-avatar img").waitFor({ timeout: T });
  await a.click("#profile-save");
  await a.locator("#profile-dialog").waitFor({ state: "hidden", timeout: T });
  await a.locator("#me .name", { hasText: "Alice Liddell" }).waitFor({ timeout: T });
  await a.locator("#me img.avatar-img").waitFor({ timeout: T });

  // Bob's page: the list, the header and the details show alice's name, picture and status.
  const b = await suite.openAs(t, pages, bob);
  const item = b.locator(`.conv-item[data-title="${alice.name}"]`);
  await item.locator(".name", { hasText: "Alice Liddell" }).waitFor({ timeout: T });
  const img = item.locator("img.avatar-img");
  await img.waitFor({ timeout: T });
  await b.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle(), { timeout: T });
  // The picture was made square before upload.
  assert.deepEqual(await img.evaluate((el) => [el.naturalWidth, el.naturalHeight]), [40, 40]);
  await item.click();
  await b.locator("#conv-title", { hasText: "Alice Liddell" }).waitFor({ timeout: T });
  await b.locator("#conv-avatar img.avatar-img").waitFor({ timeout: T });
  await b.click("#info-btn");
  await b
    .locator("#info-panel .status-text", {
      hasText: "down the rabbit hole",
    })
    .waitFor({ timeout: T });
  await b.locator("#info-panel h3", { hasText: "Alice Liddell" }).waitFor({ timeout: T });
});

suite.e2e("alice renames herself and changes her picture; bob's open page follows live", "profile-live", async (t, pages) => {
  const alice = await suite.newUser("alice");
  const bob = await suite.newUser("bob");
  const a = await suite.openAs(t, pages, alice);
  await newDirect(a, bob.name);
  await send(a, "hello bob");
  const b = await suite.openAs(t, pages, bob);
  const item = b.locator(`.conv-item[data-title="${alice.name}"]`);
  await item.waitFor({ timeout: T });
  await item.click();
  await b.click("#info-btn");
  await b.locator("#info-panel h3", { hasText: alice.name }).waitFor({ timeout: T });
  assert.equal(await item.locator("img.avatar-img").count(), 0, "no picture yet");

  // Alice changes her name in the profile dialog; bob's list, header and details follow.
  await a.click("#profile-btn");
  await a.locator("#profile-dialog").waitFor({ timeout: T });
  await a.fill("#profile-name", "Alice Pleasance");
  await a.click("#profile-save");
  await a.locator("#profile-dialog").waitFor({ state: "hidden", timeout: T });
  await item.locator(".name", { hasText: "Alice Pleasance" }).waitFor({ timeout: T });
  await b.locator("#conv-title", { hasText: "Alice Pleasance" }).waitFor({ timeout: T });
  await b.locator("#info-panel h3", { hasText: "Alice Pleasance" }).waitFor({ timeout: T });

  // Then a picture: it shows in bob's list without a reload.
  await a.click("#profile-btn");
  await a.locator("#profile-dialog").waitFor({ timeout: T });
  await a.setInputFiles("#profile-avatar-file", {
    name: "me.png",
    mimeType: "image/png",
    buffer: png(40, 40, [30, 30, 200]),
  });
  await a.locator("#profile-avatar img").waitFor({ timeout: T });
  await a.click("#profile-save");
  await a.locator("#profile-dialog").waitFor({ state: "hidden", timeout: T });
  const img = item.locator("img.avatar-img");
  await img.waitFor({ timeout: T });
  await b.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle(), { timeout: T });
  await b.locator("#conv-avatar img.avatar-img").waitFor({ timeout: T });
});
