// ApiClient and TokenSource (mqchat/api_client.h): JSON over HTTP(S) with libcurl's easy
// interface, one handle per ApiClient; the paths and field names from protocol/http_api.h.
#include "mqchat/api_client.h"

#include <curl/curl.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "protocol/http_api.h"

namespace mqchat {
namespace {

using nlohmann::json;
namespace http = protocol::http;

constexpr size_t kMaxResponseBytes = 1 << 20;  // no answer of the service comes near this

size_t Collect(char* data, size_t size, size_t count, void* out) {
  auto* body = static_cast<std::string*>(out);
  const size_t n = size * count;
  if (body->size() + n > kMaxResponseBytes) return 0;  // curl fails the transfer
  body->append(data, n);
  return n;
}

// The service's error body in a Status of the documented code.
Status HttpError(long status, const std::string& body) {
  std::string message = "HTTP " + std::to_string(status);
  auto parsed = json::parse(body, nullptr, false);
  if (parsed.is_object() && parsed.contains(http::field::kError)) {
    const json& error = parsed[http::field::kError];
    if (error.is_object()) {
      message = error.value(std::string(http::field::kCode), message) + ": " +
                error.value(std::string(http::field::kMessage), std::string());
    }
  }
  switch (status) {
    case 400:
    case 413:
    case 415:
      return Status::InvalidArgument(message);
    case 401:
      return Status::Unauthenticated(message);
    case 403:
      return Status::PermissionDenied(message);
    case 404:
      return Status::NotFound(message);
    case 409:
      return Status::AlreadyExists(message);
    case 422:
      return Status::FailedPrecondition(message);
    case 429:
    case 503:
      return Status::Unavailable(message);
    default:
      return status >= 500 ? Status::Internal(message) : Status::InvalidArgument(message);
  }
}

Result<ApiSession> DecodeSession(const json& body) {
  ApiSession s;
  if (!body.is_object()) return Status::Internal("malformed session: not an object");
  auto text = [&](std::string_view key, std::string* out) {
    auto it = body.find(std::string(key));
    if (it == body.end() || !it->is_string()) return false;
    *out = it->get<std::string>();
    return !out->empty();
  };
  if (!text(http::field::kUsername, &s.username) ||
      !text(http::field::kAccessToken, &s.access_token) ||
      !text(http::field::kRefreshToken, &s.refresh_token)) {
    return Status::Internal("malformed session: a token or the username is missing");
  }
  auto ttl = body.find(std::string(http::field::kExpiresIn));
  if (ttl == body.end() || !ttl->is_number_integer() || ttl->get<int64_t>() <= 0 ||
      ttl->get<int64_t>() > 366LL * 86400) {
    return Status::Internal("malformed session: bad expires_in");
  }
  s.expires_in = std::chrono::seconds(ttl->get<int64_t>());
  return s;
}

}  // namespace

struct ApiClient::Impl {
  std::string base_url;
  std::chrono::milliseconds timeout;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy{nullptr, &curl_easy_cleanup};

  // One request; the ok body parsed, else the service's error.
  Result<json> Call(const char* method, std::string_view path, const json* body) {
    CURL* e = easy.get();
    curl_easy_reset(e);
    const std::string url = base_url + std::string(path);
    std::string payload = body != nullptr ? body->dump() : std::string();
    std::string response;
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Accept: application/json");
    if (body != nullptr) headers = curl_slist_append(headers, "Content-Type: application/json");
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(headers,
                                                                           &curl_slist_free_all);
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Collect);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &response);
    if (body != nullptr) {
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, payload.c_str());
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
    }
    const CURLcode rc = curl_easy_perform(e);
    if (rc != CURLE_OK) {
      // Never the body: it may hold a password or token.
      return Status::Unavailable(std::string(method) + " " + std::string(path) + ": " +
                                 curl_easy_strerror(rc));
    }
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) return HttpError(status, response);
    auto parsed = json::parse(response.empty() ? std::string("{}") : response, nullptr, false);
    if (parsed.is_discarded()) {
      return Status::Internal(std::string(path) + ": the service's answer is not JSON");
    }
    return parsed;
  }
};

