#include "local_blob_store.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

namespace mqchat::api {
namespace {

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

// mkdir -p with mode 0700 for every directory it creates.
bool MakeDirs(const std::string& dir) {
  for (size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
    std::string prefix = dir.substr(0, slash);
    if (!prefix.empty() && mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) return false;
    if (slash == std::string::npos) return true;
  }
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

Result<BlobStorePtr> LocalBlobStore::Open(const std::string& dir, size_t max_bytes) {
  if (dir.empty()) return Status::InvalidArgument("blob directory is empty");
  if (max_bytes == 0) return Status::InvalidArgument("blob size limit is 0");
  if (!MakeDirs(dir)) return Status::Unavailable(Errno("cannot create " + dir));
  if (access(dir.c_str(), W_OK | X_OK) != 0) {
    return Status::Unavailable(Errno("cannot write to " + dir));
  }
  return BlobStorePtr(new LocalBlobStore(dir, max_bytes));
}

std::string LocalBlobStore::PathOf(const std::string& id) const {
  return dir_ + "/" + id.substr(0, 2) + "/" + id;
}

Result<std::string> LocalBlobStore::Put(std::string_view data) {
  if (data.size() > max_bytes_) return Status::InvalidArgument("blob over the size limit");
  MQCHAT_ASSIGN_OR_RETURN(std::string id, NewBlobId());
  const std::string path = PathOf(id);
  const std::string shard = dir_ + "/" + id.substr(0, 2);
  if (mkdir(shard.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::Unavailable(Errno("cannot create " + shard));
  }
  const std::string temp = path + ".tmp";
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Unavailable(Errno("cannot create " + temp));
  bool ok = WriteAll(fd, data) && fsync(fd) == 0;
  std::string error = ok ? "" : Errno("cannot write " + temp);
  if (close(fd) != 0 && ok) {
    ok = false;
    error = Errno("cannot close " + temp);
  }
  if (ok && rename(temp.c_str(), path.c_str()) != 0) {
    ok = false;
    error = Errno("cannot rename " + temp);
  }
  if (!ok) {
    unlink(temp.c_str());
    return Status::Unavailable(error);
  }
  return id;
}

Result<std::string> LocalBlobStore::Get(const std::string& id) const {
  if (!IsBlobId(id)) return Status::NotFound("no such blob");
  const std::string path = PathOf(id);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("no such blob");
    return Status::Unavailable(Errno("cannot open " + path));
  }
  std::string data;
  char buffer[16384];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string error = Errno("cannot read " + path);
      close(fd);
      return Status::Unavailable(error);
    }
    if (n == 0) break;
    data.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return data;
}

Status LocalBlobStore::Delete(const std::string& id) {
  if (!IsBlobId(id)) return Status::Ok();
  const std::string path = PathOf(id);
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Status::Unavailable(Errno("cannot remove " + path));
  }
  return Status::Ok();
}

}  // namespace mqchat::api
