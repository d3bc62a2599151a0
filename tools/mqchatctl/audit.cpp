#include "audit.h"

#include <iostream>

#include <nlohmann/json.hpp>

#include "store/store_factory.h"
#include "store/user_data_store.h"

namespace mqchat::ctl {
namespace {

constexpr int kPage = 500;  // rows per statement

// One line of text: tabs and newlines of user text would break the columns.
std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

}  // namespace

Status ListAudit(const store::StoreConfig& config, bool json) {
  store::StoreConfig existing = config;
  existing.create_if_missing = false;
  auto data = store::OpenUserDataStore(existing);
  if (!data.ok()) return Status(Code::kUnavailable, data.status().message());
  nlohmann::json out = nlohmann::json::array();
  int64_t after = 0;
  while (true) {
    auto page = (*data)->ListAudit(after, kPage);
    if (!page.ok()) return Status(Code::kUnavailable, page.status().message());
    for (const auto& e : *page) {
      if (json) {
        out.push_back({{"id", e.id},
                       {"at_ms", e.at_ms},
                       {"actor", e.actor},
                       {"action", e.action},
                       {"subject", e.subject},
                       {"detail", e.detail}});
      } else {
        std::cout << e.id << "\t" << e.at_ms << "\t" << e.actor << "\t" << e.action << "\t"
                  << OneLine(e.subject) << "\t" << OneLine(e.detail) << "\n";
      }
      after = e.id;
    }
    if (page->size() < static_cast<size_t>(kPage)) break;
  }
  if (json) std::cout << out.dump() << "\n";
  return Status::Ok();
}

}  // namespace mqchat::ctl
