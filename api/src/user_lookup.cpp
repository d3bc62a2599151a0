#include "user_lookup.h"

#include <algorithm>

#include "profiles.h"
#include "protocol/identity.h"

namespace mqchat::api {
namespace {
using protocol::http::ApiErrorCode;
namespace field = protocol::http::field;

constexpr int64_t kMinuteMs = 60000;

struct Query {
  std::string key;
  bool exact = false;
};

// The lookup a query string asks for, or the 400 to answer.
std::variant<Query, ApiResponse> ParseQuery(const ApiRequest& request) {
  if (request.query.size() != 1 ||
      (request.query[0].first != field::kPrefix && request.query[0].first != field::kName)) {
    return ErrorResponse(ApiErrorCode::kBadRequest,
                         "give exactly one of the query parameters prefix or name");
  }
  const auto& [key, value] = request.query[0];
  Query query{protocol::UsernameKey(value), key == field::kName};
  // A prefix follows the name rules, so it is one too (just maybe not a whole one).
  if (!protocol::ValidateUsername(value).ok()) {
    return ErrorResponse(ApiErrorCode::kBadRequest, std::string(key) + " is not a valid name");
  }
  if (!query.exact && value.size() < kMinLookupPrefix) {
    return ErrorResponse(ApiErrorCode::kBadRequest,
                         "prefix needs at least " + std::to_string(kMinLookupPrefix) +
                             " characters");
  }
  return query;
}

}  // namespace

UserLookup::UserLookup(StorePool* stores, const BearerAuth* auth, int per_minute,
                       int per_minute_per_address, std::function<int64_t()> now_ms)
    : stores_(stores),
      auth_(auth),
      now_ms_(std::move(now_ms)),
      per_account_(RateLimiter::PerWindow(per_minute, kMinuteMs, 100000)),
      per_address_(RateLimiter::PerWindow(per_minute_per_address, kMinuteMs, 100000)) {}

int64_t UserLookup::Take(const std::string& caller, const std::string& address, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  // Both must allow it before either is charged, so a refusal costs neither budget.
  const int64_t wait =
      std::max(per_account_.WaitMs(caller, 1, now_ms), per_address_.WaitMs(address, 1, now_ms));
  if (wait > 0) return wait;
  per_account_.Charge(caller, 1, now_ms);
  per_address_.Charge(address, 1, now_ms);
  return 0;
}

ApiResponse UserLookup::Handle(const ApiRequest& request) {
  auto query = ParseQuery(request);
  if (auto* error = std::get_if<ApiResponse>(&query)) return *error;
  const int64_t now_ms = now_ms_();
  return ProfileHandlers::WithCaller(
      stores_, auth_, now_ms, request, [&](StoreLease& store, const std::string& caller) {
        if (int64_t wait_ms = Take(caller, request.remote_addr, now_ms); wait_ms > 0) {
          return RetryLaterResponse(ApiErrorCode::kRateLimited, "too many lookups; retry later",
                                    static_cast<int>((wait_ms + 999) / 1000));
        }
        const Query& q = std::get<Query>(query);
        auto found = store.profiles().FindDiscoverable(q.key, q.exact, kMaxLookupResults);
        if (!found.ok()) return StoreFailure(store, found.status(), "lookup find");
        nlohmann::json users = nlohmann::json::array();
        for (const Profile& profile : *found) users.push_back(ProfileJson(profile, false));
        return JsonResponse(200, {{std::string(field::kUsers), std::move(users)}});
      });
}

}  // namespace mqchat::api
