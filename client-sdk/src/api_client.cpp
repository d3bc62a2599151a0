// ApiClient and TokenSource (mqchat/api_client.h): JSON over HTTP(S) with libcurl's easy
// interface, one handle per ApiClient; the paths and field names from protocol/http_api.h.
#include "mqchat/api_client.h"

#include <curl/curl.h>
#include <unistd.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "protocol/attachment_api.h"
#include "protocol/http_api.h"

namespace mqchat {
namespace {

using nlohmann::json;
namespace http = protocol::http;

constexpr size_t kMaxResponseBytes = 1 << 20;  // no JSON answer of the service comes near this
constexpr size_t kMaxDownloadBytes = size_t{1} << 30;  // the service's largest max_attachment_bytes

struct Sink {
  std::string body;
  size_t limit = kMaxResponseBytes;
};

size_t Collect(char* data, size_t size, size_t count, void* out) {
  auto* sink = static_cast<Sink*>(out);
  const size_t n = size * count;
  if (sink->body.size() + n > sink->limit) return 0;  // curl fails the transfer
  sink->body.append(data, n);
  return n;
}

Result<ApiAttachment> DecodeAttachment(const json& body) {
  ApiAttachment a;
  namespace f = http::field;
  if (!body.is_object() || !body.contains(f::kId) || !body[f::kId].is_string() ||
      !body.contains(f::kUrl) || !body[f::kUrl].is_string()) {
    return Status::Internal("malformed attachment");
  }
  a.id = body[f::kId].get<std::string>();
  a.url = body[f::kUrl].get<std::string>();
  a.name = body.value(std::string(f::kName), std::string());
  a.content_type = body.value(std::string(f::kContentType), std::string());
  a.size = body.value(std::string(f::kSize), int64_t{0});
  a.width = body.value(std::string(f::kWidth), 0);
  a.height = body.value(std::string(f::kHeight), 0);
  a.expires_at_ms = body.value(std::string(f::kExpiresAtMs), int64_t{0});
  auto thumb = body.find(std::string(f::kThumbnail));
  if (thumb != body.end() && thumb->is_object()) {
    a.thumbnail_url = thumb->value(std::string(f::kUrl), std::string());
    a.thumbnail_width = thumb->value(std::string(f::kWidth), 0);
    a.thumbnail_height = thumb->value(std::string(f::kHeight), 0);
  }
  return a;
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
  std::string ca_file;  // empty: the system's trust store
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy{nullptr, &curl_easy_cleanup};

  // One request with a JSON body (or none); the ok body parsed, else the service's error.
  Result<json> Call(const char* method, std::string_view path, const json* body,
                    const std::string& bearer = "") {
    const std::string payload = body != nullptr ? body->dump() : std::string();
    MQCHAT_ASSIGN_OR_RETURN(std::string response,
                            Raw(method, path, bearer, body != nullptr ? &payload : nullptr,
                                "application/json", kMaxResponseBytes));
    auto parsed = json::parse(response.empty() ? std::string("{}") : response, nullptr, false);
    if (parsed.is_discarded()) {
      return Status::Internal(std::string(path) + ": the service's answer is not JSON");
    }
    return parsed;
  }

  // One request; the ok body as is (at most `limit` bytes), else the service's error.
  Result<std::string> Raw(const char* method, std::string_view path, const std::string& bearer,
                          const std::string* payload, const char* content_type, size_t limit) {
    CURL* e = easy.get();
    curl_easy_reset(e);
    const std::string url = base_url + std::string(path);
    Sink response;
    response.limit = limit;
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Accept: application/json");
    if (payload != nullptr) {
      headers = curl_slist_append(headers, ("Content-Type: " + std::string(content_type)).c_str());
    }
    if (!bearer.empty()) {
      headers = curl_slist_append(headers, ("Authorization: Bearer " + bearer).c_str());
    }
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(headers,
                                                                           &curl_slist_free_all);
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    // Always verified (libcurl's defaults, set anyway so no reset or build default can drop them).
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, ca_file.c_str());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Collect);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &response);
    if (payload != nullptr) {
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, payload->data());
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload->size()));
    } else if (std::string_view(method) != "GET") {
      // An empty body with Content-Length: 0 (without it the server waits for one).
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t{0});
    }
    const CURLcode rc = curl_easy_perform(e);
    if (rc != CURLE_OK) {
      // Never the body: it may hold a password or token.
      return Status::Unavailable(std::string(method) + " " + std::string(path) + ": " +
                                 curl_easy_strerror(rc));
    }
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) return HttpError(status, response.body);
    return std::move(response.body);
  }
};

