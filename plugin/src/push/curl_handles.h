// RAII for libcurl handles (CURL*, CURLM*, curl_slist*) and for curl_global_init, plus the one
// place CURLcode/CURLMcode become Status. A handle belongs to one thread at a time.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string_view>

#include "mqchat/status.h"

namespace mqchat::push {

struct CurlEasyCleanup {
  void operator()(CURL* easy) const noexcept { curl_easy_cleanup(easy); }
};
struct CurlMultiCleanup {
  void operator()(CURLM* multi) const noexcept { curl_multi_cleanup(multi); }
};
struct CurlSlistFree {
  void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};
using CurlEasyPtr = std::unique_ptr<CURL, CurlEasyCleanup>;
using CurlMultiPtr = std::unique_ptr<CURLM, CurlMultiCleanup>;
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlSlistFree>;

// A reference on libcurl's global state: curl_global_init on Acquire, curl_global_cleanup when
// destroyed (libcurl counts them). Hold one for as long as any handle lives.
class CurlGlobal {
 public:
  static Result<CurlGlobal> Acquire();
  ~CurlGlobal();
  CurlGlobal(CurlGlobal&& other) noexcept : held_(other.held_) { other.held_ = false; }
  CurlGlobal& operator=(CurlGlobal&&) = delete;
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;

 private:
  CurlGlobal() = default;
  bool held_ = false;
};

// OK for CURLE_OK; else kInternal (setup failures are bugs or missing features).
Status CurlStatus(CURLcode code, std::string_view what);
Status CurlMultiStatus(CURLMcode code, std::string_view what);

}  // namespace mqchat::push
