// ApiService: the composition root of mqchat-api. Owns the store pool, the password pool and
// the token issuer, and routes each /v1 endpoint to its handler: GET /v1/health, POST
// /v1/signup (signup.h), POST /v1/login, /v1/refresh and /v1/logout (sessions.h), POST
// /v1/password and /v1/logout_all (credentials.h), GET /v1/connect (discovery.h),
// /v1/me and /v1/users/{name}[/avatar] (profiles.h; DELETE /v1/me: account_deletion.h), GET /v1/users
// (user_lookup.h), /v1/me/devices[/{id}] (devices.h), /v1/admin/... (admin.h; groups:
// admin_groups.h; the moderation queue: admin_reports.h), attachments (attachment_service.h);
// browsers of the `cors_origin`s only (cors.h). Bodies are held to max_body_bytes, but for the
// avatar upload (avatar_max_bytes) and upload chunks (upload_chunk_bytes).
// Built once at start; Handle is thread-safe (called from the HTTP threads).
#pragma once

#include <functional>
#include <memory>

#include "access_token.h"
#include "account_deletion.h"
#include "admin.h"
#include "admin_groups.h"
#include "admin_reports.h"
#include "attachment_service.h"
#include "bearer_auth.h"
#include "blob_store.h"
#include "config.h"
#include "cors.h"
#include "credentials.h"
#include "devices.h"
#include "discovery.h"
#include "http_types.h"
#include "password_pool.h"
#include "profiles.h"
#include "router.h"
#include "sessions.h"
#include "signup.h"
#include "store_pool.h"
#include "user_lookup.h"

namespace mqchat::api {

struct ApiServiceOptions {
  int pbkdf2_iterations = 0;  // 0: the plugin's default cost (auth/password_hash.h)
  std::function<int64_t()> now_ms;  // milliseconds since the epoch; null: the system clock
};

class ApiService {
 public:
  // `private_key_pem` is the content of config.jwt_private_key_file. kInvalidArgument if it
  // cannot sign.
  static Result<std::unique_ptr<ApiService>> Create(const ApiConfig& config,
                                                    std::string private_key_pem,
                                                    ApiServiceOptions options = {});

  // Thread-safe. CORS (cors.h) first: a preflight or a refused origin never reaches a handler.
  // Every request is counted and timed (api_metrics.h).
  ApiResponse Handle(const ApiRequest& request) const;
  // A response the HTTP server's gate (request_gate.h) gave `request` before it reached Handle:
  // with the CORS headers a browser of an allowed origin needs to read it, and counted (route
  // "request_gate").
  ApiResponse Refused(const ApiRequest& request, ApiResponse response) const;

 private:
  ApiService(const ApiConfig& config, AccessTokenIssuer tokens, BearerAuth auth,
             BlobStorePtr blobs, AttachmentParts attachment_parts, std::string admin_key,
             ApiServiceOptions options);
  void AddRoutes();
  ApiResponse Answer(const ApiRequest& request) const;  // Handle, but for the metrics

  ApiConfig config_;
  CorsPolicy cors_;
  StorePool stores_;
  PasswordPool passwords_;
  AccessTokenIssuer tokens_;
  BearerAuth auth_;
  BlobStorePtr blobs_;  // null: avatars not configured
  std::unique_ptr<SharedCounts> shared_counts_;  // null without Redis (shared_counts.h)
  LoginLimits signup_limits_;
  SignupHandler signup_;
  LoginLimits login_limits_;
  SessionHandlers sessions_;
  CredentialHandlers credentials_;
  ProfileHandlers profiles_;
  AccountDeletion deletion_;
  UserLookup lookup_;
  DeviceHandlers devices_;
  BrokerDiscovery discovery_;
  AdminHandlers admin_;
  AdminStores admin_stores_;
  AdminGroups admin_groups_;
  AdminReports admin_reports_;
  AttachmentService attachments_;  // /v1/uploads, /v1/attachments, /v1/files (uploads.h)
  Router router_;
};

}  // namespace mqchat::api
