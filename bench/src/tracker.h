// Tracker: what happened to every message a benchmark sent: send time, ack, and the delivery to
// each expected recipient. Counts lost and duplicated acks/deliveries and keeps latency samples.
// Thread-safe (one mutex; uncontended with one loop thread).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace mqchat::bench {

// What one recipient connection is to one conversation.
struct RecipientRole {
  int conversation = -1;  // tracker conversation index; -1: receives nothing we count
  int member_index = -1;  // 0..expected-1 for a counted recipient; -1 for the sender's own echo
};

struct TrackerTotals {
  int64_t sent = 0;
  int64_t resent = 0;  // retries of the same client_msg_id after a retryable error
  int64_t acked = 0;   // distinct messages acked
  int64_t expected_deliveries = 0;
  int64_t delivered = 0;  // distinct (message, recipient) deliveries
  int64_t duplicate_acks = 0;
  int64_t duplicate_deliveries = 0;
  int64_t unexpected = 0;  // unknown id, or delivered to a non-member
  int64_t errors = 0;      // failed requests (non-retryable), refused publishes
  int64_t retryable_errors = 0;
  int64_t first_send_ns = 0, last_send_ns = 0, last_ack_ns = 0, last_delivery_ns = 0;
  std::vector<int64_t> ack_latency_ns;
  std::vector<int64_t> delivery_latency_ns;
};

class Tracker {
 public:
  // `senders` sender slots; conversation c has `expected_per_conversation[c]` recipients.
  Tracker(int senders, std::vector<int> expected_per_conversation);

  // Registers a new message of `sender` in `conversation`; returns its id.
  uint64_t RecordSend(int sender, int conversation, int64_t now_ns);
  void RecordResend() { resent_.fetch_add(1, std::memory_order_relaxed); }

  // Each returns the sender whose message became complete (acked and delivered to every
  // expected recipient), or -1.
  int RecordAck(uint64_t id, int64_t now_ns);
  int RecordDelivery(uint64_t id, const RecipientRole& role, int64_t now_ns);

  void RecordUnexpected() { unexpected_.fetch_add(1, std::memory_order_relaxed); }
  void RecordError(std::string what);
  void RecordRetryableError() { retryable_errors_.fetch_add(1, std::memory_order_relaxed); }

  // Sent but not yet complete messages of `sender`.
  int64_t Outstanding(int sender) const {
    return outstanding_[sender].value.load(std::memory_order_acquire);
  }
  // True when every message sent so far is complete.
  bool AllComplete() const { return incomplete_.load(std::memory_order_acquire) == 0; }
  int64_t Sent() const { return sent_.load(std::memory_order_relaxed); }

  TrackerTotals Totals() const;
  std::vector<std::string> ErrorSamples() const;

  // The client_msg_id (and send req_id) of message `id`: "<run tag>-<id>". The run tag makes
  // ids unique across runs that reuse a --prefix against one store.
  std::string ClientMsgId(uint64_t id) const;
  // The id in a client_msg_id of this run, or false.
  bool ParseClientMsgId(std::string_view client_msg_id, uint64_t* id) const;

 private:
  struct Record {
    int64_t send_ns = 0;
    int32_t sender = 0;
    int32_t conversation = 0;
    int32_t delivered = 0;
    bool acked = false;
    bool complete = false;
  };
  struct PaddedCounter {
    alignas(64) std::atomic<int64_t> value{0};
  };

  // Marks `r` complete if it is; returns its sender or -1. Lock held.
  int MaybeComplete(Record& r);

  const std::vector<int> expected_;
  int words_per_message_ = 1;
  std::string run_tag_;

  mutable std::mutex mu_;
  std::deque<Record> records_;  // by id
  std::deque<uint64_t> bits_;   // words_per_message_ words per id: recipients that got it
  TrackerTotals totals_;        // counts and samples (the atomics below are folded in Totals)
  std::vector<std::string> error_samples_;

  std::unique_ptr<PaddedCounter[]> outstanding_;
  std::atomic<int64_t> incomplete_{0};
  std::atomic<int64_t> sent_{0};
  std::atomic<int64_t> resent_{0};
  std::atomic<int64_t> unexpected_{0};
  std::atomic<int64_t> retryable_errors_{0};
};

}  // namespace mqchat::bench
