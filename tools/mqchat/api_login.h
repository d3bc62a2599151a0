// mqchat CLI: logging in through the API service (mqchat-api) instead of sending a password to
// the broker, which refuses passwords by default (plugin_opt_password_login). `mqchat signup`
// and `mqchat login` exchange the password for a session (SDK ApiClient) and keep its refresh
// token, never the password, in a file of mode 0600 in the user's config directory; later runs
// take their access tokens from that file, refreshing (and rotating the stored refresh token)
// when the stored access token is near its end or the broker refused it. Several mqchat
// processes of one user share the file under an exclusive lock (flock), so two never refresh
// with the same single-use refresh token, which would revoke the login. Main thread, except the
// providers, which the SDK calls on its own thread.
#pragma once

#include <functional>
#include <string>

#include "cli.h"

namespace mqchat::cli {

// Where the stored login of `user` lives: $MQCHAT_CONFIG_DIR, else $XDG_CONFIG_HOME/mqchat,
// else $HOME/.config/mqchat; file "session-<user>.json". "" if no directory can be named.
std::string SessionPath(const std::string& user);
// The API URL a stored login of `user` was made with, "" if there is none; `ca_file` (if not
// null) gets the CA file its certificate was verified against ("" for the system's store).
std::string StoredApiUrl(const std::string& user, std::string* ca_file = nullptr);

// `mqchat signup` (signup true) / `mqchat login`: through settings.api (verified against
// settings.api_ca_file) with settings.password; stores the session, with the CA file's absolute
// path for the refreshes of later runs, and prints where. The exit code.
int RunApiLogin(const Settings& settings, bool signup);
// `mqchat logout`: ends the stored login at the API and deletes the file. The exit code.
int RunApiLogout(const Settings& settings);

using TokenProviderFn = std::function<Result<std::string>(bool refused)>;
// Tokens from the stored login at `path` (see above), its API verified against `ca_file`, else
// the CA file stored with the login, else the system's trust store.
TokenProviderFn StoredLoginProvider(std::string path, std::string ca_file);
// Logs in through settings.api with settings.password on the first call (nothing stored) and
// then gives tokens from that login (SDK TokenSource).
TokenProviderFn PasswordLoginProvider(const Settings& settings);

}  // namespace mqchat::cli
