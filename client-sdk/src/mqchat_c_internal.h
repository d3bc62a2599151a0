// What the C API's two files (mqchat_c.cpp: the client, sends, push and lifecycle;
// mqchat_c_app.cpp: the rest of an app's calls) share: the handles, the gate every callback
// goes through, and the conversions to the plain C structs.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "mqchat/client.h"
#include "mqchat/mqchat_c.h"
#include "threads/mutex.h"

namespace mqchat::capi {

// Closed by mqchat_client_free before the Client is destroyed: nothing reaches the app after,
// and no C call reaches the Client (Use below). Close waits for the C calls already inside.
struct Gate {
  std::atomic<bool> open{true};
  Mutex mu;
  CondVar cv;
  int calls GUARDED_BY(mu) = 0;  // C calls using the Client now (Use)

  void Close() {
    MutexLock lock(mu);
    open = false;
    while (calls > 0) cv.Wait(mu);
  }
};
using GatePtr = std::shared_ptr<Gate>;

inline std::string Str(const char* s) { return s == nullptr ? std::string() : std::string(s); }

inline std::vector<std::string> Strs(const char* const* s, size_t n) {
  std::vector<std::string> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(Str(s[i]));
  return out;
}

inline mqchat_code CodeOf(const Status& s) { return static_cast<mqchat_code>(s.code()); }

// A C view of a message, valid while `m` lives.
mqchat_message View(const Message& m);

// C views of strings, valid while `v` lives.
std::vector<const char*> Views(const std::vector<std::string>& v);

// A request's completion for a mqchat_status_fn (`done` may be NULL).
Callback<Status> StatusDone(const GatePtr& gate, mqchat_status_fn done, void* user);
// The same for requests whose value the C API does not hand over (only the outcome).
template <typename T>
Callback<Result<T>> OutcomeDone(const GatePtr& gate, mqchat_status_fn done, void* user) {
  return [gate, done, user](Result<T> r) {
    if (gate->open && done != nullptr) done(user, CodeOf(r.status()), r.status().message().c_str());
  };
}
// A send-like request's completion (the ack, or the error).
Callback<Result<Ack>> AckDone(const GatePtr& gate, mqchat_ack_fn done, void* user);

}  // namespace mqchat::capi

struct mqchat_options {
  mqchat::ClientOptions options;
};

struct mqchat_client {
  std::unique_ptr<mqchat::Client> client;
  mqchat::capi::GatePtr gate = std::make_shared<mqchat::capi::Gate>();
};

namespace mqchat::capi {

// A C call's hold on its handle's Client, for the call's length: mqchat_client_free waits for
// the holds before destroying the Client. False once the free has begun (a callback still
// running, or another thread, calling in): the call then does nothing; its callback is dropped
// as pending ones are, and what answers a value answers MQCHAT_UNAVAILABLE or "".
class Use {
 public:
  explicit Use(const mqchat_client* client) : gate_(*client->gate) {
    MutexLock lock(gate_.mu);
    held_ = gate_.open;
    if (held_) ++gate_.calls;
  }
  ~Use() {
    if (!held_) return;
    MutexLock lock(gate_.mu);
    if (--gate_.calls == 0) gate_.cv.NotifyAll();
  }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;
  explicit operator bool() const { return held_; }

 private:
  Gate& gate_;
  bool held_ = false;
};

}  // namespace mqchat::capi
