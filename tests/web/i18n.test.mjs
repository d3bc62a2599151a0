// Localization tests of the web client (issue 28): a browser whose language is Korean (ko-KR)
// gets the Korean UI and Korean dates and times (Intl); one whose language is English gets the
// English UI; a language chosen in Settings wins over the browser's and sticks across a reload.
// Screenshots of the main views in both languages (login, conversation, settings, the list at
// phone width) go to the artifacts dir (docs/screenshots/ holds copies). Its own broker and browser (pages.mjs); run by tests/web/run.sh.
import assert from "node:assert/strict";
import { DESKTOP, PHONE, RawClient, screenshot } from "./harness.mjs";
import { T, pageSuite, send } from "./pages.mjs";

const suite = pageSuite();
const { newUser, login } = suite;

/** A direct conversation with a few messages and a group, seen from `me`. */
async function seed(t, me, other) {
  const mine = await new RawClient(suite.broker, me.name, me.password, "seed").connect();
  const theirs = await new RawClient(suite.broker, other.name, other.password, "seed").connect();
  t.after(() => mine.close());
  t.after(() => theirs.close());
  const direct = await mine.openDirect(other.name);
  await mine.send(direct, "점심 12시 반 괜찮아요? 🍜");
  await theirs.send(direct, "좋아요! See you there 👍");
  const group = (await mine.ok("mqchat/v1/req/create_group", { name: "팀 Crew", members: [other.name] })).conversation;
  await theirs.send(group.conversation_id, "Welcome / 환영합니다 🎉");
}

async function newPage(t, pages, locale) {
  const ctx = await suite.browser.newContext({ viewport: DESKTOP, locale });
  t.after(() => ctx.close().catch(() => {}));
  const page = await ctx.newPage();
  pages.push(page);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  t.after(() => assert.deepEqual(errors, [], "uncaught errors in the page"));
  return page;
}

const text = (page, sel) => page.locator(sel).first().innerText();

async function openDirect(page, title) {
  await page.locator(`.conv-item[data-title="${title}"]`).click({ timeout: T });
  await page.locator(".msg[data-seq]").nth(1).waitFor({ timeout: T });
}

suite.e2e("a Korean browser gets the Korean UI and Korean dates", "i18n-ko", async (t, pages) => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  await seed(t, alice, bob);
  const page = await newPage(t, pages, "ko-KR");
  await page.goto(suite.broker.url);
  await page.locator("#login-form").waitFor({ timeout: T });
  assert.equal(await page.evaluate(() => document.documentElement.lang), "ko");
  assert.equal(await text(page, "#login-submit"), "로그인");
  assert.equal(await text(page, "#login-tagline"), "로그인하고 대화를 시작하세요");
  await screenshot(page, "ko-login");
  await login(page, alice);
  await openDirect(page, bob.name);
  await send(page, "잘 가요 👋");
  assert.equal(await text(page, ".day"), "오늘");
  assert.match(await text(page, ".msg[data-seq] time"), /^(오전|오후) \d\d:\d\d$/, "a Korean time of day");
  assert.equal(await page.getAttribute("#composer-input", "placeholder"), "메시지");
  assert.equal(await page.getAttribute("#new-chat-btn", "aria-label"), "새 대화");
  assert.equal(await text(page, `.conv-item[data-title="팀 Crew"] .preview`), `${bob.name}: Welcome / 환영합니다 🎉`);
  await screenshot(page, "ko-conversation");
  await page.click("#info-btn");
  await page.locator("#info-presence").waitFor({ timeout: T });
  assert.match(await text(page, "#info-h"), /^정보$/);
  await page.keyboard.press("Escape");
  await page.click("#settings-btn");
  await page.locator("#settings-dialog").waitFor({ timeout: T });
  await screenshot(page, "ko-settings");
  await page.keyboard.press("Escape");
  await phoneList(page, "ko-phone-list");
});

/** The conversation list at phone width (back from the open conversation), screenshot `name`. */
async function phoneList(page, name) {
  await page.setViewportSize(PHONE);
  await page.evaluate(() => (location.hash = ""));
  await page.locator("#conv-pane").waitFor({ state: "hidden", timeout: T });
  await screenshot(page, name);
  await page.setViewportSize(DESKTOP);
}

suite.e2e("an English browser gets English; a language chosen in Settings sticks across a reload", "i18n-switch", async (t, pages) => {
  const alice = await newUser("alice");
  const bob = await newUser("bob");
  await seed(t, alice, bob);
  const page = await newPage(t, pages, "en-US");
  await page.goto(suite.broker.url);
  await page.locator("#login-form").waitFor({ timeout: T });
  assert.equal(await text(page, "#login-submit"), "Sign in");
  await screenshot(page, "en-login");
  await login(page, alice);
  await openDirect(page, bob.name);
  assert.equal(await text(page, ".day"), "Today");
  assert.match(await text(page, ".msg[data-seq] time"), /^\d\d:\d\d( [AP]M)?$/);
  await screenshot(page, "en-conversation");
  await phoneList(page, "en-phone-list");
  await openDirect(page, bob.name);

  // Settings → 한국어: the page switches at once, open conversation included.
  await page.click("#settings-btn");
  await page.locator("#settings-dialog").waitFor({ timeout: T });
  await screenshot(page, "en-settings");
  await page.selectOption("#settings-lang", "ko");
  await page.waitForFunction(() => document.querySelector(".day")?.textContent === "오늘", null, { timeout: T });
  assert.equal(await text(page, "#settings-title"), "설정");
  await page.keyboard.press("Escape");
  await page.locator("#settings-dialog").waitFor({ state: "hidden", timeout: T });
  assert.equal(await page.getAttribute("#composer-input", "placeholder"), "메시지");
  assert.equal(await page.evaluate(() => document.documentElement.lang), "ko");

  // A reload (the password is not kept: the login form) is still Korean, in an English browser.
  await page.reload();
  await page.locator("#login-form").waitFor({ timeout: T });
  assert.equal(await text(page, "#login-submit"), "로그인");
  await login(page, alice);
  await openDirect(page, bob.name);
  assert.equal(await text(page, ".day"), "오늘");

  // And back to English, which sticks too.
  await page.click("#settings-btn");
  await page.selectOption("#settings-lang", "en");
  await page.keyboard.press("Escape");
  await page.reload();
  await page.locator("#login-form").waitFor({ timeout: T });
  assert.equal(await text(page, "#login-submit"), "Sign in");
});
