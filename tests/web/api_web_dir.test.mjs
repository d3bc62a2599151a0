// The web app served by mqchat-api itself (`--web_dir`, as scripts/run.sh does): the page, its
// service worker and its config.json come from the API's port with real Content-Types, so the
// worker registers and controls the page (mosquitto's http_dir sends no type: no worker there);
// the page signs up on its own origin (listed as a cors_origin: browsers send Origin on a
// same-origin POST too) and connects to the broker config.json names as `broker_ws` (this API
// lists no broker for discovery, and the page's own origin is no broker).
// Its own broker, real mqchat-api and browser; run by tests/web/run.sh.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, freePort } from "./harness.mjs";
import { T, apiPageSuite, newDirect } from "./pages.mjs";
import { StaticServer } from "./static_server.mjs";

/** What scripts/run.sh gives the page and the API for these ports (scripts/web_origins.sh). */
function runSh(fn, apiPort, wsPort) {
  const script = `. "${join(ROOT, "scripts/web_origins.sh")}" && ${fn} ${apiPort} ${wsPort}`;
  return execFileSync("bash", ["-c", script], { encoding: "utf8" });
}

let site; // only its directory (a copy of web/dist) is used: mqchat-api serves it
const suite = apiPageSuite(async (broker, api) => {
  site = new StaticServer();
  api.port = await freePort();
  api.extraArgs.push("--web_dir", site.dir);
  // The cors_origin list run.sh passes.
  for (const origin of runSh("web_cors_origins", api.port, broker.wsPort).trim().split("\n")) {
    api.extraArgs.push("--cors_origin", origin);
  }
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

// run.sh prints http://127.0.0.1:8080/, but people type localhost: the page opened at
// http://localhost:PORT/ (another origin for the browser) signs up and chats as well, with the
// config.json and the cors_origin list run.sh gives.
suite.e2e(
  "the page from mqchat-api opened at localhost works as at 127.0.0.1",
  "api-web-dir-localhost",
  async (t, pages) => {
    site.write("config.json", runSh("web_config", suite.api.port, suite.broker.wsPort));
    const url = `http://localhost:${suite.api.port}/`;
    const page = await suite.openPage(t, pages, {}, url);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: T });
    const bob = await suite.newUser("bob");
    await suite.signUpInPage(page, suite.newName("lola"), "lola's long password");
    await newDirect(page, bob.name);
    await page.fill("#composer-input", "hello from localhost");
    await page.press("#composer-input", "Enter");
    await page.locator(".msg.mine[data-seq]", { hasText: "hello from localhost" }).waitFor({ timeout: T });
  },
);
