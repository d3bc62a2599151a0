// ApiClient: the SDK's side of the API service (mqchat-api, docs/openapi.yaml): sign-up, login,
// refresh, logout and discovery over HTTP(S) with libcurl, and TokenSource, which keeps a login
// and hands a Client fresh access tokens (ClientOptions::token_provider).
//
// Every ApiClient call blocks on the network (up to the timeout): call it from a thread of your
// own, never a UI thread. Any thread; one call at a time per ApiClient (use one per thread).
// Errors: the service's error code leads the message ("UNAUTHENTICATED: ..."), mapped as
// 401 kUnauthenticated, 403 kPermissionDenied, 404 kNotFound, 409 kAlreadyExists,
// 422 kFailedPrecondition, 400/413/415 kInvalidArgument, 429/503 and network failures
// kUnavailable (retryable), other 5xx kInternal.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mqchat/export.h"
#include "mqchat/status.h"

namespace mqchat {

// A login: the access token is the MQTT password (a JWT whose sub is `username`); the refresh
// token is single use (each refresh returns the next one).
struct ApiSession {
  std::string username;  // the stored spelling: connect with this one
  std::string access_token;
  std::string refresh_token;
  std::chrono::seconds expires_in{0};
};

// An attachment uploaded through the API service (docs/openapi.yaml "Attachment"): its type is
// the one its content has; `url` and `thumbnail_url` are signed for the caller and expire at
// `expires_at_ms` (ask Attachment() for fresh ones). thumbnail_url is "" without a thumbnail.
struct ApiAttachment {
  std::string id;
  std::string name;
  std::string content_type;
  int64_t size = 0;
  int width = 0, height = 0;  // pictures only
  std::string url;            // a path on the service ("/v1/files/...")
  std::string thumbnail_url;
  int thumbnail_width = 0, thumbnail_height = 0;
  int64_t expires_at_ms = 0;
};

// Upload progress: bytes the service has of `total`, called after every chunk (on the
// uploading thread). Return false to stop the upload (it is then kCancelled).
using UploadProgress = std::function<bool(int64_t received, int64_t total)>;

class MQCHAT_SDK_API ApiClient {
 public:
  // `base_url`: "http://host:port" or "https://host[:port]" (no path). kInvalidArgument if it
  // is neither. Over https the service is always verified, as the brokers are
  // (ClientOptions::ca_file): its chain against `ca_file` (PEM of the trusted certificate
  // authorities; empty: the system's trust store) and that its certificate names the host (an
  // IP address needs an IP SAN); otherwise every call fails with kUnavailable.
  // kInvalidArgument if `ca_file` is given but not a readable file.
  static Result<std::unique_ptr<ApiClient>> Create(
      std::string base_url, std::chrono::milliseconds timeout = std::chrono::seconds(10),
      std::string ca_file = "");
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // Creates the account (`invite_code` when the service requires invites; empty otherwise).
  Status Signup(const std::string& username, const std::string& password,
                const std::string& invite_code = "");
  Result<ApiSession> Login(const std::string& username, const std::string& password);
  // Rotates `refresh_token`: the answer carries its successor (keep that one).
  Result<ApiSession> Refresh(const std::string& refresh_token);
  // Ends the login `refresh_token` belongs to.
  Status Logout(const std::string& refresh_token);
  // The brokers the service tells clients to use, best first (mqtt://, ws://, ... URLs).
  Result<std::vector<std::string>> Brokers();

  // Uploads `data` as an attachment named `name` (`content_type`: the claimed type, "" to let
  // the content decide) in chunks of the size the service asks for, reporting progress after
  // each; a chunk that fails on the network is retried (up to 3 times in a row) from what the
  // service says it has. kInvalidArgument for a file over the service's limit or content that
  // is not what `content_type` claims (UNSUPPORTED_MEDIA_TYPE).
  Result<ApiAttachment> Upload(const std::string& access_token, const std::string& name,
                               const std::string& data, const std::string& content_type = "",
                               UploadProgress progress = nullptr);
  // An attachment the caller may read, with fresh signed URLs; kNotFound otherwise.
  Result<ApiAttachment> Attachment(const std::string& access_token, const std::string& id);
  // The bytes behind a signed URL (`url` or `thumbnail_url` of an ApiAttachment).
  // kPermissionDenied for an expired or foreign link.
  Result<std::string> Download(const std::string& url);

 private:
  struct Impl;
  explicit ApiClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Keeps one login and gives out access tokens: the current one while it has more than a margin
// of its lifetime left, else (or when the broker refused it) a fresh one from a refresh. Each
// refresh rotates the refresh token; `on_rotated` gets the new session so the app can store
// the refresh token (never the password). Thread-safe.
class MQCHAT_SDK_API TokenSource {
 public:
  TokenSource(std::shared_ptr<ApiClient> api, ApiSession session,
              std::function<void(const ApiSession&)> on_rotated = nullptr);

  // An access token; `refused`: the last one was refused, so refresh whatever its age.
  // kUnauthenticated when the refresh token is no longer valid (log in again).
  Result<std::string> Token(bool refused);
  // For ClientOptions::Builder::TokenProvider (shares this source's login).
  std::function<Result<std::string>(bool refused)> Provider();
  ApiSession session() const;

 private:
  struct State;
  explicit TokenSource(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace mqchat
