#include "admin_reports.h"

#include <optional>
#include <string>
#include <variant>

#include "moderation.h"
#include "protocol/admin_api.h"
#include "protocol/ids.h"
#include "request_body.h"

namespace mqchat::api {
namespace {
using protocol::http::ApiErrorCode;
namespace field = protocol::http::field;

ApiResponse NoSuchReport() { return ErrorResponse(ApiErrorCode::kNotFound, "no such report"); }

ApiResponse Failed(const Status& s, AdminLease* lease, std::string_view what) {
  if (s.code() == Code::kUnavailable) lease->Discard();
  return FailureResponse(s, what);
}

// Reads an optional boolean field of `body` into `*out`; the 400 if it is not a boolean.
std::optional<ApiResponse> ReadOptionalBool(const nlohmann::json& body, std::string_view name,
                                            bool* out) {
  auto it = body.find(name);
  if (it == body.end()) return std::nullopt;
  if (!it->is_boolean()) {
    return ErrorResponse(ApiErrorCode::kBadRequest, std::string(name) + " must be a boolean");
  }
  *out = it->get<bool>();
  return std::nullopt;
}

}  // namespace

ApiResponse AdminReports::List(const ApiRequest& request) {
  if (!admin_->Authorized(request)) return AdminUnauthenticated();
  bool open_only = false;
  for (const auto& [key, value] : request.query) {
    if (key != "open" || (value != "true" && value != "false")) {
      return ErrorResponse(ApiErrorCode::kBadRequest,
                           "the only query parameter is open=true or open=false");
    }
    open_only = value == "true";
  }
  auto lease = stores_->Acquire();
  if (!lease.ok()) return FailureResponse(lease.status(), "admin store");
  auto listed = lease->reports().ListReports(open_only);
  if (!listed.ok()) return Failed(listed.status(), &*lease, "admin list reports");
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : *listed) out.push_back(moderation::ReportJson(r));
  return JsonResponse(200, {{std::string(field::kReports), std::move(out)}});
}

ApiResponse AdminReports::Get(const ApiRequest& request) {
  if (!admin_->Authorized(request)) return AdminUnauthenticated();
  auto id = protocol::ParseId(request.path_params.at(0));
  if (!id) return NoSuchReport();
  auto lease = stores_->Acquire();
  if (!lease.ok()) return FailureResponse(lease.status(), "admin store");
  auto report = moderation::FindReport(lease->reports(), *id);
  if (!report.ok()) {
    if (report.status().code() == Code::kNotFound) return NoSuchReport();
    return Failed(report.status(), &*lease, "admin read report");
  }
  return JsonResponse(200, {{std::string(field::kReport), moderation::ReportJson(*report)}});
}

ApiResponse AdminReports::Resolve(const ApiRequest& request) {
  if (!admin_->Authorized(request)) return AdminUnauthenticated();
  auto parsed =
      ParseJsonBody(request, {field::kNote, field::kDeleteMessage, field::kDisableUser});
  if (auto* error = std::get_if<ApiResponse>(&parsed)) return *error;
  const auto& body = std::get<nlohmann::json>(parsed);
  moderation::Resolution how;
  if (body.contains(field::kNote)) {
    if (auto error = ReadRequiredStrings(body, {{field::kNote, &how.note}})) return *error;
    if (how.note.size() > kMaxReportNoteBytes) {
      return ErrorResponse(ApiErrorCode::kInvalid, "note has more than " +
                                                       std::to_string(kMaxReportNoteBytes) +
                                                       " bytes");
    }
  }
  if (auto error = ReadOptionalBool(body, field::kDeleteMessage, &how.delete_message)) {
    return *error;
  }
  if (auto error = ReadOptionalBool(body, field::kDisableUser, &how.disable_user)) return *error;
  auto id = protocol::ParseId(request.path_params.at(0));
  if (!id) return NoSuchReport();
  auto lease = stores_->Acquire();
  if (!lease.ok()) return FailureResponse(lease.status(), "admin store");
  const moderation::Stores stores{lease->reports(), lease->chat(), lease->accounts(),
                                  lease->user_data(), ids_};
  auto done = moderation::ResolveReport(stores, *id, how, now_ms_());
  if (!done.ok()) {
    switch (done.status().code()) {
      case Code::kNotFound:
        return ErrorResponse(ApiErrorCode::kNotFound, done.status().message());
      case Code::kInvalidArgument:
        return ErrorResponse(ApiErrorCode::kInvalid, done.status().message());
      default:
        return Failed(done.status(), &*lease, "admin resolve report");
    }
  }
  auto report = moderation::FindReport(lease->reports(), *id);
  if (!report.ok()) return Failed(report.status(), &*lease, "admin read report");
  return JsonResponse(200, {{std::string(field::kReport), moderation::ReportJson(*report)}});
}

}  // namespace mqchat::api
