// Bulk loading of the search benchmark's corpus (corpus.h) and a bulk build of the search index
// (migration 014's tables) for SQLite and PostgreSQL: what bench/search_bench.sh runs instead of
// sending 10 million messages through a broker and letting its indexer catch up message by
// message (docs/BENCHMARKS.md "Search").
//   - Load: SQLite, prepared inserts in primary-key order in one transaction; PostgreSQL, COPY.
//   - Index: the whole index rebuilt from the messages as they are now (a message of kind 0 not
//     deleted, its current text), with the plugin's own tokenizer and term keys
//     (search::EntriesFor), so the postings are the ones the broker's indexer writes. SQLite:
//     the postings sorted by their primary key and inserted in that order, in one transaction.
//     PostgreSQL: the primary keys of search_postings and search_docs dropped, the rows COPYed,
//     the keys built again (one sort each). Each conversation's indexed_seq is set to its
//     last_seq as read in the same snapshot, so a broker's indexer finds nothing behind and
//     indexes only what comes after.
// Run with no broker writing to the store (the benchmark runs it between brokers). One thread.
#pragma once

#include <cstdint>
#include <string>

#include "corpus.h"
#include "mqchat/status.h"

namespace mqchat::bench {

struct IndexStats {
  int64_t messages = 0;  // messages indexed
  int64_t postings = 0;
};

Status LoadSqlite(const std::string& path, const CorpusSpec& spec);
Result<IndexStats> IndexSqlite(const std::string& path);

Status LoadPostgres(const std::string& conninfo, const CorpusSpec& spec);
Result<IndexStats> IndexPostgres(const std::string& conninfo);

}  // namespace mqchat::bench
