-- 006_username_key (SQLite): usernames are unique ignoring case (protocol::UsernameKey), so
-- "Bob" cannot be added beside "bob" or log in with a token as a separate user. username_key
-- holds lower(username), unique; lower() folds exactly the ASCII letters usernames may contain.
-- Existing data: of names that already differ only by case, the oldest account keeps the name;
-- the later look-alikes keep their rows and messages but get no key and are disabled (their rev
-- moves, so running brokers end their sessions). An operator may re-enable one deliberately.
ALTER TABLE users ADD COLUMN username_key TEXT;
UPDATE users SET username_key = lower(username)
 WHERE NOT EXISTS (SELECT 1 FROM users AS older
                    WHERE lower(older.username) = lower(users.username)
                      AND older.user_id < users.user_id);
-- One statement: MAX(rev) is read once, and user_id keeps the new revs distinct.
UPDATE users SET state = 1, rev = (SELECT MAX(rev) FROM users) + user_id
 WHERE username_key IS NULL AND state = 0;
CREATE UNIQUE INDEX users_username_key_idx ON users (username_key);
