import assert from "node:assert/strict";
import { test } from "node:test";
import { AttachmentApi } from "../src/api/attachments";
import { AuthedApi } from "../src/api/authed_api";
import { decodeMessage } from "../src/api/decode";
import { Files } from "../src/state/files";
import { entryOf, requestOf } from "../src/state/outbox_ops";
import { msg } from "./fixtures";

const ID = "0123456789abcdef0123456789abcdef";
const finished = {
  id: ID,
  name: "a.png",
  content_type: "image/png",
  size: 10,
  width: 4,
  height: 2,
  url: "/v1/files/x?variant=original&sig=s",
  expires_at_ms: Date.now() + 300000,
  thumbnail: { url: "/v1/files/x?variant=thumbnail&sig=s", width: 4, height: 2 },
};

/** A fake upload service: chunks of 4 bytes; `failAt` makes the PUT at that offset fail once
 * (a lost connection) after storing it. */
function fakeService(failAt = -1) {
  const log: string[] = [];
  let received = 0;
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input).replace("http://api", "");
    const method = init?.method ?? "GET";
    log.push(`${method} ${url}`);
    if (method === "POST" && url === "/v1/uploads")
      return Response.json({ id: ID, size: 10, received: 0, finished: false, chunk_bytes: 4 }, { status: 201 });
    if (method === "PUT") {
      const offset = Number(/offset=(\d+)/.exec(url)![1]);
      const n = (init!.body as Blob).size;
      received = Math.max(received, offset + n);
      if (offset === failAt) {
        failAt = -1;
        throw new TypeError("connection reset");
      }
      return Response.json({ id: ID, size: 10, received, finished: false });
    }
    if (method === "GET" && url === `/v1/uploads/${ID}`)
      return Response.json({ id: ID, size: 10, received, finished: false });
    if (url.endsWith("/finish")) return Response.json(finished);
    if (url === `/v1/attachments/${ID}`) return Response.json(finished);
    return Response.json({ error: { code: "NOT_FOUND", message: "no" } }, { status: 404 });
  }) as typeof fetch;
  return { api: new AttachmentApi(new AuthedApi("http://api", async () => "tok", fetchImpl)), log };
}

const file = (name = "a.png") => new File([new Uint8Array(10)], name, { type: "image/png" });

test("an upload goes in chunks with progress, and goes on from where the service got after a lost chunk", async () => {
  const { api, log } = fakeService(4);
  const seen: number[] = [];
  const r = await api.upload(file(), (sent) => seen.push(sent));
  assert.deepEqual(r.attachment, {
    id: ID,
    name: "a.png",
    content_type: "image/png",
    size: 10,
    width: 4,
    height: 2,
    thumbnail: true,
  });
  assert.equal(r.urls.thumbnail, "http://api/v1/files/x?variant=thumbnail&sig=s");
  assert.deepEqual(seen, [0, 4, 8, 10]);
  assert.deepEqual(log, [
    "POST /v1/uploads",
    `PUT /v1/uploads/${ID}?offset=0`,
    `PUT /v1/uploads/${ID}?offset=4`,
    `GET /v1/uploads/${ID}`,
    `PUT /v1/uploads/${ID}?offset=8`,
    `POST /v1/uploads/${ID}/finish`,
  ]);
});

test("the composer's uploads: a send waits for them, takes the finished ones, and clears them", async () => {
  const { api } = fakeService();
  let changes = 0;
  const files = new Files(api, () => changes++);
  files.add("1", [file()]);
  assert.equal(files.ready("1"), null); // still uploading
  assert.deepEqual(files.ready("2"), []);
  await new Promise<void>((res) => {
    const poll = () => (files.uploads("1")[0].state === "uploading" ? setTimeout(poll, 1) : res());
    poll();
  });
  assert.deepEqual(
    files.ready("1")?.map((a) => a.id),
    [ID],
  );
  assert.ok(changes > 1);
  // Its URLs came with the finish: no request for them.
  assert.equal((await files.urls(ID)).url, "http://api/v1/files/x?variant=original&sig=s");
  files.clear("1");
  assert.deepEqual(files.uploads("1"), []);
});

test("without an API there are no uploads", () => {
  const files = new Files(null);
  files.add("1", [file()]);
  assert.equal(files.enabled, false);
  assert.deepEqual(files.uploads("1"), []);
});

test("a send carries the attachments' ids; the recorded entry and decoded messages their metadata", () => {
  const att = { id: ID, name: "a.png", content_type: "image/png", size: 10, width: 4, height: 2, thumbnail: true };
  const send = { client_msg_id: "c1", conversation_id: "1", text: "", attachments: [att] };
  assert.deepEqual(requestOf(send).body, { client_msg_id: "c1", text: "", attachments: [ID] });
  assert.deepEqual(entryOf(send, { seq: 3, message_id: "9", server_time_ms: 1 }, "me").attachments, [att]);
  const m = decodeMessage({ ...msg("1", 3), attachments: [{ ...att, thumbnail: undefined, width: undefined }] });
  assert.deepEqual(m.attachments, [{ ...att, thumbnail: false, width: 0 }]);
  assert.throws(() => decodeMessage({ ...msg("1", 3), attachments: [{ id: ID }] }));
});
