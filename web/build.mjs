// Builds dist/index.html: one file with the CSS and a classic (non-module) script inlined.
// Mosquitto's http_dir serves files without a Content-Type, and browsers refuse module scripts
// (and external scripts are needless requests) then, so everything goes inline.
import { build } from "esbuild";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
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
