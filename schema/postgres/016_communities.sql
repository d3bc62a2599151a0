-- 016_communities (PostgreSQL): servers (communities) with channels, roles, members, channel
-- overrides, invites (server_invites) and bans (issue 18; docs/PROTOCOL.md "Communities").
-- Permission flags are the bits of plugin/src/community/permissions.h. Every server has one
-- @everyone role (servers.everyone_role_id) that every member holds implicitly; member_roles lists
-- the others. perm_version rises with every change that can change what a member may see or do
-- (roles, assignments, overrides, membership, channels), so caches of resolved permissions can
-- tell they are stale. Ids come from the database.
CREATE TABLE servers (
  server_id        BIGSERIAL PRIMARY KEY,
  name             TEXT    COLLATE "C" NOT NULL,
  owner            TEXT    COLLATE "C" NOT NULL,
  everyone_role_id BIGINT  NOT NULL DEFAULT 0,  -- set right after the server row is made
  member_count     BIGINT  NOT NULL DEFAULT 0,
  perm_version     BIGINT  NOT NULL DEFAULT 0,
  created_at_ms    BIGINT  NOT NULL
);

CREATE TABLE server_members (
  server_id    BIGINT  NOT NULL REFERENCES servers (server_id) ON DELETE CASCADE,
  username     TEXT    COLLATE "C" NOT NULL,
  joined_at_ms BIGINT  NOT NULL,
  PRIMARY KEY (server_id, username)
);
-- "Which servers is this user in?"
CREATE INDEX server_members_user_idx ON server_members (username, server_id);

CREATE TABLE roles (
  role_id     BIGSERIAL PRIMARY KEY,
  server_id   BIGINT  NOT NULL REFERENCES servers (server_id) ON DELETE CASCADE,
  name        TEXT    COLLATE "C" NOT NULL,
  permissions BIGINT  NOT NULL DEFAULT 0,
  position    BIGINT  NOT NULL DEFAULT 0  -- 0 for @everyone; higher is listed first
);
CREATE INDEX roles_server_idx ON roles (server_id, role_id);

CREATE TABLE member_roles (
  server_id BIGINT  NOT NULL,
  username  TEXT    COLLATE "C" NOT NULL,
  role_id   BIGINT  NOT NULL REFERENCES roles (role_id) ON DELETE CASCADE,
  PRIMARY KEY (server_id, username, role_id),
  FOREIGN KEY (server_id, username) REFERENCES server_members (server_id, username)
    ON DELETE CASCADE
);
CREATE INDEX member_roles_role_idx ON member_roles (role_id);

-- type: 'text'; 'voice' is reserved for calls; 'category' groups channels (category_id).
CREATE TABLE channels (
  channel_id    BIGSERIAL PRIMARY KEY,
  server_id     BIGINT  NOT NULL REFERENCES servers (server_id) ON DELETE CASCADE,
  name          TEXT    COLLATE "C" NOT NULL,
  type          TEXT    COLLATE "C" NOT NULL CHECK (type IN ('text', 'voice', 'category')),
  topic         TEXT    COLLATE "C" NOT NULL DEFAULT '',
  position      BIGINT  NOT NULL DEFAULT 0,
  category_id   BIGINT  NOT NULL DEFAULT 0,  -- a category channel of the same server; 0: none
  created_at_ms BIGINT  NOT NULL
);
CREATE INDEX channels_server_idx ON channels (server_id, position, channel_id);

-- One override per (channel, role) or (channel, member): role_id > 0 with username '', or
-- role_id 0 with a username.
CREATE TABLE channel_overrides (
  channel_id BIGINT  NOT NULL REFERENCES channels (channel_id) ON DELETE CASCADE,
  role_id    BIGINT  NOT NULL DEFAULT 0,
  username   TEXT    COLLATE "C" NOT NULL DEFAULT '',
  allow      BIGINT  NOT NULL DEFAULT 0,
  deny       BIGINT  NOT NULL DEFAULT 0,
  PRIMARY KEY (channel_id, role_id, username)
);

CREATE TABLE server_invites (
  code          TEXT    COLLATE "C" PRIMARY KEY,
  server_id     BIGINT  NOT NULL REFERENCES servers (server_id) ON DELETE CASCADE,
  creator       TEXT    COLLATE "C" NOT NULL,
  expires_at_ms BIGINT  NOT NULL DEFAULT 0,  -- 0: never
  max_uses      BIGINT  NOT NULL DEFAULT 0,  -- 0: unlimited
  uses          BIGINT  NOT NULL DEFAULT 0,
  created_at_ms BIGINT  NOT NULL
);
CREATE INDEX server_invites_server_idx ON server_invites (server_id);

CREATE TABLE server_bans (
  server_id     BIGINT  NOT NULL REFERENCES servers (server_id) ON DELETE CASCADE,
  username      TEXT    COLLATE "C" NOT NULL,
  banned_by     TEXT    COLLATE "C" NOT NULL,
  created_at_ms BIGINT  NOT NULL,
  PRIMARY KEY (server_id, username)
);
