#include "thumbnailer.h"

// clang-format off
#include <cstdio>   // jpeglib.h needs FILE first
#include <csetjmp>
#include <jpeglib.h>
#include <png.h>
// clang-format on

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace mqchat::api {
namespace {

uint32_t Be16(std::string_view d, size_t at) {
  return (uint32_t{static_cast<uint8_t>(d[at])} << 8) | static_cast<uint8_t>(d[at + 1]);
}
uint32_t Be32(std::string_view d, size_t at) { return (Be16(d, at) << 16) | Be16(d, at + 2); }
uint32_t Le16(std::string_view d, size_t at) {
  return static_cast<uint8_t>(d[at]) | (uint32_t{static_cast<uint8_t>(d[at + 1])} << 8);
}
uint32_t Le24(std::string_view d, size_t at) {
  return Le16(d, at) | (uint32_t{static_cast<uint8_t>(d[at + 2])} << 16);
}

std::optional<ImageSize> Checked(uint32_t width, uint32_t height) {
  if (width == 0 || height == 0 || width > 1000000 || height > 1000000) return std::nullopt;
  return ImageSize{static_cast<int>(width), static_cast<int>(height)};
}

std::optional<ImageSize> JpegSize(std::string_view d) {
  size_t at = 2;  // after SOI
  while (at + 9 < d.size()) {
    if (static_cast<uint8_t>(d[at]) != 0xff) return std::nullopt;
    const uint8_t marker = static_cast<uint8_t>(d[at + 1]);
    if (marker == 0xff) {  // fill byte
      ++at;
      continue;
    }
    // SOF0..SOF15 but DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc) {
      return Checked(Be16(d, at + 7), Be16(d, at + 5));
    }
    at += 2 + Be16(d, at + 2);
  }
  return std::nullopt;
}

std::optional<ImageSize> WebpSize(std::string_view d) {
  if (d.size() < 30) return std::nullopt;
  const std::string_view chunk = d.substr(12, 4);
  if (chunk == "VP8X") return Checked(Le24(d, 24) + 1, Le24(d, 27) + 1);
  if (chunk == "VP8L") {
    const uint32_t bits = static_cast<uint32_t>(Le16(d, 21)) | (Le16(d, 23) << 16);
    return Checked((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
  }
  if (chunk == "VP8 ") return Checked(Le16(d, 26) & 0x3fff, Le16(d, 28) & 0x3fff);
  return std::nullopt;
}

// An RGB picture in memory, 3 bytes a pixel, rows top to bottom.
struct Rgb {
  int width = 0, height = 0;
  std::vector<unsigned char> pixels;
};

struct JpegError {
  jpeg_error_mgr mgr;
  jmp_buf jump;
};

void OnJpegError(j_common_ptr info) {
  std::longjmp(reinterpret_cast<JpegError*>(info->err)->jump, 1);
}

// Decodes with libjpeg's DCT scaling (1/2, 1/4, 1/8) to the smallest size still at least
// `max_side` on the longer side. The setjmp frame holds only plain data: a longjmp skips no
// destructor (`out` is the caller's and stays valid, merely partly filled).
bool DecodeJpeg(std::string_view data, int max_side, Rgb* out) {
  jpeg_decompress_struct info;
  JpegError error;
  info.err = jpeg_std_error(&error.mgr);
  error.mgr.error_exit = OnJpegError;
  if (setjmp(error.jump) != 0) {
    jpeg_destroy_decompress(&info);
    return false;
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, reinterpret_cast<const unsigned char*>(data.data()),
               static_cast<unsigned long>(data.size()));
  jpeg_read_header(&info, TRUE);
  if (int64_t{info.image_width} * info.image_height > kMaxDecodePixels) {
    jpeg_destroy_decompress(&info);
    return false;
  }
  const unsigned longer = std::max(info.image_width, info.image_height);
  unsigned denom = 1;
  while (denom < 8 && longer / (denom * 2) >= static_cast<unsigned>(max_side)) denom *= 2;
  info.scale_num = 1;
  info.scale_denom = denom;
  info.out_color_space = JCS_RGB;
  jpeg_start_decompress(&info);
  out->width = static_cast<int>(info.output_width);
  out->height = static_cast<int>(info.output_height);
  out->pixels.resize(static_cast<size_t>(out->width) * out->height * 3);
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = out->pixels.data() + static_cast<size_t>(info.output_scanline) * out->width * 3;
    jpeg_read_scanlines(&info, &row, 1);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  return true;
}

// libpng's simplified API; transparency is composed over white.
bool DecodePng(std::string_view data, Rgb* out) {
  png_image image;
  std::memset(&image, 0, sizeof(image));
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, data.data(), data.size())) return false;
  if (int64_t{image.width} * image.height > kMaxDecodePixels) {
    png_image_free(&image);
    return false;
  }
  image.format = PNG_FORMAT_RGB;
  out->width = static_cast<int>(image.width);
  out->height = static_cast<int>(image.height);
  out->pixels.resize(PNG_IMAGE_SIZE(image));
  png_color white{255, 255, 255};
  if (!png_image_finish_read(&image, &white, out->pixels.data(), 0, nullptr)) {
    png_image_free(&image);
    return false;
  }
  return true;
}

// Box filter: each output pixel the mean of the source pixels it covers.
Rgb Shrink(const Rgb& in, int max_side) {
  const ImageSize fit = FitWithin({in.width, in.height}, max_side);
  Rgb out;
  out.width = fit.width;
  out.height = fit.height;
  out.pixels.resize(static_cast<size_t>(out.width) * out.height * 3);
  for (int y = 0; y < out.height; ++y) {
    const int y0 = y * in.height / out.height;
    const int y1 = std::max(y0 + 1, (y + 1) * in.height / out.height);
    for (int x = 0; x < out.width; ++x) {
      const int x0 = x * in.width / out.width;
      const int x1 = std::max(x0 + 1, (x + 1) * in.width / out.width);
      uint64_t sum[3] = {0, 0, 0};
      for (int sy = y0; sy < y1; ++sy) {
        const unsigned char* p = in.pixels.data() + (static_cast<size_t>(sy) * in.width + x0) * 3;
        for (int sx = x0; sx < x1; ++sx, p += 3) {
          sum[0] += p[0];
          sum[1] += p[1];
          sum[2] += p[2];
        }
      }
      const uint64_t n = static_cast<uint64_t>(y1 - y0) * (x1 - x0);
      unsigned char* q = out.pixels.data() + (static_cast<size_t>(y) * out.width + x) * 3;
      for (int c = 0; c < 3; ++c) q[c] = static_cast<unsigned char>(sum[c] / n);
    }
  }
  return out;
}

bool EncodeJpeg(const Rgb& in, std::string* out) {
  jpeg_compress_struct info;
  JpegError error;
  info.err = jpeg_std_error(&error.mgr);
  error.mgr.error_exit = OnJpegError;
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  if (setjmp(error.jump) != 0) {
    jpeg_destroy_compress(&info);
    std::free(buffer);
    return false;
  }
  jpeg_create_compress(&info);
  jpeg_mem_dest(&info, &buffer, &size);
  info.image_width = static_cast<JDIMENSION>(in.width);
  info.image_height = static_cast<JDIMENSION>(in.height);
  info.input_components = 3;
  info.in_color_space = JCS_RGB;
  jpeg_set_defaults(&info);
  jpeg_set_quality(&info, 80, TRUE);
  jpeg_start_compress(&info, TRUE);
  while (info.next_scanline < info.image_height) {
    JSAMPROW row = const_cast<unsigned char*>(in.pixels.data()) +
                   static_cast<size_t>(info.next_scanline) * in.width * 3;
    jpeg_write_scanlines(&info, &row, 1);
  }
  jpeg_finish_compress(&info);
  jpeg_destroy_compress(&info);
  out->assign(reinterpret_cast<const char*>(buffer), size);
  std::free(buffer);
  return true;
}

}  // namespace

