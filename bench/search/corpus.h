// The search benchmark's corpus (issue 17; docs/BENCHMARKS.md "Search"), generated the same way
// for SQLite and PostgreSQL from a seed: N messages spread evenly over M group conversations of
// M/2 users (two members each, user "searcher" also in the first 200), each message 6 words drawn
// uniformly from 40 common words (20 English, 20 Korean: each in about 15% of the messages),
// plus a rare English and a rare Korean two-syllable word, each with probability 1/50,000.
// Message ids (and times, in ms) follow the order of sending: round robin over the
// conversations, so conversation c's seq s is message (s - 1) * M + c. Pure; one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace mqchat::bench {

inline constexpr int kCommonWords = 40;
extern const char* const kCommon[kCommonWords];
inline constexpr std::string_view kRareEnglish = "zeppelin";
inline constexpr std::string_view kRareKorean = "김밥";  // two syllables, in no common word
inline constexpr uint64_t kRareOdds = 50000;
inline constexpr int64_t kSearcherConversations = 200;
inline constexpr std::string_view kSearcher = "searcher";

struct CorpusSpec {
  int64_t messages = 1000000;
  int64_t conversations = 10000;
  uint64_t seed = 1;

  int64_t PerConversation() const { return messages / conversations; }
  int64_t Users() const { return conversations / 2 > 2 ? conversations / 2 : 2; }
};

// xorshift64*: fast, deterministic for a seed.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed == 0 ? 0x9E3779B97F4A7C15ull : seed) {}
  uint64_t Next() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 0x2545F4914F6CDD1Dull;
  }
  uint64_t Below(uint64_t n) { return Next() % n; }

 private:
  uint64_t s_;
};

struct ConversationRow {
  int64_t id = 0;
  int64_t last_seq = 0;
  int64_t member_count = 0;
  std::string created_by;
};

struct MemberRow {
  int64_t conversation_id = 0;
  std::string username;
  int role = 0;  // 2 owner, 0 member
};

struct MessageRow {
  int64_t conversation_id = 0;
  int64_t seq = 0;
  int64_t message_id = 0;  // also its time in ms
  std::string sender;
  std::string client_msg_id;
  std::string text;
};

// Each conversation, then each member, in conversation order.
void ForEachConversation(const CorpusSpec& spec,
                         const std::function<void(const ConversationRow&)>& fn);
void ForEachMember(const CorpusSpec& spec, const std::function<void(const MemberRow&)>& fn);
// Each message, ordered by (conversation_id, seq): the order of the store's primary key.
void ForEachMessage(const CorpusSpec& spec, const std::function<void(const MessageRow&)>& fn);

}  // namespace mqchat::bench
