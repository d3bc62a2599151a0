// How the public Client turns the engine's completions (Done<T>, engine thread) into what the
// app asked for: a std::future, or its callback run on the callback thread. Any thread.
#pragma once

#include <future>
#include <memory>
#include <utility>

#include "client_impl.h"
#include "mqchat/client.h"

namespace mqchat::sdk {

// A completion that fulfils a future; `start` is given it.
template <typename T, typename StartFn>
std::future<T> FutureOf(StartFn&& start) {
  auto promise = std::make_shared<std::promise<T>>();
  auto future = promise->get_future();
  start([promise](T r) { promise->set_value(std::move(r)); });
  return future;
}

// A completion that runs the app's callback on the callback thread.
template <typename T>
Done<T> OnCallbackThread(ClientImpl& impl, Callback<T> done) {
  return [dispatcher = &impl.dispatcher(), done = std::move(done)](T r) {
    if (done) dispatcher->Run([done, r = std::move(r)] { done(r); });
  };
}

}  // namespace mqchat::sdk
