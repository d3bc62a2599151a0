// TempDir: a fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
#pragma once

#include <string>

namespace mqchat::test {

class TempDir {
 public:
  // `mode` is applied to the directory (0755 lets the mosquitto user read fixtures written here).
  explicit TempDir(const std::string& prefix = "mqchat-test", unsigned mode = 0755);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  // Keep the directory after destruction (for inspecting a failed test).
  void Keep() { keep_ = true; }

 private:
  std::string path_;
  bool keep_ = false;
};

// Writes `content` to `path`, replacing it. Throws on failure.
void WriteFile(const std::string& path, const std::string& content);
// Reads a whole file; returns "" if it cannot be read.
std::string ReadFile(const std::string& path);

}  // namespace mqchat::test
