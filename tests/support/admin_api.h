// AdminApi: the real mqchat-api with an admin key (api/src/admin.h), beside a store the brokers
// use, and the calls of its admin paths. Test thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/store_config.h"
#include "support/api_process.h"
#include "support/temp_dir.h"

namespace mqchat::test {

inline const std::string kTestAdminKey = "app-backend-admin-key-0123456789abcdef";

class AdminApi {
 public:
  // The key file goes in `dir`; the groups it makes hold at most `max_group_members`.
  AdminApi(const store::StoreConfig& store, TempDir& dir, int max_group_members = 100);
  // Starts mqchat-api (a fatal test failure if it does not start).
  bool Start() { return api_->Start(); }

  // `method` `path` with "Authorization: Bearer `key`" (none if empty) and `body` as JSON.
  ApiReply Call(const std::string& method, const std::string& path, const std::string& body = "",
                const std::string& key = kTestAdminKey);
  // Creates a group; its id (0 on failure, with a test failure).
  int64_t CreateGroup(const std::string& owner, const std::string& name,
                      const std::vector<std::string>& members);
  static std::string Members(int64_t group);

 private:
  std::unique_ptr<ApiProcess> api_;
};

}  // namespace mqchat::test
