#include "tracker.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <ctime>

namespace mqchat::bench {
namespace {

constexpr size_t kMaxErrorSamples = 10;

}  // namespace

Tracker::Tracker(int senders, std::vector<int> expected_per_conversation)
    : expected_(std::move(expected_per_conversation)),
      outstanding_(new PaddedCounter[std::max(senders, 1)]) {
  int max_expected = 1;
  for (int e : expected_) max_expected = std::max(max_expected, e);
  words_per_message_ = (max_expected + 63) / 64;
  run_tag_ = "r" + std::to_string(static_cast<unsigned long>(std::time(nullptr)) % 100000000) +
             "p" + std::to_string(::getpid());
}

std::string Tracker::ClientMsgId(uint64_t id) const { return run_tag_ + "-" + std::to_string(id); }

bool Tracker::ParseClientMsgId(std::string_view cmid, uint64_t* id) const {
  if (cmid.size() <= run_tag_.size() + 1 || cmid.compare(0, run_tag_.size(), run_tag_) != 0 ||
      cmid[run_tag_.size()] != '-') {
    return false;
  }
  const char* first = cmid.data() + run_tag_.size() + 1;
  const char* last = cmid.data() + cmid.size();
  auto [ptr, ec] = std::from_chars(first, last, *id);
  return ec == std::errc() && ptr == last;
}

uint64_t Tracker::RecordSend(int sender, int conversation, int64_t now_ns) {
  outstanding_[sender].value.fetch_add(1, std::memory_order_acq_rel);
  incomplete_.fetch_add(1, std::memory_order_acq_rel);
  sent_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t id = records_.size();
  Record r;
  r.send_ns = now_ns;
  r.sender = sender;
  r.conversation = conversation;
  records_.push_back(r);
  bits_.resize(bits_.size() + words_per_message_, 0);
  ++totals_.sent;
  totals_.expected_deliveries += expected_[conversation];
  if (totals_.first_send_ns == 0) totals_.first_send_ns = now_ns;
  totals_.last_send_ns = now_ns;
  return id;
}

int Tracker::MaybeComplete(Record& r) {
  if (r.complete || !r.acked || r.delivered < expected_[r.conversation]) return -1;
  r.complete = true;
  outstanding_[r.sender].value.fetch_sub(1, std::memory_order_acq_rel);
  incomplete_.fetch_sub(1, std::memory_order_acq_rel);
  return r.sender;
}

int Tracker::RecordAck(uint64_t id, int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mu_);
  if (id >= records_.size()) {
    ++totals_.unexpected;
    return -1;
  }
  Record& r = records_[id];
  if (r.acked) {
    ++totals_.duplicate_acks;
    return -1;
  }
  r.acked = true;
  ++totals_.acked;
  totals_.last_ack_ns = now_ns;
  totals_.ack_latency_ns.push_back(now_ns - r.send_ns);
  return MaybeComplete(r);
}

int Tracker::RecordDelivery(uint64_t id, const RecipientRole& role, int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mu_);
  if (id >= records_.size()) {
    ++totals_.unexpected;
    return -1;
  }
  Record& r = records_[id];
  if (role.conversation != r.conversation) {
    ++totals_.unexpected;
    return -1;
  }
  if (role.member_index < 0) return -1;  // the sender's own copy, not counted
  uint64_t& word = bits_[id * words_per_message_ + role.member_index / 64];
  const uint64_t bit = uint64_t{1} << (role.member_index % 64);
  if ((word & bit) != 0) {
    ++totals_.duplicate_deliveries;
    return -1;
  }
  word |= bit;
  ++r.delivered;
  ++totals_.delivered;
  totals_.last_delivery_ns = now_ns;
  totals_.delivery_latency_ns.push_back(now_ns - r.send_ns);
  return MaybeComplete(r);
}

void Tracker::RecordError(std::string what) {
  std::lock_guard<std::mutex> lock(mu_);
  ++totals_.errors;
  if (error_samples_.size() < kMaxErrorSamples) error_samples_.push_back(std::move(what));
}

TrackerTotals Tracker::Totals() const {
  std::lock_guard<std::mutex> lock(mu_);
  TrackerTotals t = totals_;
  t.resent = resent_.load();
  t.unexpected += unexpected_.load();
  t.retryable_errors = retryable_errors_.load();
  return t;
}

std::vector<std::string> Tracker::ErrorSamples() const {
  std::lock_guard<std::mutex> lock(mu_);
  return error_samples_;
}

}  // namespace mqchat::bench
