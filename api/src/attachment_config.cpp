#include "attachment_config.h"

#include <string_view>

#include "option_parse.h"

namespace mqchat::api {

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
      {"upload_release_grace_ms", 0, 86400000, &c->release_grace_ms},
  };
  if (key == "attachment_url_secret_file") {
    c->url_secret_file = value;
    return Status::Ok();
  }
  for (const Option& option : options) {
    if (key != option.name) continue;
    Status s = ParseIntOption(key, value, option.min, option.max, option.field);
    c->uploads_per_user = static_cast<int>(per_user);
    return s;
  }
  return std::nullopt;
}

}  // namespace mqchat::api
