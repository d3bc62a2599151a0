#include "image_type.h"

namespace mqchat::api {
namespace {

bool StartsWith(std::string_view data, std::string_view prefix) {
  return data.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::optional<std::string_view> SniffImageType(std::string_view data) {
  using namespace std::string_view_literals;
  if (StartsWith(data, "\x89PNG\r\n\x1a\n"sv)) return "image/png";
  if (StartsWith(data, "\xff\xd8\xff"sv)) return "image/jpeg";
  if (StartsWith(data, "GIF87a"sv) || StartsWith(data, "GIF89a"sv)) return "image/gif";
  // RIFF <4-byte size> WEBP, then a VP8/VP8L/VP8X chunk.
  if (data.size() >= 16 && StartsWith(data, "RIFF"sv) && data.substr(8, 4) == "WEBP"sv &&
      data.substr(12, 3) == "VP8"sv) {
    return "image/webp";
  }
  return std::nullopt;
}

}  // namespace mqchat::api
