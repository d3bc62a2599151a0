#include "api_service.h"

#include <chrono>

#include "auth/password_hash.h"

namespace mqchat::api {
namespace {
namespace http = protocol::http;
namespace field = protocol::http::field;

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

Result<std::unique_ptr<ApiService>> ApiService::Create(const ApiConfig& config,
                                                       std::string private_key_pem,
                                                       ApiServiceOptions options) {
  auto tokens = AccessTokenIssuer::Create(std::move(private_key_pem), config.jwt_issuer,
                                          config.jwt_audience, config.access_token_ttl_s);
  if (!tokens.ok()) return tokens.status();
  if (options.pbkdf2_iterations == 0) options.pbkdf2_iterations = auth::kDefaultPbkdf2Iterations;
  if (!options.now_ms) options.now_ms = SystemNowMs;
  return std::unique_ptr<ApiService>(new ApiService(config, std::move(*tokens), options));
}

ApiService::ApiService(const ApiConfig& config, AccessTokenIssuer tokens,
                       ApiServiceOptions options)
    : config_(config),
      cors_(config.cors_origins),
      stores_(config.store, config.store_connections),
      passwords_(config.hash_workers, config.hash_queue, options.pbkdf2_iterations),
      tokens_(std::move(tokens)),
      signup_(config.signup, &stores_, &passwords_, options.now_ms),
      sessions_(&stores_, &passwords_, &tokens_, RefreshTokens(config.refresh_token_ttl_s * 1000),
                options.now_ms),
      credentials_(&stores_, &passwords_, RefreshTokens(config.refresh_token_ttl_s * 1000),
                   options.now_ms) {
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
              [this](const ApiRequest&) { return Connect(); });
}

ApiResponse ApiService::Handle(const ApiRequest& request) const {
  if (auto answered = cors_.Intercept(request)) return *answered;
  ApiResponse response = router_.Dispatch(request);
  cors_.Decorate(request, &response);
  return response;
}

ApiResponse ApiService::Connect() const {
  nlohmann::json brokers = nlohmann::json::array();
  for (const auto& url : config_.brokers) brokers.push_back({{std::string(field::kUrl), url}});
  return JsonResponse(200, {{std::string(field::kBrokers), brokers}});
}

}  // namespace mqchat::api
