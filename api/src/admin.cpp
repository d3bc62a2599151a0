#include "admin.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cctype>
#include <cstring>
#include <fstream>
#include <iterator>
#include <variant>

#include "protocol/identity.h"
#include "protocol/password_policy.h"
#include "request_body.h"

namespace mqchat::api {
namespace {
using protocol::http::ApiErrorCode;
namespace field = protocol::http::field;

constexpr std::string_view kBearer = "Bearer ";

void Digest(std::string_view text, unsigned char out[SHA256_DIGEST_LENGTH]) {
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), out);
}

}  // namespace

ApiResponse AdminUnauthenticated() {
  return ErrorResponse(ApiErrorCode::kUnauthenticated, "a valid admin key is required");
}

Result<std::string> AdminHandlers::LoadKey(const std::string& admin_key_file) {
  if (admin_key_file.empty()) return std::string();
  std::ifstream in(admin_key_file, std::ios::binary);
  if (!in) return Status::InvalidArgument("cannot read admin_key_file " + admin_key_file);
  std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
  if (key.size() < kMinAdminKeyBytes) {
    return Status::InvalidArgument("admin_key_file must hold at least " +
                                   std::to_string(kMinAdminKeyBytes) + " bytes");
  }
  return key;
}

AdminHandlers::AdminHandlers(const std::string& admin_key, StorePool* stores,
                             PasswordPool* passwords, const AccessTokenIssuer* tokens,
                             std::function<int64_t()> now_ms)
    : enabled_(!admin_key.empty()),
      stores_(stores),
      passwords_(passwords),
      tokens_(tokens),
      now_ms_(std::move(now_ms)) {
  Digest(admin_key, key_digest_);
}

bool AdminHandlers::Authorized(const ApiRequest& request) const {
  const std::string& header = request.authorization;
  const bool bearer = header.compare(0, kBearer.size(), kBearer) == 0;
  unsigned char presented[SHA256_DIGEST_LENGTH];
  Digest(bearer ? std::string_view(header).substr(kBearer.size()) : std::string_view(),
         presented);
  // Digests of equal length, compared in constant time: the time says nothing of the key.
  const bool same = CRYPTO_memcmp(presented, key_digest_, sizeof presented) == 0;
  return enabled_ && bearer && same;
}

ApiResponse AdminHandlers::CreateUser(const ApiRequest& request) const {
  if (!Authorized(request)) return AdminUnauthenticated();
  auto parsed = ParseJsonBody(request, {field::kUsername, field::kPassword});
  if (auto* error = std::get_if<ApiResponse>(&parsed)) return *error;
  const auto& body = std::get<nlohmann::json>(parsed);
  std::string username, password;
  if (auto error = ReadRequiredStrings(body, {{field::kUsername, &username}})) return *error;
  if (Status valid = protocol::ValidateAccountName(username); !valid.ok()) {
    return ErrorResponse(ApiErrorCode::kInvalid, valid.message());
  }
  std::string hash;  // empty: a token-only user
  if (body.contains(field::kPassword)) {
    if (auto error = ReadRequiredStrings(body, {{field::kPassword, &password}})) return *error;
    if (auto why = protocol::CheckPasswordPolicy(username, password)) {
      return ErrorResponse(ApiErrorCode::kInvalid, *why);
    }
    auto hashed = passwords_->Hash(password);
    if (!hashed.ok()) return FailureResponse(hashed.status(), "admin hash");
    hash = std::move(*hashed);
  }
  auto store = stores_->Acquire();
  if (!store.ok()) return FailureResponse(store.status(), "admin store");
  auto added = (*store)->AddUser(username, hash);
  if (!added.ok()) {
    if (added.status().code() == Code::kAlreadyExists) {
      return ErrorResponse(ApiErrorCode::kAlreadyExists, "that username is taken");
    }
    if (added.status().code() == Code::kUnavailable) store->Discard();
    return FailureResponse(added.status(), "admin add user");
  }
  return JsonResponse(201, {{std::string(field::kUsername), added->username}});
}

ApiResponse AdminHandlers::DisableUser(const ApiRequest& request) const {
  if (!Authorized(request)) return AdminUnauthenticated();
  if (!request.body.empty()) {
    return ErrorResponse(ApiErrorCode::kBadRequest, "this request takes no body");
  }
  const std::string& name = request.path_params.at(0);
  auto store = stores_->Acquire();
  if (!store.ok()) return FailureResponse(store.status(), "admin store");
  Status s = (*store)->SetState(name, store::UserState::kDisabled);
  if (s.code() == Code::kNotFound) return ErrorResponse(ApiErrorCode::kNotFound, "no such user");
  if (!s.ok()) {
    if (s.code() == Code::kUnavailable) store->Discard();
    return FailureResponse(s, "admin disable user");
  }
  return JsonResponse(200, nlohmann::json::object());
}

ApiResponse AdminHandlers::MintToken(const ApiRequest& request) const {
  if (!Authorized(request)) return AdminUnauthenticated();
  if (!request.body.empty()) {
    return ErrorResponse(ApiErrorCode::kBadRequest, "this request takes no body");
  }
  const std::string& name = request.path_params.at(0);
  auto store = stores_->Acquire();
  if (!store.ok()) return FailureResponse(store.status(), "admin store");
  auto user = (*store)->GetUser(name);
  if (!user.ok() && user.status().code() != Code::kNotFound) {
    if (user.status().code() == Code::kUnavailable) store->Discard();
    return FailureResponse(user.status(), "admin get user");
  }
  if (!user.ok() || user->state == store::UserState::kDeleted) {
    return ErrorResponse(ApiErrorCode::kNotFound, "no such user");
  }
  if (user->state != store::UserState::kActive) {
    return ErrorResponse(ApiErrorCode::kForbidden, "the account is disabled");
  }
  auto token = tokens_->Issue(user->username, now_ms_());
  if (!token.ok()) return FailureResponse(token.status(), "admin issue access token");
  return JsonResponse(200, {{std::string(field::kUsername), user->username},
                            {std::string(field::kAccessToken), token->token},
                            {std::string(field::kTokenType), "Bearer"},
                            {std::string(field::kExpiresIn), token->expires_in_s}});
}

}  // namespace mqchat::api