Result<std::unique_ptr<ApiClient>> ApiClient::Create(std::string base_url,
                                                     std::chrono::milliseconds timeout) {
  if (base_url.rfind("http://", 0) != 0 && base_url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("the API URL must start with http:// or https://");
  }
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
  static std::once_flag global_init;
  std::call_once(global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  auto impl = std::make_unique<Impl>();
  impl->base_url = std::move(base_url);
  impl->timeout = timeout;
  impl->easy.reset(curl_easy_init());
  if (!impl->easy) return Status::Internal("curl_easy_init failed");
  return std::unique_ptr<ApiClient>(new ApiClient(std::move(impl)));
}

ApiClient::ApiClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ApiClient::~ApiClient() = default;

Status ApiClient::Signup(const std::string& username, const std::string& password,
                         const std::string& invite_code) {
  json body{{http::field::kUsername, username}, {http::field::kPassword, password}};
  if (!invite_code.empty()) body[std::string(http::field::kInviteCode)] = invite_code;
  return impl_->Call("POST", http::kPathSignup, &body).status();
}

Result<ApiSession> ApiClient::Login(const std::string& username, const std::string& password) {
  const json body{{http::field::kUsername, username}, {http::field::kPassword, password}};
  MQCHAT_ASSIGN_OR_RETURN(json answer, impl_->Call("POST", http::kPathLogin, &body));
  return DecodeSession(answer);
}

Result<ApiSession> ApiClient::Refresh(const std::string& refresh_token) {
  const json body{{http::field::kRefreshToken, refresh_token}};
  MQCHAT_ASSIGN_OR_RETURN(json answer, impl_->Call("POST", http::kPathRefresh, &body));
  return DecodeSession(answer);
}

Status ApiClient::Logout(const std::string& refresh_token) {
  const json body{{http::field::kRefreshToken, refresh_token}};
  return impl_->Call("POST", http::kPathLogout, &body).status();
}

Result<std::vector<std::string>> ApiClient::Brokers() {
  MQCHAT_ASSIGN_OR_RETURN(json answer, impl_->Call("GET", http::kPathConnect, nullptr));
  std::vector<std::string> urls;
  auto list = answer.find(std::string(http::field::kBrokers));
  if (list == answer.end() || !list->is_array()) {
    return Status::Internal("malformed broker list");
  }
  for (const json& b : *list) {
    if (b.is_object() && b.contains(http::field::kUrl) && b[http::field::kUrl].is_string()) {
      urls.push_back(b[http::field::kUrl].get<std::string>());
    }
  }
  return urls;
}

// --- TokenSource ---

struct TokenSource::State {
  std::shared_ptr<ApiClient> api;
  std::function<void(const ApiSession&)> on_rotated;
  std::mutex mu;
  ApiSession session;
  std::chrono::steady_clock::time_point expires_at;
};

TokenSource::TokenSource(std::shared_ptr<ApiClient> api, ApiSession session,
                         std::function<void(const ApiSession&)> on_rotated)
    : state_(std::make_shared<State>()) {
  state_->api = std::move(api);
  state_->on_rotated = std::move(on_rotated);
  state_->expires_at = std::chrono::steady_clock::now() + session.expires_in;
  state_->session = std::move(session);
}

Result<std::string> TokenSource::Token(bool refused) {
  std::lock_guard<std::mutex> lock(state_->mu);
  const auto now = std::chrono::steady_clock::now();
  // A token with less than a tenth of its life (and at least 30 s) left is renewed first: it
  // could expire between the CONNECT and the broker's check.
  const auto margin =
      std::max<std::chrono::steady_clock::duration>(std::chrono::seconds(30),
                                                    state_->session.expires_in / 10);
  if (!refused && !state_->session.access_token.empty() && now + margin < state_->expires_at) {
    return state_->session.access_token;
  }
  if (state_->session.refresh_token.empty()) {
    return Status::Unauthenticated("no login to refresh: log in again");
  }
  auto fresh = state_->api->Refresh(state_->session.refresh_token);
  if (!fresh.ok()) {
    // A refused refresh token will never work again; drop it so no one retries it.
    if (fresh.status().code() == Code::kUnauthenticated) state_->session.refresh_token.clear();
    return fresh.status();
  }
  state_->session = std::move(*fresh);
  state_->expires_at = now + state_->session.expires_in;
  if (state_->on_rotated) state_->on_rotated(state_->session);
  return state_->session.access_token;
}

std::function<Result<std::string>(bool refused)> TokenSource::Provider() {
  return [state = state_](bool refused) {
    TokenSource source(state);
    return source.Token(refused);
  };
}

ApiSession TokenSource::session() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->session;
}

}  // namespace mqchat
