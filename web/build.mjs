// Builds dist/index.html: one file with the CSS and a classic (non-module) script inlined; the
// web app manifest (dist/manifest.webmanifest) with its icons (PNGs made here), so browsers
// offer to install the app; and the service worker (dist/sw.js, from sw/: the offline app shell
// and Web Push), whose cache is named after a hash of the shell files, so a deploy that changes
// them replaces it.
// Mosquitto's http_dir serves files without a Content-Type, and browsers refuse module scripts
// (and external scripts are needless requests) then, so everything goes inline. Browsers also
// refuse a service worker script without a JavaScript Content-Type: the page registers sw.js
// anyway and goes on without it where that fails (docs/OPERATIONS.md, "The web app offline").
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { deflateSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");

const js = await build({
  entryPoints: [join(here, "src/main.ts")],
  bundle: true,
  format: "iife",
  platform: "browser",
  target: ["chrome100", "firefox100", "safari15"],
  minify: true,
  legalComments: "none",
  write: false,
  logLevel: "warning",
});
const css = await build({
  entryPoints: [join(here, "src/styles.css")],
  bundle: true,
  minify: true,
  write: false,
  logLevel: "warning",
});

const script = js.outputFiles[0].text.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
const style = css.outputFiles[0].text.replace(/<\/(style)/gi, "<\\/$1");
const template = await readFile(join(here, "src/index.html"), "utf8");
const html = template
  .replace("<!--STYLE-->", () => `<style>${style}</style>`)
  .replace("<!--SCRIPT-->", () => `<script>${script}</script>`);

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await writeFile(join(dist, "index.html"), html);
console.log(`web: dist/index.html (${(html.length / 1024).toFixed(0)} KiB)`);

// ---- the web app manifest and its icons ----

const ACCENT = [0x4f, 0x46, 0xe5]; // styles.css --accent

async function writeManifest() {
  const manifest = {
    name: "mqchat",
    short_name: "mqchat",
    description: "Chat over MQTT",
    start_url: "./",
    scope: "./",
    display: "standalone",
    background_color: "#eef1f6",
    theme_color: "#4f46e5",
    icons: [192, 512].map((n) => ({ src: `icon-${n}.png`, sizes: `${n}x${n}`, type: "image/png", purpose: "any" })),
  };
  await writeFile(join(dist, "manifest.webmanifest"), JSON.stringify(manifest, null, 2) + "\n");
  for (const n of [192, 512]) await writeFile(join(dist, `icon-${n}.png`), iconPng(n));
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** An n×n RGBA PNG: the accent colour in a rounded square with a white speech bubble. */
function iconPng(n) {
  const rows = [];
  const r = n * 0.22; // corner radius
  const inCorner = (x, y) => {
    const cx = x < r ? r : x > n - r ? n - r : x;
    const cy = y < r ? r : y > n - r ? n - r : y;
    return (x - cx) ** 2 + (y - cy) ** 2 > r * r;
  };
  const inBubble = (x, y) => {
    const ex = (x - n / 2) / (n * 0.3);
    const ey = (y - n * 0.46) / (n * 0.22);
    const tail = y > n * 0.6 && y < n * 0.76 && x > n * 0.3 && x < n * 0.42 && x - n * 0.3 < (n * 0.76 - y) * 0.75;
    return ex * ex + ey * ey <= 1 || tail;
  };
  for (let y = 0; y < n; y++) {
    const row = Buffer.alloc(1 + n * 4); // filter byte 0, then RGBA
    for (let x = 0; x < n; x++) {
      const px = inCorner(x + 0.5, y + 0.5) ? [0, 0, 0, 0] : inBubble(x, y) ? [255, 255, 255, 255] : [...ACCENT, 255];
      row.set(px, 1 + x * 4);
    }
    rows.push(row);
  }
  const head = Buffer.alloc(13);
  head.writeUInt32BE(n, 0);
  head.writeUInt32BE(n, 4);
  head.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    sig,
    chunk("IHDR", head),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

await writeManifest(); // after the definitions above (top-level await runs in order)

// ---- the service worker ----

const shell = createHash("sha256");
for (const f of ["index.html", "manifest.webmanifest", "icon-192.png", "icon-512.png"]) {
  shell.update(await readFile(join(dist, f)));
}
const cacheName = `mqchat-shell-${shell.digest("hex").slice(0, 16)}`;
await build({
  entryPoints: [join(here, "sw/service_worker.ts")],
  bundle: true,
  format: "iife",
  platform: "browser",
  target: ["chrome100", "firefox100", "safari15"],
  minify: true,
  legalComments: "none",
  define: { SHELL_CACHE: JSON.stringify(cacheName) },
  outfile: join(dist, "sw.js"),
  logLevel: "warning",
});
console.log(`web: dist/sw.js (cache ${cacheName})`);
