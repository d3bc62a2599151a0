// Test support: the web app served by a plain HTTP server that sends Content-Types (as nginx or
// any static file server does), unlike mosquitto's http_dir: browsers register a service worker
// only from a script served as JavaScript. Serves one directory (a copy of web/dist with its own
// config.json); stop() and start() again keep the port, so a test can take the page's server
// away and bring it back.
import { createServer } from "node:http";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { WEB_DIST, cleanups, freePort } from "./harness.mjs";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".png": "image/png",
};

export class StaticServer {
  /** `config`: the page's config.json (an object), or null for none. */
  constructor(config = null) {
    this.dir = mkdtempSync(join(tmpdir(), "mqchat-web-static-"));
    chmodSync(this.dir, 0o755);
    for (const e of readdirSync(WEB_DIST, { withFileTypes: true })) {
      if (e.isFile() && e.name !== "config.json") copyFileSync(join(WEB_DIST, e.name), join(this.dir, e.name));
    }
    if (config) this.write("config.json", JSON.stringify(config));
    this.server = null;
    this.port = 0;
    this.requests = []; // paths asked, in order
    cleanups.add(() => this.cleanup());
  }

  get url() {
    return `http://127.0.0.1:${this.port}/`;
  }

  read(name) {
    return readFileSync(join(this.dir, name), "utf8");
  }

  /** Replaces a served file (a new deploy). */
  write(name, text) {
    writeFileSync(join(this.dir, name), text);
  }

  async start() {
    if (!this.port) this.port = await freePort();
    this.server = createServer((req, res) => {
      const path = new URL(req.url, "http://x").pathname;
      this.requests.push(path);
      const name = path === "/" ? "index.html" : normalize(path.slice(1));
      if (name.includes("/") || name.startsWith(".")) {
        res.writeHead(404).end();
        return;
      }
      let body;
      try {
        body = readFileSync(join(this.dir, name));
      } catch {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, {
        "Content-Type": TYPES[extname(name)] ?? "application/octet-stream",
        "Cache-Control": "no-cache",
      });
      res.end(body);
    });
    await new Promise((res, rej) => {
      this.server.once("error", rej);
      this.server.listen(this.port, "127.0.0.1", res);
    });
    return this;
  }

  /** Stops answering: the listening socket and every open connection close. */
  async stop() {
    const s = this.server;
    if (!s) return;
    this.server = null;
    await new Promise((res) => {
      s.close(res);
      s.closeAllConnections();
    });
  }

  cleanup() {
    void this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
