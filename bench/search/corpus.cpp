#include "corpus.h"

namespace mqchat::bench {

const char* const kCommon[kCommonWords] = {
    "meeting",  "report",   "lunch",  "project", "team",   "review", "schedule", "update",
    "plan",     "deadline", "client", "budget",  "design", "launch", "today",    "tomorrow",
    "coffee",   "morning",  "weekly", "notes",   "회의",   "점심",   "보고서",   "일정",
    "프로젝트", "검토",     "내일",   "오늘",    "고객",   "예산",   "디자인",   "출시",
    "확인",     "부탁",     "주간",   "오전",    "오후",   "커피",   "자료",     "공유"};

namespace {

std::string User(int64_t n) { return "u" + std::to_string(n); }

// The two users of conversation c (the second may be the first, then it has one).
int64_t Owner(const CorpusSpec& s, int64_t c) { return c % s.Users(); }
int64_t Other(const CorpusSpec& s, int64_t c) { return (c * 7 + 1) % s.Users(); }

}  // namespace

void ForEachConversation(const CorpusSpec& spec,
                         const std::function<void(const ConversationRow&)>& fn) {
  ConversationRow row;
  row.last_seq = spec.PerConversation();
  for (int64_t c = 1; c <= spec.conversations; ++c) {
    row.id = c;
    row.member_count =
        1 + (Other(spec, c) != Owner(spec, c) ? 1 : 0) + (c <= kSearcherConversations ? 1 : 0);
    row.created_by = User(Owner(spec, c));
    fn(row);
  }
}

void ForEachMember(const CorpusSpec& spec, const std::function<void(const MemberRow&)>& fn) {
  MemberRow row;
  for (int64_t c = 1; c <= spec.conversations; ++c) {
    row.conversation_id = c;
    row.username = User(Owner(spec, c));
    row.role = 2;
    fn(row);
    row.role = 0;
    if (Other(spec, c) != Owner(spec, c)) {
      row.username = User(Other(spec, c));
      fn(row);
    }
    if (c <= kSearcherConversations) {
      row.username = std::string(kSearcher);
      fn(row);
    }
  }
}

void ForEachMessage(const CorpusSpec& spec, const std::function<void(const MessageRow&)>& fn) {
  Rng rng(spec.seed);
  MessageRow row;
  const int64_t per = spec.PerConversation();
  for (int64_t c = 1; c <= spec.conversations; ++c) {
    row.conversation_id = c;
    row.sender = User(Owner(spec, c));
    for (int64_t s = 1; s <= per; ++s) {
      row.seq = s;
      row.message_id = (s - 1) * spec.conversations + c;
      row.client_msg_id = "b" + std::to_string(row.message_id);
      row.text.clear();
      for (int w = 0; w < 6; ++w) {
        if (w > 0) row.text += ' ';
        row.text += kCommon[rng.Below(kCommonWords)];
      }
      if (rng.Below(kRareOdds) == 0) row.text.append(" ").append(kRareEnglish);
      if (rng.Below(kRareOdds) == 0) row.text.append(" ").append(kRareKorean);
      fn(row);
    }
  }
}

}  // namespace mqchat::bench
