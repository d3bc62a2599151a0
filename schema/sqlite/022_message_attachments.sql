-- 022_message_attachments: the attachments a message carries as it shows them (docs/PROTOCOL.md,
-- "Attachments"): messages.attachments holds their metadata (id, name, content_type, size,
-- width, height, thumbnail) as the JSON array a message carries, copied from `attachments`
-- (migration 020) in the message's transaction; a finished attachment never changes, so the
-- copy stays true and every read of a message (history, sync, the conversation list) reads one
-- column. '' for none. message_attachments (020) stays what a download's access check joins;
-- a deletion empties the column and removes the message's rows.
ALTER TABLE messages ADD COLUMN attachments TEXT NOT NULL DEFAULT '';
