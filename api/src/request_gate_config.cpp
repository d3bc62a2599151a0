#include "request_gate_config.h"

#include <cstdint>

#include "option_parse.h"

namespace mqchat::api {

std::optional<Status> ApplyRequestGateOption(const std::string& key, const std::string& value,
                                             RequestGateConfig* config) {
  struct Option {
    const char* key;
    int64_t min;
    int64_t max;
    int* out;
  };
  const Option options[] = {
      {"request_rate_per_address", 0, 100000, &config->rate_per_address},
      {"request_burst_per_address", 1, 100000, &config->burst_per_address},
      {"request_rate_per_prefix", 0, 1000000, &config->rate_per_prefix},
      {"request_burst_per_prefix", 1, 1000000, &config->burst_per_prefix},
      {"max_connections", 1, 100000, &config->max_connections},
      {"max_connections_per_address", 0, 100000, &config->max_connections_per_address},
      {"keep_alive_requests", 1, 10000, &config->keep_alive_requests},
      {"keep_alive_timeout_s", 1, 60, &config->keep_alive_timeout_s},
  };
  for (const Option& option : options) {
    if (key != option.key) continue;
    int64_t n = 0;
    if (Status parsed = ParseIntOption(key, value, option.min, option.max, &n); !parsed.ok()) {
      return parsed;
    }
    *option.out = static_cast<int>(n);
    return Status::Ok();
  }
  return std::nullopt;
}

}  // namespace mqchat::api
