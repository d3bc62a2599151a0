// axe-core in a page (a11y.test.mjs and the tests of other views): its WCAG 2.1 A/AA and
// best-practice rules on the page as it is.
import { createRequire } from "node:module";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** Runs axe-core on the page as it is (or only on the elements matching CSS selector `within`);
 * returns the violations as readable lines. */
export async function axe(page, within = null) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async (within) => {
    const r = await window.axe.run(within ? { include: [within] } : document, {
      runOnly: {
        type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
      },
      resultTypes: ["violations"],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`),
    }));
  }, within);
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n      ${v.nodes.join("\n      ")}`);
}
