#include "attachment_config.h"

#include <string_view>

namespace mqchat::api {
namespace {

Status ParseRange(const std::string& key, const std::string& value, int64_t min, int64_t max,
                  int64_t* out) {
  size_t used = 0;
  int64_t parsed = 0;
  try {
    parsed = std::stoll(value, &used, 10);
  } catch (...) {
    used = 0;
  }
  if (used == 0 || used != value.size() || parsed < min || parsed > max) {
    return Status::InvalidArgument(key + " must be an integer in " + std::to_string(min) + ".." +
                                   std::to_string(max) + " (got '" + value + "')");
  }
  *out = parsed;
  return Status::Ok();
}

}  // namespace

std::optional<Status> ApplyAttachmentOption(const std::string& key, const std::string& value,
                                            AttachmentConfig* c) {
  constexpr int64_t kMax = int64_t{1} << 50;
  struct Option {
    std::string_view name;
    int64_t min, max;
    int64_t* field;
  };
  int64_t per_user = c->uploads_per_user;
  const Option options[] = {
      {"max_attachment_bytes", 1024, int64_t{1} << 30, &c->max_attachment_bytes},
      {"upload_chunk_bytes", 65536, 16 * 1024 * 1024, &c->chunk_bytes},
      {"uploads_per_user", 1, 1000, &per_user},
      {"upload_min_free_bytes", 0, kMax, &c->min_free_bytes},
      {"attachment_url_ttl_s", 10, 86400, &c->url_ttl_s},
      {"upload_ttl_s", 60, kMax, &c->unreferenced_ttl_s},
      {"upload_sweep_ms", 100, 3600000, &c->sweep_interval_ms},
  };
  if (key == "attachment_url_secret_file") {
    c->url_secret_file = value;
    return Status::Ok();
  }
  for (const Option& option : options) {
    if (key != option.name) continue;
    Status s = ParseRange(key, value, option.min, option.max, option.field);
    c->uploads_per_user = static_cast<int>(per_user);
    return s;
  }
  return std::nullopt;
}

}  // namespace mqchat::api
