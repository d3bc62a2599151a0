-- 020_attachments (PostgreSQL): files and pictures uploaded through the API service (api/src/uploads.h)
-- and the messages that carry them (docs/PROTOCOL.md, "Attachments").
-- An attachment is created by POST /v1/uploads with its declared size, filled by chunks
-- (received: bytes written so far, in order), and finished: its type is then the one told by
-- its content (content_type), pictures get width/height and a thumbnail (thumb_id); blob_id and
-- thumb_id name blobs in the API's blob store (api/src/blob_store.h; '' none).
-- referenced_at_ms: set by the broker when a message first carries it (0: never), in the
-- message's transaction; the API's sweep deletes attachments still unreferenced a day after
-- they were created, and the UPDATE/DELETE on this one row is what orders the two.
CREATE TABLE attachments (
  id               TEXT COLLATE "C"     PRIMARY KEY,
  owner            TEXT COLLATE "C"     NOT NULL,
  name             TEXT       NOT NULL,
  declared_type    TEXT       NOT NULL DEFAULT '',
  size             BIGINT     NOT NULL,
  received         BIGINT     NOT NULL DEFAULT 0,
  state            SMALLINT   NOT NULL DEFAULT 0 CHECK (state IN (0, 1)),
  content_type     TEXT       NOT NULL DEFAULT '',
  width            INTEGER    NOT NULL DEFAULT 0,
  height           INTEGER    NOT NULL DEFAULT 0,
  blob_id          TEXT       NOT NULL DEFAULT '',
  thumb_id         TEXT       NOT NULL DEFAULT '',
  created_at_ms    BIGINT     NOT NULL,
  finished_at_ms   BIGINT     NOT NULL DEFAULT 0,
  referenced_at_ms BIGINT     NOT NULL DEFAULT 0
);
CREATE INDEX attachments_owner_idx ON attachments (owner, state);
CREATE INDEX attachments_unreferenced_idx ON attachments (created_at_ms) WHERE referenced_at_ms = 0;

-- The attachments of a message (kind 0), in the order the sender gave them.
CREATE TABLE message_attachments (
  conversation_id BIGINT   NOT NULL,
  seq             BIGINT   NOT NULL,
  position        SMALLINT NOT NULL,
  attachment_id   TEXT COLLATE "C"   NOT NULL,
  PRIMARY KEY (conversation_id, seq, position)
);
CREATE INDEX message_attachments_attachment_idx ON message_attachments (attachment_id);
