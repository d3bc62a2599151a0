#include "attachment_command.h"

#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "api_login.h"
#include "command_words.h"
#include "message_lines.h"
#include "mqchat/api_client.h"

namespace mqchat::cli {
namespace {

// The user's API access token, from the login the client itself uses.
Result<std::string> AccessToken(const Settings& s) {
  if (!s.session_path.empty()) return StoredLoginProvider(s.session_path, s.api_ca_file)(false);
  if (!s.api.empty() && !s.password.empty()) return PasswordLoginProvider(s)(false);
  return Status::FailedPrecondition(
      "files go through the API service: log in with `mqchat --api URL login` (or --api)");
}

Result<std::unique_ptr<ApiClient>> Api(const Settings& s) {
  if (s.api.empty()) {
    return Status::FailedPrecondition("no API service (--api URL, or a login kept by `login`)");
  }
  // An upload of 25 MB takes a while on a slow link; each chunk is its own request.
  return ApiClient::Create(s.api, s.timeout, s.api_ca_file);
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return Status::Internal("reading " + path + " failed");
  return bytes.str();
}

// The last part of `path` ("photo.png" of "/tmp/photo.png").
std::string BaseName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

void Attach(const Settings& s, Client& client, int64_t conversation,
            const std::vector<std::string>& w, const std::string& line) {
  auto data = ReadFile(w[1]);
  if (!data.ok()) return PrintLine("! " + data.status().message());
  auto api = Api(s);
  if (!api.ok()) return PrintLine("! " + api.status().message());
  auto token = AccessToken(s);
  if (!token.ok()) return PrintLine("! " + Describe(token.status()));
  int shown_percent = -1;
  auto uploaded = (*api)->Upload(*token, BaseName(w[1]), *data, "",
                                 [&](int64_t received, int64_t total) {
                                   const int percent = total > 0 ? received * 100 / total : 100;
                                   if (percent / 25 != shown_percent / 25) {
                                     PrintLine("* uploading " + std::to_string(percent) + "%");
                                   }
                                   shown_percent = percent;
                                   return true;
                                 });
  if (!uploaded.ok()) return PrintLine("! upload refused: " + Describe(uploaded.status()));
  auto sent = client.Send(conversation, RestAfter(line, 2), {uploaded->id});
  if (sent.wait_for(s.timeout) != std::future_status::ready) {
    return PrintLine("* sent when back online: " + uploaded->name);
  }
  auto ack = sent.get();
  if (!ack.ok()) PrintLine("! send refused: " + Describe(ack.status()));
}

void Download(const Settings& s, const std::vector<std::string>& w) {
  auto api = Api(s);
  if (!api.ok()) return PrintLine("! " + api.status().message());
  auto token = AccessToken(s);
  if (!token.ok()) return PrintLine("! " + Describe(token.status()));
  auto found = (*api)->Attachment(*token, w[1]);
  if (!found.ok()) return PrintLine("! no attachment " + w[1] + " for you");
  const std::string path = w.size() >= 3 ? w[2] : BaseName(found->name);
  struct stat existing;
  if (path.empty() || ::stat(path.c_str(), &existing) == 0) {
    return PrintLine("! " + path + " exists; name another path: /download ID PATH");
  }
  auto bytes = (*api)->Download(found->url);
  if (!bytes.ok()) return PrintLine("! download failed: " + Describe(bytes.status()));
  std::ofstream out(path, std::ios::binary);
  out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
  out.close();
  if (!out) return PrintLine("! cannot write " + path);
  PrintLine("* saved " + path + " (" + std::to_string(bytes->size()) + " bytes)");
}

}  // namespace

bool AttachmentCommand(const Settings& s, Client& client, int64_t conversation,
                       const std::vector<std::string>& w, const std::string& line) {
  const std::string& cmd = w[0];
  if (cmd != "/attach" && cmd != "/download") return false;
  if (w.size() < 2) {
    PrintLine(cmd == "/attach" ? "! usage: /attach PATH [TEXT]" : "! usage: /download ID [PATH]");
  } else if (cmd == "/download") {
    Download(s, w);
  } else if (conversation == 0) {
    PrintLine("! open a conversation first (/open NAME|@USER|ID)");
  } else {
    Attach(s, client, conversation, w, line);
  }
  return true;
}

}  // namespace mqchat::cli
