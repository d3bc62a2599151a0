#include "api_service.h"

#include <algorithm>
#include <chrono>
#include <iostream>

#include "api_metrics.h"
#include "auth/password_hash.h"
#include "local_blob_store.h"
#include "protocol/admin_api.h"

namespace mqchat::api {
namespace {
namespace http = protocol::http;

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

Result<std::unique_ptr<ApiService>> ApiService::Create(const ApiConfig& config,
                                                       std::string private_key_pem,
                                                       ApiServiceOptions options) {
  // Before the issuer takes the key: verification uses its public half.
  auto bearer = BearerAuth::Create(private_key_pem, config.jwt_issuer, config.jwt_audience);
  if (!bearer.ok()) return bearer.status();
  auto tokens = AccessTokenIssuer::Create(std::move(private_key_pem), config.jwt_issuer,
                                          config.jwt_audience, config.access_token_ttl_s);
  if (!tokens.ok()) return tokens.status();
  BlobStorePtr blobs;
  if (!config.blob_dir.empty()) {
    auto opened = LocalBlobStore::Open(config.blob_dir, config.avatar_max_bytes);
    if (!opened.ok()) return opened.status();
    blobs = std::move(*opened);
  } else {
    std::cerr << "mqchat-api: no blob_dir: avatar uploads are refused\n";
  }
  auto attachment_parts = AttachmentService::Prepare(config);
  if (!attachment_parts.ok()) return attachment_parts.status();
  auto admin_key = AdminHandlers::LoadKey(config.admin_key_file);
  if (!admin_key.ok()) return admin_key.status();
  if (options.pbkdf2_iterations == 0) options.pbkdf2_iterations = auth::kDefaultPbkdf2Iterations;
  if (!options.now_ms) options.now_ms = SystemNowMs;
  return std::unique_ptr<ApiService>(new ApiService(config, std::move(*tokens),
                                                    std::move(*bearer), std::move(blobs),
                                                    std::move(*attachment_parts),
                                                    std::move(*admin_key), options));
}

ApiService::ApiService(const ApiConfig& config, AccessTokenIssuer tokens, BearerAuth auth,
                       BlobStorePtr blobs, AttachmentParts attachment_parts,
                       std::string admin_key, ApiServiceOptions options)
    : config_(config),
      cors_(config.cors_origins),
      stores_(config.store, config.store_connections),
      passwords_(PasswordPoolOptions{config.hash_workers, config.hash_queue,
                                     options.pbkdf2_iterations, config.hash_per_prefix,
                                     config.hash_worker_nice, options.now_ms}),
      tokens_(std::move(tokens)),
      auth_(std::move(auth)),
      blobs_(std::move(blobs)),
      shared_counts_(ApiRedisAddress(config)
                         ? std::make_unique<SharedCounts>(*ApiRedisAddress(config))
                         : nullptr),
      signup_limits_({0, config.signup_max_per_address, config.signup_max_per_prefix},
                     config.signup_window_s * 1000, shared_counts_.get(), "signup"),
      signup_(config.signup, &stores_, &passwords_, &signup_limits_, options.now_ms),
      login_limits_({config.login_fail_max, config.login_fail_max, config.login_fail_max_per_prefix},
                    config.login_fail_window_s * 1000, shared_counts_.get(), "login"),
      sessions_(&stores_, &passwords_, &login_limits_, &tokens_,
                RefreshTokens(config.refresh_token_ttl_s * 1000), options.now_ms),
      credentials_(&stores_, &passwords_, RefreshTokens(config.refresh_token_ttl_s * 1000),
                   options.now_ms),
      profiles_(&stores_, &auth_, blobs_.get(), config.avatar_max_bytes, options.now_ms),
      deletion_(&stores_, &auth_, &passwords_, blobs_.get(), options.now_ms),
      lookup_(&stores_, &auth_, config.lookup_per_minute, config.lookup_per_minute_per_address,
              options.now_ms),
      devices_(&stores_, &auth_, options.now_ms),
      discovery_(ApiRedisAddress(config), config.brokers, config.discovery_cache_ms, options.now_ms),
      admin_(admin_key, &stores_, &passwords_, &tokens_, options.now_ms),
      admin_stores_(config.store),
      admin_groups_(&admin_, &admin_stores_, config.max_group_members, options.now_ms),
      admin_reports_(&admin_, &admin_stores_, options.now_ms),
      attachments_(std::move(attachment_parts), config.attachments, &stores_, &auth_,
                   options.now_ms) {
  AddRoutes();
}

void ApiService::AddRoutes() {
  router_.Add("GET", std::string(http::kPathHealth),
              [](const ApiRequest&) { return JsonResponse(200, {{"status", "ok"}}); });
  router_.Add("POST", std::string(http::kPathSignup),
              [this](const ApiRequest& r) { return signup_.Handle(r); });
  router_.Add("POST", std::string(http::kPathLogin),
              [this](const ApiRequest& r) { return sessions_.Login(r); });
  router_.Add("POST", std::string(http::kPathRefresh),
              [this](const ApiRequest& r) { return sessions_.Refresh(r); });
  router_.Add("POST", std::string(http::kPathLogout),
              [this](const ApiRequest& r) { return sessions_.Logout(r); });
  router_.Add("POST", std::string(http::kPathPassword),
              [this](const ApiRequest& r) { return credentials_.ChangePassword(r); });
  router_.Add("POST", std::string(http::kPathLogoutAll),
              [this](const ApiRequest& r) { return credentials_.LogoutAll(r); });
  router_.Add("GET", std::string(http::kPathConnect),
              [this](const ApiRequest&) { return discovery_.Handle(); });
  router_.Add("GET", std::string(http::kPathMe),
              [this](const ApiRequest& r) { return profiles_.GetMe(r); });
  router_.Add("PATCH", std::string(http::kPathMe),
              [this](const ApiRequest& r) { return profiles_.PatchMe(r); });
  router_.Add("DELETE", std::string(http::kPathMe),
              [this](const ApiRequest& r) { return deletion_.Handle(r); });
  router_.Add("PUT", std::string(http::kPathMyAvatar),
              [this](const ApiRequest& r) { return profiles_.PutAvatar(r); });
  router_.Add("DELETE", std::string(http::kPathMyAvatar),
              [this](const ApiRequest& r) { return profiles_.DeleteAvatar(r); });
  router_.Add("GET", std::string(http::kPathUser),
              [this](const ApiRequest& r) { return profiles_.GetUser(r); });
  router_.Add("GET", std::string(http::kPathUserAvatar),
              [this](const ApiRequest& r) { return profiles_.GetAvatar(r); });
  router_.Add("GET", std::string(http::kPathUsers),
              [this](const ApiRequest& r) { return lookup_.Handle(r); });
  router_.Add("GET", std::string(http::kPathMyDevices),
              [this](const ApiRequest& r) { return devices_.List(r); });
  router_.Add("DELETE", std::string(http::kPathMyDevice),
              [this](const ApiRequest& r) { return devices_.SignOut(r); });
  router_.Add("POST", std::string(http::kPathAdminUsers),
              [this](const ApiRequest& r) { return admin_.CreateUser(r); });
  router_.Add("POST", std::string(http::kPathAdminUserDisable),
              [this](const ApiRequest& r) { return admin_.DisableUser(r); });
  router_.Add("POST", std::string(http::kPathAdminUserTokens),
              [this](const ApiRequest& r) { return admin_.MintToken(r); });
  router_.Add("POST", std::string(http::kPathAdminGroups),
              [this](const ApiRequest& r) { return admin_groups_.Create(r); });
  router_.Add("GET", std::string(http::kPathAdminGroupMembers),
              [this](const ApiRequest& r) { return admin_groups_.Members(r); });
  router_.Add("POST", std::string(http::kPathAdminGroupMembers),
              [this](const ApiRequest& r) { return admin_groups_.AddMembers(r); });
  router_.Add("DELETE", std::string(http::kPathAdminGroupMember),
              [this](const ApiRequest& r) { return admin_groups_.RemoveMember(r); });
  router_.Add("GET", std::string(http::kPathAdminReports),
              [this](const ApiRequest& r) { return admin_reports_.List(r); });
  router_.Add("GET", std::string(http::kPathAdminReport),
              [this](const ApiRequest& r) { return admin_reports_.Get(r); });
  router_.Add("POST", std::string(http::kPathAdminReportResolve),
              [this](const ApiRequest& r) { return admin_reports_.Resolve(r); });
  attachments_.AddRoutes(&router_);
}

ApiResponse ApiService::Handle(const ApiRequest& request) const {
  const auto started = std::chrono::steady_clock::now();
  ApiResponse response = Answer(request);
  CountRequest(router_.RouteOf(request.path), request, response,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return response;
}

ApiResponse ApiService::Refused(const ApiRequest& request, ApiResponse response) const {
  cors_.Decorate(request, &response);
  CountRequest("request_gate", request, response, 0);
  return response;
}

ApiResponse ApiService::Answer(const ApiRequest& request) const {
  if (auto answered = cors_.Intercept(request)) return *answered;
  // The HTTP layer admits bodies up to the larger limit; only the avatar upload may use it.
  const bool avatar = (request.method == "PUT" && request.path == http::kPathMyAvatar) ||
                      AttachmentService::TakesLargeBody(request);
  ApiResponse response =
      !avatar && request.body.size() > config_.max_body_bytes
          ? ErrorResponse(http::ApiErrorCode::kTooLarge, "the request body is too large")
          : router_.Dispatch(request);
  cors_.Decorate(request, &response);
  return response;
}

}  // namespace mqchat::api
