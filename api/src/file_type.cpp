#include "file_type.h"

#include <cctype>

#include "image_type.h"
#include "protocol/attachment_api.h"
#include "protocol/text.h"

namespace mqchat::api {
namespace {
using namespace std::string_view_literals;

bool StartsWith(std::string_view data, std::string_view prefix) {
  return data.substr(0, prefix.size()) == prefix;
}

// Valid UTF-8 without NUL or control characters other than tab, newline, carriage return and
// form feed.
bool IsText(std::string_view data) {
  const protocol::Utf8Scan scan = protocol::ScanUtf8(data);
  if (!scan.valid || scan.has_nul) return false;
  for (unsigned char c : data) {
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

std::string SniffContentType(std::string_view data) {
  if (auto image = SniffImageType(data)) return std::string(*image);
  if (StartsWith(data, "%PDF-"sv)) return "application/pdf";
  if (StartsWith(data, "PK\x03\x04"sv)) return "application/zip";
  if (StartsWith(data, "\x1f\x8b"sv)) return "application/gzip";
  if (data.size() >= 12 && data.substr(4, 4) == "ftyp"sv) {
    return data.substr(8, 2) == "qt"sv ? "video/quicktime" : "video/mp4";
  }
  if (StartsWith(data, "\x1a\x45\xdf\xa3"sv)) return "video/webm";
  if (StartsWith(data, "OggS"sv)) return "audio/ogg";
  if (StartsWith(data, "ID3"sv)) return "audio/mpeg";
  if (data.size() >= 12 && StartsWith(data, "RIFF"sv) && data.substr(8, 4) == "WAVE"sv) {
    return "audio/wav";
  }
  if (!data.empty() && IsText(data)) return "text/plain";
  return std::string(protocol::http::kAnyContentType);
}

std::string NormalizeContentType(std::string_view claimed) {
  std::string out;
  for (char c : claimed.substr(0, claimed.find(';'))) {
    if (c != ' ' && c != '\t') out.push_back(static_cast<char>(std::tolower(
                                   static_cast<unsigned char>(c))));
  }
  if (out == "image/jpg" || out == "image/pjpeg") return "image/jpeg";
  if (out == "application/x-zip-compressed") return "application/zip";
  if (out == "audio/x-wav" || out == "audio/wave") return "audio/wav";
  return out;
}

bool ClaimMatches(std::string_view claimed, std::string_view sniffed) {
  if (claimed == sniffed) return true;
  // A text claim (text/csv, text/markdown, ...) is checked as text.
  if (StartsWith(claimed, "text/"sv) || claimed == "application/json"sv) {
    return sniffed == "text/plain"sv;
  }
  // A type this module recognizes must be what the content is; any other claim (no claim,
  // application/octet-stream, an office format inside a zip) is not checked: the content's type
  // is what gets recorded and served.
  static constexpr std::string_view kKnown[] = {
      "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf",
      "application/zip", "application/gzip", "video/mp4", "video/quicktime", "video/webm",
      "audio/ogg", "audio/mpeg", "audio/wav"};
  for (std::string_view known : kKnown) {
    if (claimed == known) return false;
  }
  return !StartsWith(claimed, "image/"sv);  // an image we cannot tell is refused too
}

}  // namespace mqchat::api
