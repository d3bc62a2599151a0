#include "upload_spool.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstring>

#include "blob_store.h"

namespace mqchat::api {
namespace {

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

Result<UploadSpool> UploadSpool::Open(const std::string& dir) {
  if (dir.empty()) return Status::InvalidArgument("upload directory is empty");
  for (size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
    const std::string prefix = dir.substr(0, slash);
    if (!prefix.empty() && mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      return Status::Unavailable(Errno("cannot create " + prefix));
    }
    if (slash == std::string::npos) break;
  }
  if (access(dir.c_str(), W_OK | X_OK) != 0) {
    return Status::Unavailable(Errno("cannot write to " + dir));
  }
  return UploadSpool(dir);
}

Status UploadSpool::Write(const std::string& id, int64_t offset, std::string_view data) const {
  if (!IsBlobId(id)) return Status::NotFound("no such upload");
  const std::string path = PathOf(id);
  Fd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
  if (fd.get() < 0) return Status::Unavailable(Errno("cannot open " + path));
  while (!data.empty()) {
    ssize_t n = pwrite(fd.get(), data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::Unavailable(Errno("cannot write " + path));
    data.remove_prefix(static_cast<size_t>(n));
    offset += n;
  }
  return Status::Ok();
}

Result<std::string> UploadSpool::Read(const std::string& id, int64_t size) const {
  if (!IsBlobId(id)) return Status::NotFound("no such upload");
  const std::string path = PathOf(id);
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT && size == 0) return std::string();
    return errno == ENOENT ? Status::NotFound("no upload file")
                           : Status::Unavailable(Errno("cannot open " + path));
  }
  std::string data(static_cast<size_t>(size), '\0');
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = pread(fd.get(), &data[done], data.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::Unavailable(Errno("cannot read " + path));
    if (n == 0) return Status::NotFound("the upload file is shorter than its size");
    done += static_cast<size_t>(n);
  }
  return data;
}

void UploadSpool::Remove(const std::string& id) const {
  if (IsBlobId(id)) unlink(PathOf(id).c_str());
}

int64_t UploadSpool::FreeBytes() const {
  struct statvfs fs;
  if (statvfs(dir_.c_str(), &fs) != 0) return -1;
  return static_cast<int64_t>(fs.f_bavail) * static_cast<int64_t>(fs.f_frsize);
}

}  // namespace mqchat::api
