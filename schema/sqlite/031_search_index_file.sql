-- 031_search_index_file (SQLite): the search index moves to a database file of its own,
-- `<database>.search` (plugin/src/store/sqlite/sqlite_search_file.h; docs/ARCHITECTURE.md
-- "Search"). In this file its writes took the one write lock the send writer needs, and sends
-- waited behind them. The tables of 014 are dropped here; the index file starts empty and the
-- indexer builds it again from the messages in the background (searches find older messages as
-- it catches up; docs/OPERATIONS.md).
DROP TABLE IF EXISTS search_postings;
DROP TABLE IF EXISTS search_docs;
DROP TABLE IF EXISTS search_progress;