Result<std::unique_ptr<ApiClient>> ApiClient::Create(std::string base_url,
                                                     std::chrono::milliseconds timeout,
                                                     std::string ca_file) {
  if (base_url.rfind("http://", 0) != 0 && base_url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("the API URL must start with http:// or https://");
  }
  if (!ca_file.empty() && ::access(ca_file.c_str(), R_OK) != 0) {
    return Status::InvalidArgument("ca_file is not a readable file: " + ca_file);
  }
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
  static std::once_flag global_init;
  std::call_once(global_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  auto impl = std::make_unique<Impl>();
  impl->base_url = std::move(base_url);
  impl->timeout = timeout;
  impl->ca_file = std::move(ca_file);
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

// --- Attachments ---

namespace {
// The path of one upload: kPathUpload with its {id}.
std::string UploadPath(const std::string& id) { return std::string(http::kPathUploads) + "/" + id; }
}  // namespace

Result<ApiAttachment> ApiClient::Upload(const std::string& access_token, const std::string& name,
                                        const std::string& data, const std::string& content_type,
                                        UploadProgress progress) {
  json declare{{http::field::kName, name}, {http::field::kSize, data.size()}};
  if (!content_type.empty()) declare[std::string(http::field::kContentType)] = content_type;
  MQCHAT_ASSIGN_OR_RETURN(json created,
                          impl_->Call("POST", http::kPathUploads, &declare, access_token));
  const std::string id = created.value(std::string(http::field::kId), std::string());
  const int64_t chunk = created.value(std::string(http::field::kChunkBytes), int64_t{0});
  if (id.empty() || chunk <= 0) return Status::Internal("malformed upload");
  const int64_t total = static_cast<int64_t>(data.size());
  int64_t received = 0;
  int failures = 0;
  while (received < total) {
    const std::string piece = data.substr(static_cast<size_t>(received), static_cast<size_t>(chunk));
    const std::string path = UploadPath(id) + "?" + std::string(http::field::kOffset) + "=" +
                             std::to_string(received);
    auto put = impl_->Raw("PUT", path, access_token, &piece, "application/octet-stream",
                          kMaxResponseBytes);
    if (!put.ok()) {
      if (put.status().code() != Code::kUnavailable || ++failures > 3) return put.status();
      // Where did it get to? Go on from there.
      MQCHAT_ASSIGN_OR_RETURN(json state, impl_->Call("GET", UploadPath(id), nullptr, access_token));
      received = state.value(std::string(http::field::kReceived), received);
      continue;
    }
    failures = 0;
    received += static_cast<int64_t>(piece.size());
    if (progress && !progress(received, total)) return Status::Cancelled("upload stopped");
  }
  MQCHAT_ASSIGN_OR_RETURN(json finished,
                          impl_->Call("POST", UploadPath(id) + "/finish", nullptr, access_token));
  return DecodeAttachment(finished);
}

Result<ApiAttachment> ApiClient::Attachment(const std::string& access_token,
                                            const std::string& id) {
  MQCHAT_ASSIGN_OR_RETURN(
      json answer, impl_->Call("GET", "/v1/attachments/" + id, nullptr, access_token));
  return DecodeAttachment(answer);
}

Result<std::string> ApiClient::Download(const std::string& url) {
  // A path on the service, or an absolute URL on its base.
  std::string path = url;
  if (path.rfind(impl_->base_url, 0) == 0) path = path.substr(impl_->base_url.size());
  if (path.rfind(http::kPathFilesPrefix, 0) != 0) {
    return Status::InvalidArgument("not a download link of this service");
  }
  return impl_->Raw("GET", path, "", nullptr, "", kMaxDownloadBytes);
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
