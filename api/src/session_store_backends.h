// The two SessionStore backends, for OpenSessionStore (session_store.cpp) only.
#pragma once

#include <string>

#include "session_store.h"

namespace mqchat::api {

Result<SessionStorePtr> OpenSqliteSessionStore(const std::string& path);
Result<SessionStorePtr> OpenPgSessionStore(const std::string& conninfo);

}  // namespace mqchat::api
