-- 014_search (SQLite): the search index (issue 17; docs/ARCHITECTURE.md "Search"). The plugin's
-- indexer (a background thread, never the send path) tokenizes each message's current text
-- (plugin/src/search/tokenizer.h: stemmed words, CJK character bigrams) and keeps one posting
-- per (term, message). A term is stored by its 64-bit key (search::TermKey): a fixed 8 bytes
-- whatever the script, and a rare collision only adds a candidate, which the query checks
-- against the message's text. Deleted messages have no postings; edited ones have their
-- current text's. Queries read postings newest first (message ids are time-ordered).
CREATE TABLE search_postings (
  term            INTEGER NOT NULL,
  conversation_id INTEGER NOT NULL,
  message_id      INTEGER NOT NULL,
  seq             INTEGER NOT NULL,
  PRIMARY KEY (term, conversation_id, message_id)
) WITHOUT ROWID;

-- What is indexed for each message: its term keys (a JSON array), so an edit or a deletion
-- removes exactly the postings it had, without the text they came from.
CREATE TABLE search_docs (
  conversation_id INTEGER NOT NULL,
  seq             INTEGER NOT NULL,
  message_id      INTEGER NOT NULL,
  terms           TEXT    NOT NULL,
  PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;

-- How far each conversation's log (every event kind) has been indexed. Conversations whose
-- last_seq is above it are the indexer's work.
CREATE TABLE search_progress (
  conversation_id INTEGER PRIMARY KEY,
  indexed_seq     INTEGER NOT NULL
);
