// mqchat CLI: logins through the API service and the stored session file (api_login.h).
#include "api_login.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "mqchat/api_client.h"

namespace mqchat::cli {
namespace {

// A stored access token is used while it has more than this left; else it is refreshed.
constexpr int64_t kRefreshMarginMs = 60 * 1000;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

std::string ConfigDir() {
  if (auto dir = Env("MQCHAT_CONFIG_DIR"); !dir.empty()) return dir;
  if (auto xdg = Env("XDG_CONFIG_HOME"); !xdg.empty()) return xdg + "/mqchat";
  if (auto home = Env("HOME"); !home.empty()) return home + "/.config/mqchat";
  return "";
}

// mkdir -p, new directories mode 0700.
bool MakeDirs(const std::string& dir) {
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    const std::string part = dir.substr(0, pos);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) return false;
  }
  return true;
}

int ApiExitCode(const Status& status) {
  if (status.code() == Code::kUnauthenticated) return kExitAuth;
  return status.IsRetryable() ? kExitUnreachable : kExitRefused;
}

// The session file, open and exclusively locked for as long as this object lives; created
// with mode 0600 (and set to it if it existed with another).
class LockedSessionFile {
 public:
  explicit LockedSessionFile(const std::string& path, bool create) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
    if (fd_ < 0) return;
    if (::flock(fd_, LOCK_EX) != 0 || ::fchmod(fd_, 0600) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~LockedSessionFile() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  LockedSessionFile(const LockedSessionFile&) = delete;
  LockedSessionFile& operator=(const LockedSessionFile&) = delete;

  bool ok() const { return fd_ >= 0; }
  // The stored JSON object; a discarded value if the file is empty or not JSON.
  nlohmann::json Read() const {
    std::string text;
    char buf[4096];
    for (off_t at = 0;;) {
      ssize_t n = ::pread(fd_, buf, sizeof buf, at);
      if (n <= 0) break;
      text.append(buf, static_cast<size_t>(n));
      at += n;
    }
    return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  }
  // Replaces the content (in place: the lock stays on this file).
  // `ca_file`: what the API's certificate was verified against ("" for the system's store).
  bool Write(const ApiSession& session, const std::string& api, const std::string& ca_file) {
    const std::string text =
        nlohmann::json{{"api", api},
                       {"ca_file", ca_file},
                       {"username", session.username},
                       {"refresh_token", session.refresh_token},
                       {"access_token", session.access_token},
                       {"expires_at_ms", NowMs() + session.expires_in.count() * 1000}}
            .dump() +
        "\n";
    if (::ftruncate(fd_, 0) != 0) return false;
    if (::pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
      return false;
    }
    return ::fsync(fd_) == 0;
  }

 private:
  int fd_ = -1;
};

std::string JsonString(const nlohmann::json& j, const char* key) {
  auto it = j.is_object() ? j.find(key) : j.end();
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// `ca_file` made absolute (kept in the session file, which later runs read from anywhere).
std::string AbsolutePath(const std::string& ca_file) {
  if (ca_file.empty() || ca_file[0] == '/') return ca_file;
  char* resolved = ::realpath(ca_file.c_str(), nullptr);
  if (resolved == nullptr) return ca_file;  // ApiClient::Create says it cannot be read
  std::string absolute(resolved);
  std::free(resolved);
  return absolute;
}

}  // namespace

std::string SessionPath(const std::string& user) {
  const std::string dir = ConfigDir();
  return dir.empty() ? "" : dir + "/session-" + user + ".json";
}

std::string StoredApiUrl(const std::string& user, std::string* ca_file) {
  const std::string path = SessionPath(user);
  if (path.empty() || ::access(path.c_str(), R_OK) != 0) return "";
  LockedSessionFile file(path, /*create=*/false);
  if (!file.ok()) return "";
  const auto stored = file.Read();
  if (ca_file != nullptr) *ca_file = JsonString(stored, "ca_file");
  return JsonString(stored, "api");
}

int RunApiLogin(const Settings& s, bool signup) {
  auto api = ApiClient::Create(s.api, s.timeout, s.api_ca_file);
  if (!api.ok()) {
    PrintError("mqchat: --api: " + api.status().message());
    return kExitUsage;
  }
  if (signup) {
    Status created = (*api)->Signup(s.user, s.password, s.invite);
    if (!created.ok()) {
      PrintError("mqchat: sign-up at " + s.api + " failed: " + created.message());
      return ApiExitCode(created);
    }
  }
  auto session = (*api)->Login(s.user, s.password);
  if (!session.ok()) {
    PrintError("mqchat: login at " + s.api + " failed: " + session.status().message());
    return ApiExitCode(session.status());
  }
  const std::string path = SessionPath(s.user);
  const size_t slash = path.rfind('/');
  if (path.empty() || !MakeDirs(path.substr(0, slash))) {
    PrintError("mqchat: no config directory to keep the login in (set MQCHAT_CONFIG_DIR)");
    return kExitRefused;
  }
  LockedSessionFile file(path, /*create=*/true);
  if (!file.ok() || !file.Write(*session, s.api, AbsolutePath(s.api_ca_file))) {
    PrintError("mqchat: cannot write " + path);
    return kExitRefused;
  }
  PrintLine(std::string(signup ? "signed up and logged in" : "logged in") + " as " +
            session->username + "; the login (a refresh token, not the password) is kept in " +
            path);
  return kExitOk;
}

int RunApiLogout(const Settings& s) {
  const std::string path = SessionPath(s.user);
  LockedSessionFile file(path, /*create=*/false);
  if (!file.ok()) {
    PrintError("mqchat: " + s.user + " is not logged in here");
    return kExitRefused;
  }
  const auto stored = file.Read();
  const std::string ca_file = !s.ca_file.empty() ? s.ca_file : JsonString(stored, "ca_file");
  auto api = ApiClient::Create(JsonString(stored, "api"), s.timeout, ca_file);
  Status ended = api.ok() ? (*api)->Logout(JsonString(stored, "refresh_token")) : api.status();
  ::unlink(path.c_str());  // gone either way: an unusable login is no use kept
  if (!ended.ok() && ended.code() != Code::kUnauthenticated) {
    PrintError("mqchat: logged out here, but the API did not confirm: " + ended.message());
    return ApiExitCode(ended);
  }
  PrintLine("logged out " + s.user);
  return kExitOk;
}

TokenProviderFn StoredLoginProvider(std::string path, std::string ca_file) {
  return [path, ca_file](bool refused) -> Result<std::string> {
    LockedSessionFile file(path, /*create=*/false);
    if (!file.ok()) return Status::Unauthenticated("no stored login at " + path);
    const auto stored = file.Read();
    const std::string access = JsonString(stored, "access_token");
    const auto expires = stored.is_object() ? stored.value("expires_at_ms", int64_t{0}) : 0;
    // Another process may have refreshed since the broker refused our token: use its new one.
    if (!access.empty() && expires - NowMs() > kRefreshMarginMs && !refused) return access;
    const std::string url = JsonString(stored, "api");
    const std::string trusted = !ca_file.empty() ? ca_file : JsonString(stored, "ca_file");
    auto api = ApiClient::Create(url, std::chrono::seconds(10), trusted);
    if (!api.ok()) return api.status();
    auto session = (*api)->Refresh(JsonString(stored, "refresh_token"));
    if (!session.ok()) {
      if (session.status().code() == Code::kUnauthenticated) {
        PrintError("mqchat: the stored login has ended; log in again: mqchat -u USER login");
      }
      return session.status();
    }
    if (!file.Write(*session, url, AbsolutePath(trusted))) return Status::Internal("cannot write " + path);
    return session->access_token;
  };
}

TokenProviderFn PasswordLoginProvider(const Settings& s) {
  // Logs in on the first call (the SDK's connect thread), so a refused password is a refused
  // connection (exit code 4) like any other; then TokenSource refreshes.
  struct State {
    std::mutex mu;
    std::shared_ptr<TokenSource> source;
  };
  auto state = std::make_shared<State>();
  return [state, api_url = s.api, ca_file = s.api_ca_file, user = s.user, password = s.password,
          timeout = s.timeout](bool refused) -> Result<std::string> {
    std::lock_guard<std::mutex> lock(state->mu);
    if (state->source) return state->source->Token(refused);
    auto api = ApiClient::Create(api_url, timeout, ca_file);
    if (!api.ok()) return Status::InvalidArgument("--api: " + api.status().message());
    std::shared_ptr<ApiClient> shared(std::move(*api));
    auto session = shared->Login(user, password);
    if (!session.ok()) return session.status();
    state->source = std::make_shared<TokenSource>(shared, std::move(*session));
    return state->source->Token(false);
  };
}

}  // namespace mqchat::cli
