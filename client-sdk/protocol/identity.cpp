#include "protocol/identity.h"

namespace mqchat::protocol {
namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

Status ValidateName(std::string_view what, std::string_view name, size_t max_len) {
  if (name.empty()) return Status::InvalidArgument(std::string(what) + " is empty");
  if (name.size() > max_len) {
    return Status::InvalidArgument(std::string(what) + " is longer than " +
                                   std::to_string(max_len) + " characters");
  }
  if (!IsAlnum(name[0])) {
    return Status::InvalidArgument(std::string(what) + " must start with a letter or digit");
  }
  for (char c : name) {
    if (!IsAlnum(c) && c != '_' && c != '.' && c != '-') {
      return Status::InvalidArgument(std::string(what) +
                                     " may contain only letters, digits, '_', '.' and '-'");
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateUsername(std::string_view username) {
  return ValidateName("username", username, kMaxUsernameLength);
}

bool IsReservedUsername(std::string_view username) {
  return UsernameKey(username) == "operator";
}

Status ValidateAccountName(std::string_view username) {
  MQCHAT_RETURN_IF_ERROR(ValidateUsername(username));
  if (IsReservedUsername(username)) {
    return Status::InvalidArgument("username '" + std::string(username) + "' is reserved");
  }
  return Status::Ok();
}

std::string UsernameKey(std::string_view username) {
  std::string key(username);
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

Status ValidateDeviceId(std::string_view device_id) {
  return ValidateName("device id", device_id, kMaxDeviceIdLength);
}

Result<ClientIdentity> ParseClientId(std::string_view client_id) {
  size_t slash = client_id.find('/');
  if (slash == std::string_view::npos) {
    return Status::InvalidArgument("client id must have the form <username>/<device-id>");
  }
  std::string_view user = client_id.substr(0, slash);
  std::string_view device = client_id.substr(slash + 1);
  MQCHAT_RETURN_IF_ERROR(ValidateUsername(user).WithContext("client id"));
  MQCHAT_RETURN_IF_ERROR(ValidateDeviceId(device).WithContext("client id"));
  return ClientIdentity{std::string(user), std::string(device)};
}

std::string MakeClientId(std::string_view username, std::string_view device_id) {
  std::string out(username);
  out += '/';
  out += device_id;
  return out;
}

}  // namespace mqchat::protocol
