// End-to-end test of attachments in the web client (issue 16): alice picks a picture and a file
// with the paperclip (each uploaded through mqchat-api with a progress bar) and sends them to bob;
// bob's page shows the picture's thumbnail (loaded) and opens it in the viewer, and the file as
// a chip that downloads. The same by drag and drop on the conversation and by pasting into the
// message field. Its own broker, real mqchat-api (pages.mjs apiPageSuite) and browser; run by
// tests/web/run.sh.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { axe } from "./axe.mjs";
import { png } from "./images.mjs";
import { T, apiPageSuite, newDirect } from "./pages.mjs";

const suite = apiPageSuite();

suite.e2e(
  "alice sends bob a picture and a file; bob sees the thumbnail, opens it, downloads the file",
  "attachments",
  async (t, pages) => {
    const alice = await suite.newUser("alice");
    const bob = await suite.newUser("bob");
    const a = await suite.openAs(t, pages, alice, { acceptDownloads: true });
    await newDirect(a, bob.name);

    // The paperclip's file picker: a picture and a text file, uploaded with progress.
    await a.locator("#attach-btn").waitFor({ timeout: T });
    await a.setInputFiles("#attach-input", [
      { name: "beach.png", mimeType: "image/png", buffer: png(400, 300, [20, 120, 200]) },
      { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("bring sunscreen\n") },
    ]);
    await a.locator("#upload-tray .upload").nth(1).waitFor({ timeout: T });
    await a.locator('#upload-tray .upload[data-state="done"]').nth(1).waitFor({ timeout: T });
    assert.deepEqual(await axe(a), [], "axe violations with the upload tray");
    await a.fill("#composer-input", "the beach today");
    await a.press("#composer-input", "Enter");
    const mine = a.locator(".msg.mine[data-seq]", { hasText: "the beach today" });
    await mine.locator(".att-image img").waitFor({ timeout: T });
    await a.locator("#upload-tray").waitFor({ state: "hidden", timeout: T });

    // Bob: the thumbnail loads, the viewer shows the picture, the file downloads.
    const b = await suite.openAs(t, pages, bob, { acceptDownloads: true });
    await b
      .locator(`.conv-item[data-title="${alice.name}"] .preview`, { hasText: "the beach today" })
      .waitFor({ timeout: T });
    await b.locator(`.conv-item[data-title="${alice.name}"] .conv-open`).click();
    await b.waitForFunction((u) => document.querySelector("#conv-title")?.dataset.title === u, alice.name, {
      timeout: T,
    });
    const msg = b.locator(".msg[data-seq]", { hasText: "the beach today" });
    const thumb = msg.locator(".att-image img");
    await thumb.waitFor({ timeout: T });
    await b.waitForFunction((el) => el.complete && el.naturalWidth > 0, await thumb.elementHandle(), { timeout: T });
    await msg.locator(".att-file", { hasText: "notes.txt" }).waitFor({ timeout: T });

    await msg.locator(".att-image").click();
    await b.locator("#viewer-dialog").waitFor({ timeout: T });
    const full = b.locator("#viewer-img");
    await b.waitForFunction((el) => el.complete && el.naturalWidth > 0, await full.elementHandle(), { timeout: T });
    assert.deepEqual(await full.evaluate((el) => [el.naturalWidth, el.naturalHeight]), [400, 300]);
    assert.deepEqual(await axe(b), [], "axe violations in the viewer");
    await b.click("#viewer-close");
    await b.locator("#viewer-dialog").waitFor({ state: "hidden", timeout: T });

    const [download] = await Promise.all([
      b.waitForEvent("download", { timeout: T }),
      msg.locator(".att-file").click(),
    ]);
    assert.equal(download.suggestedFilename(), "notes.txt");
    const path = await download.path();
    assert.equal(readFileSync(path, "utf8"), "bring sunscreen\n");
  },
);

suite.e2e(
  "files dropped on the conversation and pasted into the field upload with progress and send",
  "attachments-drop",
  async (t, pages) => {
    const alice = await suite.newUser("alice");
    const bob = await suite.newUser("bob");
    const a = await suite.openAs(t, pages, alice);
    await newDirect(a, bob.name);

    // Drag and drop: a text file dropped on the conversation pane (the pane shows it will take it).
    const dropped = await a.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(["packing list\n"], "dropped.txt", { type: "text/plain" }));
      return dt;
    });
    await a.dispatchEvent("#conv-pane", "dragover", { dataTransfer: dropped });
    assert.equal(await a.locator("#conv-pane.dropping").count(), 1, "the pane does not show the drop target");
    await a.dispatchEvent("#conv-pane", "drop", { dataTransfer: dropped });
    assert.equal(await a.locator("#conv-pane.dropping").count(), 0);
    await a.locator('#upload-tray .upload[data-state="done"]').first().waitFor({ timeout: T });

    // Paste: a picture pasted into the message field (as a screenshot is).
    const bytes = [...png(120, 80, [200, 120, 20])];
    await a.locator("#composer-input").evaluate((el, data) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data)], "pasted.png", { type: "image/png" }));
      el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
    }, bytes);
    await a.locator("#upload-tray .upload").nth(1).waitFor({ timeout: T });
    await a.locator('#upload-tray .upload[data-state="done"]').nth(1).waitFor({ timeout: T });
    assert.equal(await a.inputValue("#composer-input"), "", "the paste put text in the field");

    await a.fill("#composer-input", "dropped and pasted");
    await a.press("#composer-input", "Enter");
    await a
      .locator(".msg.mine[data-seq]", { hasText: "dropped and pasted" })
      .locator(".att-image img")
      .waitFor({ timeout: T });

    const b = await suite.openAs(t, pages, bob);
    await b.locator(`.conv-item[data-title="${alice.name}"] .conv-open`).click({ timeout: T });
    const msg = b.locator(".msg[data-seq]", { hasText: "dropped and pasted" });
    await msg.locator(".att-file", { hasText: "dropped.txt" }).waitFor({ timeout: T });
    const thumb = msg.locator(".att-image img");
    await thumb.waitFor({ timeout: T });
    await b.waitForFunction((el) => el.complete && el.naturalWidth > 0, await thumb.elementHandle(), { timeout: T });
  },
);
