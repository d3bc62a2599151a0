// Unit tests of web/src (state/ and the api decoders): bundles test/*.test.ts with esbuild (the
// bundler web/ already uses) into .test-build/ and runs them with node's own test runner.
//   node test/run.mjs            (npm test)
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { readdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", ".test-build");
const tests = (await readdir(here)).filter((f) => f.endsWith(".test.ts")).sort();

await rm(out, { recursive: true, force: true });
await build({
  entryPoints: tests.map((f) => join(here, f)),
  outdir: out,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  packages: "external",
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "inline",
  logLevel: "warning",
});
const files = tests.map((f) => join(out, f.replace(/\.ts$/, ".mjs")));
const r = spawnSync(process.execPath, ["--enable-source-maps", "--test", "--test-reporter=spec", ...files], {
  stdio: "inherit",
});
process.exit(r.status ?? 1);
