#include "login.h"

#include <variant>

#include "request_body.h"
#include "signup.h"

namespace mqchat::api {
namespace {
using protocol::http::ApiErrorCode;
namespace field = protocol::http::field;
}  // namespace

ApiResponse LoginHandler::Handle(const ApiRequest& request) {
  auto parsed = ParseJsonBody(request, {field::kUsername, field::kPassword});
  if (auto* error = std::get_if<ApiResponse>(&parsed)) return *error;
  const auto& body = std::get<nlohmann::json>(parsed);
  std::string username, password;
  if (auto error = ReadRequiredStrings(
          body, {{field::kUsername, &username}, {field::kPassword, &password}})) {
    return *error;
  }
  if (password.size() > kMaxPasswordBytes) {
    return ErrorResponse(ApiErrorCode::kUnauthenticated, "bad username or password");
  }
  std::string stored_hash;  // empty: unknown, deleted or passwordless (verified against a dummy)
  store::UserState state = store::UserState::kActive;
  {
    auto store = stores_->Acquire();
    if (!store.ok()) return FailureResponse(store.status(), "login store");
    auto user = (*store)->GetUser(username);
    if (user.ok()) {
      stored_hash = user->password_hash;
      state = user->state;
    } else if (user.status().code() != Code::kNotFound) {
      if (user.status().code() == Code::kUnavailable) store->Discard();
      return FailureResponse(user.status(), "login get user");
    }
  }  // the store goes back before the slow part
  auto match = passwords_->Verify(password, stored_hash);
  if (!match.ok() && match.status().code() == Code::kResourceExhausted) {
    return FailureResponse(match.status(), "login verify");
  }
  if (!match.ok() || !*match || state == store::UserState::kDeleted) {
    return ErrorResponse(ApiErrorCode::kUnauthenticated, "bad username or password");
  }
  if (state != store::UserState::kActive) {
    return ErrorResponse(ApiErrorCode::kForbidden, "this account is disabled");
  }
  auto token = tokens_->Issue(username, now_s_());
  if (!token.ok()) return FailureResponse(token.status(), "login issue token");
  return JsonResponse(200, {{std::string(field::kUsername), username},
                            {std::string(field::kAccessToken), token->token},
                            {std::string(field::kTokenType), "Bearer"},
                            {std::string(field::kExpiresIn), token->expires_in_s}});
}

}  // namespace mqchat::api
