// mqchat-search-corpus: the search benchmark's corpus (corpus.h) loaded into a store in bulk, and
// the store's search index built in bulk (bulk.h); bench/search_bench.sh runs both with no broker
// on the store. Prints one JSON line per step: its seconds and what it wrote.
//   mqchat-search-corpus load  (--sqlite PATH | --postgres CONNINFO) [--messages N]
//                              [--conversations M] [--seed S]
//   mqchat-search-corpus index (--sqlite PATH | --postgres CONNINFO)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "bulk.h"

namespace {

using mqchat::bench::CorpusSpec;

int Usage() {
  std::fprintf(stderr,
               "usage: mqchat-search-corpus load|index (--sqlite PATH | --postgres CONNINFO)\n"
               "                            [--messages N] [--conversations M] [--seed S]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string step = argv[1];
  std::string sqlite;
  std::string postgres;
  CorpusSpec spec;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--sqlite") {
      sqlite = v;
    } else if (k == "--postgres") {
      postgres = v;
    } else if (k == "--messages") {
      spec.messages = std::atoll(v);
    } else if (k == "--conversations") {
      spec.conversations = std::atoll(v);
    } else if (k == "--seed") {
      spec.seed = std::strtoull(v, nullptr, 10);
    } else {
      return Usage();
    }
  }
  if ((argc % 2) != 0 || sqlite.empty() == postgres.empty() ||
      (step != "load" && step != "index") || spec.conversations < 1 ||
      spec.messages < spec.conversations) {
    return Usage();
  }
  const auto start = std::chrono::steady_clock::now();
  nlohmann::json out{{"step", step}, {"store", sqlite.empty() ? "postgres" : "sqlite"}};
  mqchat::Status status;
  if (step == "load") {
    status = sqlite.empty() ? mqchat::bench::LoadPostgres(postgres, spec)
                            : mqchat::bench::LoadSqlite(sqlite, spec);
    out["messages"] = spec.PerConversation() * spec.conversations;
    out["conversations"] = spec.conversations;
  } else {
    auto stats = sqlite.empty() ? mqchat::bench::IndexPostgres(postgres)
                                : mqchat::bench::IndexSqlite(sqlite);
    status = stats.status();
    if (stats.ok()) {
      out["messages"] = stats->messages;
      out["postings"] = stats->postings;
    }
  }
  if (!status.ok()) {
    std::fprintf(stderr, "mqchat-search-corpus %s: %s\n", step.c_str(), status.ToString().c_str());
    return 1;
  }
  out["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
