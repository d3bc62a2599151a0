// GuildFixture: ChatFixture (one broker, SQLite or PostgreSQL) with the community requests the
// channel suites share (GuildRequests). Test thread only.
#pragma once

#include "support/chat_fixture.h"
#include "support/guild_requests.h"

namespace mqchat::test {

class GuildFixture : public ChatFixture, protected GuildRequests {};

}  // namespace mqchat::test
