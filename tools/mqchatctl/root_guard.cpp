#include "root_guard.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

namespace mqchat::ctl {
namespace {

std::string FolderOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string UserName(uid_t uid) {
  const struct passwd* pw = ::getpwuid(uid);
  if (pw != nullptr && pw->pw_name != nullptr) return pw->pw_name;
  return "#" + std::to_string(uid);
}

}  // namespace

Status CheckRootMayCreate(const store::StoreConfig& store) {
  if (store.backend != store::Backend::kSqlite || ::geteuid() != 0) return Status::Ok();
  const std::string& path = store.sqlite_path;
  struct stat st {};
  if (path.empty() || path == ":memory:" || ::stat(path.c_str(), &st) == 0) return Status::Ok();
  const std::string folder = FolderOf(path);
  // A missing folder fails later, in the store, with its own message naming the file.
  if (::stat(folder.c_str(), &st) != 0 || st.st_uid == 0) return Status::Ok();
  const std::string owner = UserName(st.st_uid);
  return Status(Code::kPermissionDenied,
                "refusing to create " + path + " as root: its folder " + folder + " belongs to " +
                    owner +
                    ", the broker's user, which could not write a root-owned database; run "
                    "mqchatctl as that user: sudo -u " +
                    owner + " mqchatctl ...");
}

}  // namespace mqchat::ctl
