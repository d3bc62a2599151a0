#include "protocol/json_bounds.h"

#include <nlohmann/json.hpp>

namespace mqchat::protocol {
namespace {

using nlohmann::json;

// Counts as it goes and returns false (which stops nlohmann's parser at once) at the first excess.
class BoundedSax final : public nlohmann::json_sax<json> {
 public:
  BoundedSax(const JsonBounds& bounds, std::string_view capture_key, JsonBoundsScan* out)
      : bounds_(bounds), capture_key_(capture_key), out_(out) {}

  bool null() override { return Scalar(); }
  bool boolean(bool) override { return Scalar(); }
  bool number_integer(number_integer_t) override { return Scalar(); }
  bool number_unsigned(number_unsigned_t) override { return Scalar(); }
  bool number_float(number_float_t, const string_t&) override { return Scalar(); }
  bool binary(binary_t&) override { return Scalar(); }

  bool string(string_t& value) override {
    if (!StringFits(value)) return false;
    if (capturing_) out_->captured = value;
    return Scalar();
  }

  bool key(string_t& value) override {
    if (!StringFits(value)) return false;
    capturing_ = depth_ == 1 && !capture_key_.empty() && value == capture_key_;
    return true;
  }

  bool start_object(std::size_t) override {
    if (elements_ == 0) out_->top_is_object = true;
    return Open();
  }
  bool start_array(std::size_t) override { return Open(); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }

  bool parse_error(std::size_t, const std::string&, const nlohmann::json::exception&) override {
    out_->syntax_ok = false;
    return false;
  }

 private:
  bool Count() {
    if (++elements_ > bounds_.max_elements) {
      return Exceeded("payload has more than " + std::to_string(bounds_.max_elements) +
                      " JSON values");
    }
    return true;
  }
  bool Scalar() {
    capturing_ = false;
    return Count();
  }
  bool Open() {
    capturing_ = false;
    if (++depth_ > bounds_.max_depth) {
      return Exceeded("payload nests deeper than " + std::to_string(bounds_.max_depth) + " levels");
    }
    return Count();
  }
  bool Close() {
    --depth_;
    return true;
  }
  bool StringFits(const string_t& value) {
    if (value.size() <= bounds_.max_string_bytes) return true;
    return Exceeded("payload has a string of more than " +
                    std::to_string(bounds_.max_string_bytes) + " bytes");
  }
  bool Exceeded(std::string what) {
    out_->excess = std::move(what);
    return false;
  }

  const JsonBounds& bounds_;
  const std::string_view capture_key_;
  JsonBoundsScan* const out_;
  size_t depth_ = 0;
  size_t elements_ = 0;
  bool capturing_ = false;  // the last key was the capture key, at the top level
};

}  // namespace

JsonBoundsScan ScanJsonBounds(std::string_view text, const JsonBounds& bounds,
                              std::string_view capture_key) {
  JsonBoundsScan scan;
  BoundedSax sax(bounds, capture_key, &scan);
  // Strict (the whole text must be one value); no exceptions: errors arrive in parse_error.
  json::sax_parse(text.begin(), text.end(), &sax, json::input_format_t::json, /*strict=*/true);
  return scan;
}

}  // namespace mqchat::protocol
