// Where tests find the source tree and the built programs. The paths are compiled into one
// generated file in the build tree (tests/test_paths.cpp, tests/cli_path.cpp), not passed as
// compile flags: an object that names a checkout's absolute path cannot be shared between
// checkouts by ccache, and every test file would carry it. Any thread.
#pragma once

namespace mqchat::test::paths {

extern const char* const kSourceDir;   // the repository root
extern const char* const kPluginPath;  // mqchat_plugin.so
extern const char* const kCtlPath;     // mqchatctl
extern const char* const kApiPath;     // mqchat-api
extern const char* const kCliPath;     // the terminal client (integration tests only)

}  // namespace mqchat::test::paths

#define MQCHAT_SOURCE_DIR ::mqchat::test::paths::kSourceDir
#define MQCHAT_PLUGIN_PATH ::mqchat::test::paths::kPluginPath
#define MQCHATCTL_PATH ::mqchat::test::paths::kCtlPath
#define MQCHAT_API_PATH ::mqchat::test::paths::kApiPath
// MQCHAT_HAVE_CLI: set for the integration tests, which are built with the terminal client.
#ifdef MQCHAT_HAVE_CLI
#define MQCHAT_CLI_PATH ::mqchat::test::paths::kCliPath
#endif
