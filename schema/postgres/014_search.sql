-- 014_search (PostgreSQL): the search index (issue 17; docs/ARCHITECTURE.md "Search"). The
-- plugin's indexer (a background thread, never the send path) tokenizes each message's current
-- text (plugin/src/search/tokenizer.h: stemmed words, CJK character bigrams) and keeps one
-- posting per (term, message). A term is stored by its 64-bit key (search::TermKey): a fixed 8
-- bytes whatever the script, and a rare collision only adds a candidate, which the query checks
-- against the message's text. PostgreSQL's text search parsers do not segment CJK, so the
-- same pre-tokenized terms as SQLite's are kept in a plain B-tree: both stores answer alike.
-- Deleted messages have no postings; edited ones have their current text's. Queries read
-- postings newest first (message ids are time-ordered).
CREATE TABLE search_postings (
  term            BIGINT NOT NULL,
  conversation_id BIGINT NOT NULL,
  message_id      BIGINT NOT NULL,
  seq             BIGINT NOT NULL,
  PRIMARY KEY (term, conversation_id, message_id) INCLUDE (seq)
);

-- What is indexed for each message: its term keys, so an edit or a deletion removes exactly
-- the postings it had, without the text they came from.
CREATE TABLE search_docs (
  conversation_id BIGINT   NOT NULL,
  seq             BIGINT   NOT NULL,
  message_id      BIGINT   NOT NULL,
  terms           BIGINT[] NOT NULL,
  PRIMARY KEY (conversation_id, seq)
);

-- How far each conversation's log (every event kind) has been indexed. Conversations whose
-- last_seq is above it are the indexer's work.
CREATE TABLE search_progress (
  conversation_id BIGINT PRIMARY KEY,
  indexed_seq     BIGINT NOT NULL
);
