#include "metrics/listen_address.h"

namespace mqchat::metrics {

Result<ListenAddress> ParseListenAddress(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return Status::InvalidArgument("'" + text + "' is not host:port");
  }
  ListenAddress out;
  out.host = text.substr(0, colon);
  if (out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  const std::string port = text.substr(colon + 1);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument("'" + port + "' is not a port");
  }
  out.port = std::stoi(port);
  if (out.port > 65535) return Status::InvalidArgument("'" + port + "' is not a port");
  return out;
}

}  // namespace mqchat::metrics
