#include "support/attachment_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mqchat::test {

std::unique_ptr<ApiProcess> StartAttachmentApi(
    const store::StoreConfig& store, const TempDir& dir,
    std::vector<std::pair<std::string, std::string>> extra) {
  WriteFile(dir.File("url.secret"), std::string(40, 'u'));
  std::vector<std::pair<std::string, std::string>> options = {
      {"blob_dir", dir.File("blobs")},
      {"upload_min_free_bytes", "0"},
      {"attachment_url_secret_file", dir.File("url.secret")}};
  options.insert(options.end(), extra.begin(), extra.end());
  auto api = std::make_unique<ApiProcess>(store, std::move(options));
  if (!api->Start()) return nullptr;
  return api;
}

std::string JoinApi(ApiProcess& api, const std::string& user) {
  nlohmann::json body = {{"username", user}, {"password", user + " password"}};
  EXPECT_EQ(api.Post("/v1/signup", body).status, 201);
  auto login = api.Post("/v1/login", body);
  EXPECT_EQ(login.status, 200) << login.body;
  return login.json.value("access_token", "");
}

std::string DeclareUpload(ApiProcess& api, const std::string& token, const std::string& name,
                          size_t size) {
  nlohmann::json body = {{"name", name}, {"size", size}};
  auto created = api.Call("POST", "/v1/uploads", token, body.dump(), "application/json");
  EXPECT_EQ(created.status, 201) << created.body;
  return created.json.value("id", "");
}

std::string UploadFile(ApiProcess& api, const std::string& token, const std::string& name,
                       const std::string& data) {
  const std::string id = DeclareUpload(api, token, name, data.size());
  auto put =
      api.Call("PUT", "/v1/uploads/" + id + "?offset=0", token, data, "application/octet-stream");
  EXPECT_EQ(put.status, 200) << put.body;
  auto done = api.Call("POST", "/v1/uploads/" + id + "/finish", token);
  EXPECT_EQ(done.status, 200) << done.body;
  return id;
}

}  // namespace mqchat::test
