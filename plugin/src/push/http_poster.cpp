#include "push/http_poster.h"

#include <algorithm>
#include <cstring>

namespace mqchat::push {
namespace {

constexpr size_t kMaxResponseBytes = 64 * 1024;  // a gateway's answer is a short JSON object
constexpr int kPollMs = 1000;                    // Interrupt() wakes the poll anyway

size_t AppendResponse(char* data, size_t size, size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  const size_t bytes = size * count;
  if (out->size() < kMaxResponseBytes) {
    out->append(data, std::min(bytes, kMaxResponseBytes - out->size()));
  }
  return bytes;  // the rest is read and dropped, not an error
}

template <typename T>
Status SetOpt(CURL* easy, CURLoption option, T value, const char* name) {
  return CurlStatus(curl_easy_setopt(easy, option, value), name);
}

}  // namespace

struct HttpPoster::Slot {
  CurlEasyPtr easy;
  std::string response;
  size_t index = 0;
  char error[CURL_ERROR_SIZE] = {0};
};

Result<std::unique_ptr<HttpPoster>> HttpPoster::Create(HttpPosterOptions options) {
  if (options.url.rfind("http://", 0) != 0 && options.url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("push gateway URL must start with http:// or https://");
  }
  options.concurrency = std::max(options.concurrency, 1);
  MQCHAT_ASSIGN_OR_RETURN(CurlGlobal global, CurlGlobal::Acquire());
  std::unique_ptr<HttpPoster> poster(new HttpPoster(std::move(options), std::move(global)));
  MQCHAT_RETURN_IF_ERROR(poster->Init());
  return poster;
}

HttpPoster::HttpPoster(HttpPosterOptions options, CurlGlobal global)
    : options_(std::move(options)), global_(std::move(global)) {}

HttpPoster::~HttpPoster() = default;

Status HttpPoster::Init() {
  multi_.reset(curl_multi_init());
  if (!multi_) return Status::Internal("curl_multi_init failed");
  curl_slist* list = curl_slist_append(nullptr, "Content-Type: application/json");
  headers_.reset(list);
  // No "Expect: 100-continue" round trip before the body.
  list = list != nullptr ? curl_slist_append(list, "Expect:") : nullptr;
  if (list == nullptr) return Status::Internal("curl_slist_append failed");
  const long verify = options_.tls_verify ? 1L : 0L;
  for (int i = 0; i < options_.concurrency; ++i) {
    auto slot = std::make_unique<Slot>();
    slot->easy.reset(curl_easy_init());
    CURL* easy = slot->easy.get();
    if (easy == nullptr) return Status::Internal("curl_easy_init failed");
    const long timeout = static_cast<long>(options_.timeout_ms);
    MQCHAT_RETURN_IF_ERROR(SetOpt(easy, CURLOPT_URL, options_.url.c_str(), "URL"));
    MQCHAT_RETURN_IF_ERROR(SetOpt(easy, CURLOPT_PROTOCOLS_STR, "http,https", "PROTOCOLS_STR"));
    MQCHAT_RETURN_IF_ERROR(SetOpt(easy, CURLOPT_POST, 1L, "POST"));
    MQCHAT_RETURN_IF_ERROR(SetOpt(easy, CURLOPT_HTTPHEADER, headers_.get(), "HTTPHEADER"));
    MQCHAT_RETURN_IF_ERROR(SetOpt(easy, CURLOPT_TIMEOUT_MS, timeout, "TIMEOUT_MS"));
    MQCHAT_RETURN_IF_ERROR(SetOpt(easy, CURLOPT_NOSIGNAL, 1L, "NOSIGNAL"));
    MQCHAT_RETURN_IF_ERROR(SetOpt(easy, CURLOPT_SSL_VERIFYPEER, verify, "SSL_VERIFYPEER"));
    MQCHAT_RETURN_IF_ERROR(SetOpt(easy, CURLOPT_SSL_VERIFYHOST, verify * 2, "SSL_VERIFYHOST"));
    MQCHAT_RETURN_IF_ERROR(SetOpt(easy, CURLOPT_USERAGENT, "mqchat-push/1", "USERAGENT"));
    MQCHAT_RETURN_IF_ERROR(SetOpt(easy, CURLOPT_WRITEFUNCTION, &AppendResponse, "WRITEFUNCTION"));
    MQCHAT_RETURN_IF_ERROR(SetOpt(easy, CURLOPT_WRITEDATA, &slot->response, "WRITEDATA"));
    MQCHAT_RETURN_IF_ERROR(SetOpt(easy, CURLOPT_ERRORBUFFER, slot->error, "ERRORBUFFER"));
    MQCHAT_RETURN_IF_ERROR(SetOpt(easy, CURLOPT_PRIVATE, slot.get(), "PRIVATE"));
    slots_.push_back(std::move(slot));
  }
  return Status::Ok();
}

void HttpPoster::Start(Slot& slot, size_t index, const std::string& body) {
  slot.index = index;
  slot.response.clear();
  slot.error[0] = '\0';
  CURL* easy = slot.easy.get();
  // The body stays owned by the caller's vector, alive until PostAll returns.
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.data());
  curl_multi_add_handle(multi_.get(), easy);
}

std::vector<HttpResult> HttpPoster::PostAll(const std::vector<std::string>& bodies) {
  std::vector<HttpResult> results(bodies.size());
  std::vector<Slot*> idle;
  for (auto it = slots_.rbegin(); it != slots_.rend(); ++it) idle.push_back(it->get());
  std::vector<Slot*> busy;
  size_t next = 0;
  auto fill = [&] {
    while (!idle.empty() && next < bodies.size()) {
      Slot* slot = idle.back();
      idle.pop_back();
      Start(*slot, next, bodies[next]);
      ++next;
      busy.push_back(slot);
    }
  };
  fill();
  while (!busy.empty() && !interrupted_.load()) {
    int running = 0;
    curl_multi_perform(multi_.get(), &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Slot* slot = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &slot);
      HttpResult& result = results[slot->index];
      curl_off_t total_us = 0;
      if (curl_easy_getinfo(msg->easy_handle, CURLINFO_TOTAL_TIME_T, &total_us) == CURLE_OK) {
        result.seconds = static_cast<double>(total_us) / 1e6;
      }
      if (msg->data.result == CURLE_OK) {
        result.transport_ok = true;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &result.status);
        result.body = std::move(slot->response);
      } else {
        result.error = slot->error[0] != '\0' ? std::string(slot->error)
                                              : curl_easy_strerror(msg->data.result);
      }
      curl_multi_remove_handle(multi_.get(), msg->easy_handle);
      busy.erase(std::find(busy.begin(), busy.end(), slot));
      idle.push_back(slot);
    }
    fill();
    if (busy.empty()) break;
    curl_multi_poll(multi_.get(), nullptr, 0, kPollMs, nullptr);
  }
  // Interrupted: abandon what is still running.
  for (Slot* slot : busy) {
    curl_multi_remove_handle(multi_.get(), slot->easy.get());
    results[slot->index].error = "interrupted";
  }
  for (size_t i = next; i < bodies.size(); ++i) results[i].error = "interrupted";
  return results;
}

void HttpPoster::Interrupt() {
  interrupted_.store(true);
  curl_multi_wakeup(multi_.get());
}

}  // namespace mqchat::push
