import assert from "node:assert/strict";
import { test } from "node:test";
import { safeHref, splitLinks } from "../src/ui/links";

const links = (text: string) =>
  splitLinks(text)
    .filter((s) => s.href)
    .map((s) => [s.text, s.href]);

test("http, https and mailto become links; the text around them stays text", () => {
  const text = "see https://example.com/a?b=1#c and http://x.org, or mail mailto:bob@example.com.";
  assert.deepEqual(links(text), [
    ["https://example.com/a?b=1#c", "https://example.com/a?b=1#c"],
    ["http://x.org", "http://x.org/"],
    ["mailto:bob@example.com", "mailto:bob@example.com"],
  ]);
  assert.equal(
    splitLinks(text)
      .map((s) => s.text)
      .join(""),
    text,
  );
});

test("trailing punctuation and unbalanced brackets are not part of a link", () => {
  assert.deepEqual(links("(see https://en.wikipedia.org/wiki/Foo_(bar))!"), [
    ["https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)"],
  ]);
  assert.deepEqual(links("go to https://a.example/x."), [["https://a.example/x", "https://a.example/x"]]);
});

test("other schemes and look-alikes stay plain text", () => {
  for (const text of [
    "javascript:alert(1)",
    "click javascript://example.com/%0Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox",
    "xhttp://example.com",
    "http://",
    "mailto:nobody",
    "file:///etc/passwd",
  ]) {
    assert.deepEqual(links(text), [], text);
  }
  assert.equal(safeHref("JAVASCRIPT:alert(1)"), null);
  assert.equal(safeHref("javascript://example.com/%0Aalert(1)"), null, "a host does not make it safe");
  assert.equal(safeHref("ftp://example.com/"), null);
  assert.equal(safeHref("data:text/html,x"), null);
  assert.equal(safeHref("HTTPS://Example.com"), "https://example.com/");
});

test("markup in the text is never interpreted: a link's text is the typed text", () => {
  const segs = splitLinks('<img src=x onerror=alert(1)> https://e.com/"><b>');
  assert.deepEqual(
    segs.map((s) => s.text),
    ["<img src=x onerror=alert(1)> ", "https://e.com/", '"><b>'],
  );
  assert.equal(segs[1].href, "https://e.com/");
});

test("text without links is one plain segment; empty text none", () => {
  assert.deepEqual(splitLinks("hello world"), [{ text: "hello world" }]);
  assert.deepEqual(splitLinks(""), []);
});
