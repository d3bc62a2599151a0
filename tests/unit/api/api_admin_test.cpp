// The admin API's key (api/src/admin.h): loaded from its file (trailing newline ignored, short
// keys refused), and every request without exactly that key refused with the same 401 before
// any store is touched (the handlers here have none).
#include <gtest/gtest.h>

#include "admin.h"
#include "admin_groups.h"
#include "admin_reports.h"
#include "support/temp_dir.h"

namespace mqchat::api {
namespace {

const std::string kKey = "an-admin-key-of-at-least-32-bytes-0123";

ApiRequest AdminRequest(const std::string& authorization) {
  ApiRequest r;
  r.method = "POST";
  r.path = "/v1/admin/users";
  r.content_type = "application/json";
  r.body = R"({"username":"mallory"})";
  r.authorization = authorization;
  r.path_params = {"17", "mallory"};
  return r;
}

TEST(ApiAdminTest, KeyFileIsTrimmedAndShortKeysRefused) {
  test::TempDir dir;
  test::WriteFile(dir.File("k"), kKey + "\n");
  auto key = AdminHandlers::LoadKey(dir.File("k"));
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_EQ(*key, kKey);
  test::WriteFile(dir.File("short"), "0123456789\n");
  EXPECT_FALSE(AdminHandlers::LoadKey(dir.File("short")).ok());
  EXPECT_FALSE(AdminHandlers::LoadKey(dir.File("missing")).ok());
  auto none = AdminHandlers::LoadKey("");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, "");
}

TEST(ApiAdminTest, EveryWrongKeyGetsTheSame401) {
  AdminHandlers admin(kKey, nullptr, nullptr, nullptr, [] { return int64_t{0}; });
  const auto expected = admin.CreateUser(AdminRequest(""));
  EXPECT_EQ(expected.status, 401);
  EXPECT_NE(expected.body.find("UNAUTHENTICATED"), std::string::npos);
  const std::vector<std::string> wrong = {"Bearer " + kKey + "x", "Bearer " + kKey.substr(1),
                                          "Bearer ", kKey, "Basic " + kKey, "bearer " + kKey};
  for (const std::string& auth : wrong) {
    const std::vector<ApiResponse> responses = {admin.CreateUser(AdminRequest(auth)),
                                                admin.DisableUser(AdminRequest(auth)),
                                                admin.MintToken(AdminRequest(auth))};
    for (const auto& response : responses) {
      EXPECT_EQ(response.status, 401) << auth;
      EXPECT_EQ(response.body, expected.body) << auth;
    }
  }
  // The groups and the moderation queue ask the same key first (their store is null here).
  AdminGroups groups(&admin, nullptr, 100, [] { return int64_t{0}; });
  AdminReports reports(&admin, nullptr, [] { return int64_t{0}; });
  for (const std::string& auth : wrong) {
    const std::vector<ApiResponse> responses = {
        groups.Create(AdminRequest(auth)),     groups.Members(AdminRequest(auth)),
        groups.AddMembers(AdminRequest(auth)), groups.RemoveMember(AdminRequest(auth)),
        reports.List(AdminRequest(auth)),      reports.Get(AdminRequest(auth)),
        reports.Resolve(AdminRequest(auth))};
    for (const auto& response : responses) {
      EXPECT_EQ(response.status, 401) << auth;
      EXPECT_EQ(response.body, expected.body) << auth;
    }
  }
  // No key configured: even an empty Bearer value (whose digest is the empty key's) is refused.
  AdminHandlers off("", nullptr, nullptr, nullptr, [] { return int64_t{0}; });
  EXPECT_EQ(off.CreateUser(AdminRequest("Bearer ")).status, 401);
  EXPECT_EQ(off.CreateUser(AdminRequest("")).status, 401);
}

}  // namespace
}  // namespace mqchat::api