ImageSize FitWithin(ImageSize size, int max_side) {
  const int longer = std::max(size.width, size.height);
  if (longer <= max_side) return size;
  const double scale = static_cast<double>(max_side) / longer;
  return {std::max(1, static_cast<int>(size.width * scale + 0.5)),
          std::max(1, static_cast<int>(size.height * scale + 0.5))};
}

std::optional<ImageSize> ReadImageSize(std::string_view type, std::string_view d) {
  if (type == "image/png") {
    if (d.size() < 24 || d.substr(12, 4) != "IHDR") return std::nullopt;
    return Checked(Be32(d, 16), Be32(d, 20));
  }
  if (type == "image/gif") {
    if (d.size() < 10) return std::nullopt;
    return Checked(Le16(d, 6), Le16(d, 8));
  }
  if (type == "image/jpeg") return JpegSize(d);
  if (type == "image/webp") return WebpSize(d);
  return std::nullopt;
}

Result<Thumbnail> MakeThumbnail(std::string_view type, std::string_view data, int max_side) {
  Rgb decoded;
  if (type == "image/jpeg") {
    if (!DecodeJpeg(data, max_side, &decoded)) {
      return Status::InvalidArgument("the JPEG does not decode");
    }
  } else if (type == "image/png") {
    if (!DecodePng(data, &decoded)) return Status::InvalidArgument("the PNG does not decode");
  } else {
    return Status::FailedPrecondition("no thumbnails of " + std::string(type));
  }
  Rgb small = Shrink(decoded, max_side);
  Thumbnail out;
  out.size = {small.width, small.height};
  if (!EncodeJpeg(small, &out.jpeg)) return Status::Internal("cannot encode the thumbnail");
  return out;
}

}  // namespace mqchat::api
