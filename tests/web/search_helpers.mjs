// What the browser tests of search share (search.test.mjs, a11y.test.mjs): a search typed in the
// sidebar box until a result shows `text` (messages are indexed a moment after their ack, so an
// early search may find nothing yet: it is submitted again, within T).
import { T } from "./pages.mjs";

/** The result (a .search-hit button) showing `text`, after searching `query` until it shows. */
export async function searchUntil(page, query, text) {
  const hit = page.locator("#search-results .search-hit", { hasText: text });
  const deadline = Date.now() + T;
  for (;;) {
    await page.fill("#search-input", query);
    await page.press("#search-input", "Enter");
    await page.waitForFunction(() => !document.querySelector("#search-status")?.textContent?.endsWith("…"), null, {
      timeout: T,
    });
    if ((await hit.count()) > 0) return hit.first();
    if (Date.now() >= deadline) throw new Error(`no search result for '${query}' showing '${text}'`);
    await page.waitForTimeout(200); // the indexer's next batch: polled, bounded by the deadline
  }
}
