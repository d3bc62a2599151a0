-- 031_search_index_file (PostgreSQL): nothing. SQLite's migration of this number moves its
-- search index to a file of its own; PostgreSQL's index stays in its tables (014), where its
-- writes take row locks only. Both backends keep the same migration numbers.
SELECT 1;
