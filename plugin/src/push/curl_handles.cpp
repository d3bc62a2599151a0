#include "push/curl_handles.h"

#include <string>

namespace mqchat::push {

Result<CurlGlobal> CurlGlobal::Acquire() {
  // Thread-safe in libcurl >= 7.84 (Debian 12 ships 7.88); called at plugin start anyway.
  MQCHAT_RETURN_IF_ERROR(CurlStatus(curl_global_init(CURL_GLOBAL_DEFAULT), "curl_global_init"));
  CurlGlobal global;
  global.held_ = true;
  return global;
}

CurlGlobal::~CurlGlobal() {
  if (held_) curl_global_cleanup();
}

Status CurlStatus(CURLcode code, std::string_view what) {
  if (code == CURLE_OK) return Status::Ok();
  return Status::Internal(std::string(what) + ": " + curl_easy_strerror(code));
}

Status CurlMultiStatus(CURLMcode code, std::string_view what) {
  if (code == CURLM_OK) return Status::Ok();
  return Status::Internal(std::string(what) + ": " + curl_multi_strerror(code));
}

}  // namespace mqchat::push
