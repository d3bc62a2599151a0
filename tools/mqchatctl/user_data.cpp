#include "user_data.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "chat/wire_convert.h"
#include "protocol/ids.h"
#include "store/retention_store.h"
#include "store/store_factory.h"

namespace mqchat::ctl {
namespace {

// Entries read per statement, and tombstoned per transaction: short enough that sends
// through the brokers never wait long behind an erasure.
constexpr int kBatch = 500;

Status StoreError(const Status& s) { return Status(Code::kUnavailable, s.message()); }

int64_t NowMs() { return static_cast<int64_t>(std::time(nullptr)) * 1000; }

store::StoreConfig Existing(const store::StoreConfig& config) {
  store::StoreConfig existing = config;
  existing.create_if_missing = false;
  return existing;
}

Result<store::UserDataStorePtr> OpenData(const store::StoreConfig& config) {
  auto s = store::OpenUserDataStore(Existing(config));
  if (!s.ok()) return StoreError(s.status());
  return std::move(s).value();
}

const char* StateName(int state) {
  switch (state) {
    case 0: return "active";
    case 1: return "disabled";
    case 2: return "deleted";
  }
  return "?";
}

nlohmann::json MessageJson(const store::StoredMessage& m) {
  nlohmann::json out = {{"conversation_id", protocol::FormatId(m.conversation_id)},
                        {"seq", m.seq},
                        {"message_id", protocol::FormatId(m.message_id)},
                        {"client_msg_id", m.client_msg_id},
                        {"sent_at_ms", m.created_at_ms},
                        {"text", m.text}};
  const std::string_view kind = chat::EventKindName(m.kind);
  if (!kind.empty()) out["kind"] = kind;
  if (m.target_seq > 0) out["target_seq"] = m.target_seq;
  if (m.edited_at_ms > 0) out["edited_at_ms"] = m.edited_at_ms;
  if (m.deleted_at_ms > 0) out["deleted_at_ms"] = m.deleted_at_ms;
  return out;
}

// Writes to a FILE* and remembers the first failure.
struct Output {
  FILE* file;
  bool failed = false;
  void Write(const std::string& s) {
    if (!failed && std::fwrite(s.data(), 1, s.size(), file) != s.size()) failed = true;
  }
};

// The document: {"format", "exported_at_ms", "profile", "conversations", "messages": [...]},
// the messages streamed one at a time (a user may have sent millions).
Result<int64_t> WriteExport(store::UserDataStore& data, const std::string& name, Output& out) {
  auto profile = data.Profile(name);
  if (!profile.ok()) return profile.status();
  MQCHAT_ASSIGN_OR_RETURN(auto conversations, data.Conversations(name));
  nlohmann::json head = {{"format", "mqchat-user-export/1"},
                         {"exported_at_ms", NowMs()},
                         {"profile",
                          {{"username", profile->username},
                           {"user_id", profile->user_id},
                           {"state", StateName(profile->state)},
                           {"created_at_ms", profile->created_at_ms}}}};
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : conversations) {
    list.push_back({{"conversation_id", protocol::FormatId(c.id)},
                    {"kind", chat::KindName(c.kind)},
                    {"name", c.name},
                    {"role", chat::RoleName(c.role)},
                    {"joined_at_ms", c.joined_at_ms},
                    {"members", c.members}});
  }
  head["conversations"] = std::move(list);
  std::string text = head.dump();
  text.pop_back();  // the closing brace: the messages follow
  out.Write(text + ",\"messages\":[");
  int64_t count = 0;
  MQCHAT_RETURN_IF_ERROR(data.ForEachSent(name, kBatch, [&](const store::StoredMessage& m) {
    out.Write((count++ > 0 ? ",\n" : "\n") + MessageJson(m).dump());
    return out.failed ? Status::Unavailable("write failed") : Status::Ok();
  }));
  out.Write("\n]}\n");
  return count;
}

}  // namespace

Status EraseUser(const store::StoreConfig& config, const std::string& name, bool messages) {
  auto accounts = store::OpenAccountStore(Existing(config));
  if (!accounts.ok()) return StoreError(accounts.status());
  auto user = (*accounts)->GetUser(name);
  if (!user.ok()) {
    return user.status().code() == Code::kNotFound ? Status::NotFound("no user " + name)
                                                   : StoreError(user.status());
  }
  // The account as `user delete` deletes it: no login, sessions ended, the name never reused.
  if (user->state != store::UserState::kDeleted) {
    Status deleted = (*accounts)->SetState(name, store::UserState::kDeleted);
    if (!deleted.ok() && deleted.code() != Code::kNotFound) return StoreError(deleted);
  }
  MQCHAT_ASSIGN_OR_RETURN(auto data, OpenData(config));
  int64_t erased = 0;
  if (messages) {
    auto n = data->EraseSent(name, NowMs(), kBatch);
    if (!n.ok()) {
      // Part may be erased (a sharded store's reachable databases): not done, nor audited.
      return StoreError(
          n.status().WithContext("the erasure of " + name +
                                 "'s messages is not finished (the account is deleted); "
                                 "run `mqchatctl user erase " +
                                 name + " --messages` again"));
    }
    erased = *n;
  }
  const std::string detail =
      messages ? "account deleted, " + std::to_string(erased) + " messages erased"
               : "account deleted";
  Status audited = data->Audit(store::kOperatorActor, "erase", name, detail, NowMs());
  if (!audited.ok()) return StoreError(audited);
  std::cout << "erased user " << name << ": " << detail << "\n";
  return Status::Ok();
}

Status ExportUser(const store::StoreConfig& config, const std::string& name,
                  const std::string& path) {
  MQCHAT_ASSIGN_OR_RETURN(auto data, OpenData(config));
  // Checked before the file is made, so a wrong name leaves nothing behind.
  auto profile = data->Profile(name);
  if (!profile.ok()) {
    return profile.status().code() == Code::kNotFound ? Status::NotFound("no user " + name)
                                                      : StoreError(profile.status());
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int err = errno;
    if (err == EEXIST) return Status(Code::kAlreadyExists, path + " exists; not overwritten");
    return Status::Unavailable("cannot create " + path + ": " + std::strerror(err));
  }
  std::unique_ptr<FILE, int (*)(FILE*)> file(::fdopen(fd, "w"), &std::fclose);
  if (file == nullptr) {
    ::close(fd);
    ::unlink(path.c_str());
    return Status::Unavailable("cannot write " + path);
  }
  Output out{file.get()};
  auto count = WriteExport(*data, name, out);
  const bool flushed = std::fflush(file.get()) == 0 && ::fsync(fd) == 0;
  if (!count.ok() || out.failed || !flushed) {
    file.reset();
    ::unlink(path.c_str());
    if (count.ok()) return Status::Unavailable("cannot write " + path);
    return StoreError(count.status().WithContext("no export written; run the export again"));
  }
  file.reset();
  Status audited = data->Audit(store::kOperatorActor, "export", name,
                               std::to_string(*count) + " messages to " + path, NowMs());
  if (!audited.ok()) return StoreError(audited);
  std::cout << "exported user " << name << ": " << *count << " messages to " << path << "\n";
  return Status::Ok();
}

}  // namespace mqchat::ctl
