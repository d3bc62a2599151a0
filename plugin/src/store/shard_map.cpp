#include "store/shard_map.h"

#include <cmath>
#include <cstdlib>
#include <limits>

namespace mqchat::store {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// splitmix64: a well-mixed 64-bit value from (key, shard).
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

Status BadEntry(size_t index, const std::string& why) {
  return Status::InvalidArgument("pg_shards entry " + std::to_string(index + 1) + " " + why);
}

}  // namespace

Result<std::vector<PgShard>> ParseShardList(std::string_view text) {
  std::vector<PgShard> out;
  bool any_weight = false;
  while (true) {
    const size_t end = text.find(';');
    std::string_view entry = Trim(text.substr(0, end));
    const size_t index = out.size();
    if (entry.empty()) return BadEntry(index, "is empty (entries are separated by ';')");
    PgShard shard;
    constexpr std::string_view kWeight = "weight=";
    if (entry.substr(0, kWeight.size()) == kWeight) {
      entry.remove_prefix(kWeight.size());
      const size_t space = entry.find_first_of(" \t");
      const std::string number(entry.substr(0, space));
      char* stop = nullptr;
      const long weight = std::strtol(number.c_str(), &stop, 10);
      if (number.empty() || *stop != '\0' || weight < 0 || weight > kMaxShardWeight) {
        return BadEntry(index,
                        "has weight '" + number + "'; use 0.." + std::to_string(kMaxShardWeight));
      }
      shard.weight = static_cast<int>(weight);
      entry = space == std::string_view::npos ? std::string_view() : Trim(entry.substr(space));
      if (entry.empty()) return BadEntry(index, "has a weight but no conninfo");
    }
    shard.conninfo = std::string(entry);
    any_weight = any_weight || shard.weight > 0;
    out.push_back(std::move(shard));
    if (out.size() > kMaxShards) {
      return Status::InvalidArgument("pg_shards names more than " + std::to_string(kMaxShards) +
                                     " shards");
    }
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  if (!any_weight) {
    return Status::InvalidArgument(
        "pg_shards: every shard has weight 0; one must take new "
        "conversations");
  }
  return out;
}

int ChooseShard(uint64_t key, const std::vector<PgShard>& shards) {
  int best = -1;
  double best_score = -std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < shards.size(); ++i) {
    if (shards[i].weight <= 0) continue;
    // A uniform value in (0, 1) per (key, shard); -weight / ln(u) is the weighted rendezvous
    // score (the largest wins with probability weight / total weight).
    const uint64_t h = Mix(key ^ Mix(static_cast<uint64_t>(i) + 1));
    const double u = (static_cast<double>(h >> 11) + 0.5) / 9007199254740992.0;  // 2^53
    const double score = -static_cast<double>(shards[i].weight) / std::log(u);
    if (score > best_score) {
      best_score = score;
      best = static_cast<int>(i);
    }
  }
  return best;
}

uint64_t PlacementKey(std::string_view direct_key) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : direct_key) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace mqchat::store
