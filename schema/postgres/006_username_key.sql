-- 006_username_key (PostgreSQL): usernames are unique ignoring case (protocol::UsernameKey), so
-- "Bob" cannot be added beside "bob" or log in with a token as a separate user. username_key
-- holds lower(username COLLATE "C"), unique: the "C" collation folds exactly the ASCII letters
-- usernames may contain, whatever the database locale.
-- Existing data: of names that already differ only by case, the oldest account keeps the name;
-- the later look-alikes keep their rows and messages but get no key and are disabled (with a new
-- rev, so running brokers end their sessions). An operator may re-enable one deliberately.
LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE;
ALTER TABLE users ADD COLUMN username_key TEXT COLLATE "C";
UPDATE users SET username_key = lower(username COLLATE "C")
 WHERE NOT EXISTS (SELECT 1 FROM users AS older
                    WHERE lower(older.username COLLATE "C") = lower(users.username COLLATE "C")
                      AND older.user_id < users.user_id);
UPDATE users SET state = 1, rev = nextval('user_rev_seq')
 WHERE username_key IS NULL AND state = 0;
CREATE UNIQUE INDEX users_username_key_idx ON users (username_key);
