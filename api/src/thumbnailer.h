// Pictures of an attachment: their dimensions, read from the header of each type image_type.h
// tells (PNG, JPEG, GIF, WebP), and a thumbnail, a JPEG that fits kThumbnailMaxSide, decoded
// with libjpeg-turbo and libpng (docs/ARCHITECTURE.md "Attachments" says why these and not
// libvips). Decoding refuses pictures over kMaxDecodePixels before allocating anything, so a
// small file claiming a huge canvas (a decompression bomb) costs nothing. GIF and WebP get
// dimensions but no thumbnail (clients show the original, which is at most
// max_attachment_bytes). Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mqchat/status.h"

namespace mqchat::api {

inline constexpr int64_t kMaxDecodePixels = 50'000'000;

struct ImageSize {
  int width = 0;
  int height = 0;
};

// The dimensions `type`'s header declares; nullopt if the header is cut short or malformed.
std::optional<ImageSize> ReadImageSize(std::string_view type, std::string_view data);

// `size` scaled to fit a `max_side` square, aspect ratio kept, never enlarged, at least 1x1:
// the size MakeThumbnail gives a picture of `size`.
ImageSize FitWithin(ImageSize size, int max_side);

struct Thumbnail {
  std::string jpeg;
  ImageSize size;
};

// A JPEG of `data` (of `type`) scaled to fit `max_side` (never enlarged). kFailedPrecondition for a
// type without thumbnails, kInvalidArgument for a picture that does not decode or is over
// kMaxDecodePixels.
Result<Thumbnail> MakeThumbnail(std::string_view type, std::string_view data, int max_side);

}  // namespace mqchat::api
