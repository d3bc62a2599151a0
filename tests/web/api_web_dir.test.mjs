// The web app served by mqchat-api itself (`--web_dir`, as scripts/run.sh does): the page, its
// service worker and its config.json come from the API's port with real Content-Types, so the
// worker registers and controls the page (mosquitto's http_dir sends no type: no worker there);
// the page signs up on its own origin (listed as a cors_origin: browsers send Origin on a
// same-origin POST too) and connects to the broker config.json names as `broker_ws` (this API
// lists no broker for discovery, and the page's own origin is no broker).
// Its own broker, real mqchat-api and browser; run by tests/web/run.sh.
import assert from "node:assert/strict";
import { freePort } from "./harness.mjs";
import { T, apiPageSuite, newDirect } from "./pages.mjs";
import { StaticServer } from "./static_server.mjs";

let site; // only its directory (a copy of web/dist) is used: mqchat-api serves it
const suite = apiPageSuite(async (broker, api) => {
  site = new StaticServer();
  api.port = await freePort();
  api.extraArgs.push("--web_dir", site.dir, "--cors_origin", `http://127.0.0.1:${api.port}`);
});

suite.e2e("the page from mqchat-api registers its service worker and chats", "api-web-dir", async (t, pages) => {
  site.write("config.json", JSON.stringify({ api: suite.api.url, broker_ws: suite.broker.wsUrl }));
  for (const [path, type] of [
    ["/sw.js", "text/javascript"],
    ["/manifest.webmanifest", "application/manifest+json"],
    ["/", "text/html"],
  ]) {
    const res = await fetch(suite.api.url + path);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers.get("content-type").split(";")[0], type, path);
  }
  const page = await suite.openPage(t, pages, {}, suite.api.url + "/");
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: T });
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  assert.equal(scope, suite.api.url + "/");

  const bob = await suite.newUser("bob");
  await suite.signUpInPage(page, suite.newName("alice"), "alice's long password");
  assert.ok(
    page.wsUrls.some((u) => u.startsWith(suite.broker.wsUrl.replace(/\/$/, ""))),
    `connected to the broker of config.json: ${page.wsUrls.join(", ")}`,
  );
  await newDirect(page, bob.name);
});
