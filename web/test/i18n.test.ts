// The UI string catalogues (src/i18n): English and Korean have the same keys, the same
// {parameters} and an "other" plural form; t() fills parameters and picks plural forms; the
// language comes from a stored choice, else the browser's languages; dates and relative times
// follow the language (ui/format.ts through Intl).
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { en } from "../src/i18n/en";
import type { Message } from "../src/i18n/en";
import { LANGS, pickLang, setLang, t } from "../src/i18n/i18n";
import { ko } from "../src/i18n/ko";
import { fmtAgo, fmtDay } from "../src/ui/format";

afterEach(() => setLang("en", false));

const forms = (m: Message) => (typeof m === "string" ? [m] : Object.values(m).filter((s): s is string => !!s));
const params = (m: Message) =>
  [...new Set(forms(m).flatMap((s) => [...s.matchAll(/\{(\w+)\}/g)].map((x) => x[1])))].sort();

test("en and ko have the same keys", () => {
  assert.deepEqual(Object.keys(ko).sort(), Object.keys(en).sort());
  assert.deepEqual(Object.keys(LANGS).sort(), ["en", "ko"]);
});

test("every message uses the same parameters in both languages, and plurals have 'other'", () => {
  for (const key of Object.keys(en) as (keyof typeof en)[]) {
    for (const [code, cat] of Object.entries({ en, ko })) {
      const m = cat[key];
      if (typeof m !== "string") assert.ok(m.other, `${code} ${key}: no "other" form`);
      for (const s of forms(m)) assert.ok(s.trim() !== "", `${code} ${key}: empty`);
      // A parameter may be left out of a form (Korean has no "one" form), not made up.
      for (const p of params(m)) assert.ok(params(en[key]).includes(p), `${code} ${key}: unknown {${p}}`);
    }
    assert.deepEqual(params(ko[key]), params(en[key]), `ko ${key}: parameters differ from en`);
  }
});

test("t() fills parameters and picks the plural form of the language", () => {
  assert.equal(t("typing.two", { a: "ann", b: "bo" }), "ann and bo are typing…");
  assert.equal(t("info.groupSub", { count: 1 }), "Group · 1 member");
  assert.equal(t("info.groupSub", { count: 3 }), "Group · 3 members");
  setLang("ko", false);
  assert.equal(t("info.groupSub", { count: 1 }), "그룹 · 멤버 1명");
  assert.equal(t("typing.one", { a: "민수" }), "민수님이 입력 중…");
});

test("the language: a stored choice, else the first of the browser's languages we have, else English", () => {
  assert.equal(pickLang(null, ["ko-KR", "en-US"]), "ko");
  assert.equal(pickLang(null, ["fr-FR", "en-GB", "ko"]), "en");
  assert.equal(pickLang(null, ["de", "ko-KR"]), "ko");
  assert.equal(pickLang(null, ["de"]), "en");
  assert.equal(pickLang("en", ["ko-KR"]), "en");
  assert.equal(pickLang("xx", ["ko-KR"]), "ko");
});

test("days, times and 'ago' follow the language (Intl)", () => {
  const now = Date.UTC(2026, 11, 6, 12, 0, 0);
  assert.equal(fmtDay(now, now), "Today");
  assert.equal(fmtDay(now - 86400000, now), "Yesterday");
  assert.equal(fmtAgo(now - 5 * 60000, now), "5 minutes ago");
  assert.equal(fmtAgo(now - 10000, now), "just now");
  setLang("ko", false);
  assert.equal(fmtDay(now, now), "오늘");
  assert.equal(fmtDay(now - 86400000, now), "어제");
  assert.equal(fmtAgo(now - 5 * 60000, now), "5분 전");
  assert.match(fmtDay(now - 10 * 86400000, now), /2026년 11월 2[567]일/);
});
