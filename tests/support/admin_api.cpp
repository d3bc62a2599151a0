#include "support/admin_api.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace mqchat::test {

AdminApi::AdminApi(const store::StoreConfig& store, TempDir& dir, int max_group_members) {
  WriteFile(dir.File("admin.key"), kTestAdminKey + "\n");
  api_ = std::make_unique<ApiProcess>(
      store, std::vector<std::pair<std::string, std::string>>{
                 {"admin_key_file", dir.File("admin.key")},
                 {"max_group_members", std::to_string(max_group_members)}});
}

ApiReply AdminApi::Call(const std::string& method, const std::string& path,
                        const std::string& body, const std::string& key) {
  return api_->Call(method, path, key, body, body.empty() ? "" : "application/json");
}

int64_t AdminApi::CreateGroup(const std::string& owner, const std::string& name,
                              const std::vector<std::string>& members) {
  auto r = Call("POST", "/v1/admin/groups",
                nlohmann::json{{"owner", owner}, {"name", name}, {"members", members}}.dump());
  EXPECT_EQ(r.status, 201) << r.body;
  if (r.status != 201) return 0;
  return std::stoll(r.json["conversation"]["conversation_id"].get<std::string>());
}

std::string AdminApi::Members(int64_t group) {
  return "/v1/admin/groups/" + std::to_string(group) + "/members";
}

}  // namespace mqchat::test
