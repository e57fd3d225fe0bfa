"""The store: the only module that speaks SQL.

State lives in SQLite: a file in the data directory (WAL mode, so a commit is on
disk in the write-ahead log before a client is answered and survives kill -9),
or `:memory:` for fast tests. Records are kept as JSON documents in the shapes
the API returns, with the columns lookups need beside them.

One connection is shared by all request threads behind a lock; every public
method is one short, complete transaction. Callers never hold the lock across
a trigger invocation, because there is no way to: the lock lives only inside
these methods.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from contextlib import contextmanager
from typing import Any, Iterator, NamedTuple

DB_FILENAME = "emulator.sqlite3"

# Schema migrations, applied in order; PRAGMA user_version records how many ran.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE user_pools (
        seq  INTEGER PRIMARY KEY AUTOINCREMENT,
        id   TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        data TEXT NOT NULL
    );
    CREATE TABLE user_pool_clients (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        id      TEXT NOT NULL UNIQUE,
        pool_id TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
        name    TEXT NOT NULL,
        data    TEXT NOT NULL
    );
    CREATE INDEX user_pool_clients_by_pool ON user_pool_clients(pool_id, seq);
    """,
    """
    CREATE TABLE users (
        seq                INTEGER PRIMARY KEY AUTOINCREMENT,
        pool_id            TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
        username           TEXT NOT NULL,
        username_key       TEXT NOT NULL,
        sub                TEXT NOT NULL,
        status             TEXT NOT NULL,
        enabled            INTEGER NOT NULL,
        phone_number       TEXT,
        email              TEXT,
        preferred_username TEXT,
        data               TEXT NOT NULL,
        UNIQUE (pool_id, username_key)
    );
    CREATE INDEX users_by_phone ON users(pool_id, phone_number);
    CREATE INDEX users_by_email ON users(pool_id, email);
    CREATE INDEX users_by_preferred_username ON users(pool_id, preferred_username);
    CREATE INDEX users_by_sub ON users(pool_id, sub);
    CREATE TABLE codes (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        pool_id    TEXT NOT NULL,
        username   TEXT NOT NULL,
        purpose    TEXT NOT NULL,
        code       TEXT NOT NULL,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        superseded INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX codes_by_user ON codes(pool_id, username, purpose);
    CREATE TABLE attempts (
        pool_id  TEXT NOT NULL,
        username TEXT NOT NULL,
        action   TEXT NOT NULL,
        at       REAL NOT NULL
    );
    CREATE INDEX attempts_by_user ON attempts(pool_id, username, action, at);
    CREATE TABLE messages (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        pool_id     TEXT,
        medium      TEXT NOT NULL,
        destination TEXT NOT NULL,
        subject     TEXT,
        message     TEXT NOT NULL,
        code        TEXT,
        origin      TEXT NOT NULL,
        created_at  REAL NOT NULL
    );
    CREATE INDEX messages_by_destination ON messages(medium, destination, id);
    """,
    """
    CREATE TABLE signing_keys (
        pool_id     TEXT NOT NULL,
        token_use   TEXT NOT NULL,
        kid         TEXT NOT NULL,
        private_pem TEXT NOT NULL,
        PRIMARY KEY (pool_id, token_use)
    );
    CREATE TABLE auth_sessions (
        token      TEXT PRIMARY KEY,
        pool_id    TEXT NOT NULL,
        client_id  TEXT NOT NULL,
        username   TEXT NOT NULL,
        expires_at REAL NOT NULL,
        data       TEXT NOT NULL
    );
    CREATE TABLE refresh_tokens (
        token_hash TEXT PRIMARY KEY,
        origin_jti TEXT NOT NULL UNIQUE,
        pool_id    TEXT NOT NULL,
        client_id  TEXT NOT NULL,
        username   TEXT NOT NULL,
        auth_time  REAL NOT NULL,
        expires_at REAL NOT NULL,
        revoked    INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX refresh_tokens_by_user ON refresh_tokens(pool_id, username);
    CREATE TABLE trigger_invocations (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        pool_id     TEXT,
        username    TEXT,
        data        TEXT NOT NULL
    );
    CREATE INDEX trigger_invocations_by_user ON trigger_invocations(username, id);
    """,
    """
    CREATE TABLE groups (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        pool_id TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
        name    TEXT NOT NULL,
        data    TEXT NOT NULL,
        UNIQUE (pool_id, name)
    );
    CREATE TABLE group_members (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        pool_id    TEXT NOT NULL,
        group_name TEXT NOT NULL,
        username   TEXT NOT NULL,
        UNIQUE (pool_id, group_name, username),
        FOREIGN KEY (pool_id, group_name) REFERENCES groups(pool_id, name) ON DELETE CASCADE
    );
    CREATE INDEX group_members_by_user ON group_members(pool_id, username);
    """,
    """
    CREATE TABLE resource_servers (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        pool_id    TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
        identifier TEXT NOT NULL,
        data       TEXT NOT NULL,
        UNIQUE (pool_id, identifier)
    );
    CREATE TABLE domains (
        domain  TEXT PRIMARY KEY,
        pool_id TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
        data    TEXT NOT NULL
    );
    ALTER TABLE refresh_tokens ADD COLUMN scope TEXT;
    CREATE TABLE hosted_sessions (
        token      TEXT PRIMARY KEY,
        pool_id    TEXT NOT NULL,
        username   TEXT NOT NULL,
        expires_at REAL NOT NULL,
        data       TEXT NOT NULL
    );
    """,
    """
    CREATE INDEX users_by_email_any_case ON users(pool_id, lower(email));
    CREATE INDEX users_by_preferred_username_any_case ON users(pool_id, lower(preferred_username));
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(Exception):
    pass


class DataDirectoryError(StoreError):
    """The data directory cannot hold the database; the message says why, naming the path."""


class UsernameTaken(StoreError):
    pass


class GroupTaken(StoreError):
    pass


class ResourceServerTaken(StoreError):
    pass


class DomainTaken(StoreError):
    pass


class AttributeTaken(StoreError):
    def __init__(self, attribute: str):
        super().__init__(attribute)
        self.attribute = attribute


KEPT_INVOCATIONS = 10_000
SESSION_SWEEP_SECONDS = 60

# User attributes kept in columns of their own, for look-ups and filters.
USER_COLUMNS = ("phone_number", "email", "preferred_username")
CASED_COLUMNS = ("email", "preferred_username")


class Unique(NamedTuple):
    """The attributes no two users of a pool may share, and whether their values match in any case."""
    attributes: tuple[str, ...] = ()
    any_case: bool = False


def _matches(column: str, any_case: bool) -> str:
    """SQL for `column` equal to a parameter; in any case through the lower() indexes (phone numbers and subs have no
    case)."""
    return f"lower({column}) = lower(?)" if any_case and column in CASED_COLUMNS else f"{column} = ?"


class Store:
    def __init__(self, database: str):
        """`database` is a file path or ":memory:"."""
        self.database = database
        self._lock = threading.RLock()
        self._sessions_swept_at = float("-inf")
        self._db = sqlite3.connect(database, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        if database != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a commit survives the process being killed;
            # only an OS crash or power cut could lose the last commits.
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._migrate()

    @classmethod
    def open(cls, data: str) -> "Store":
        """Open the store for a data directory (made if missing), or an in-memory one for ":memory:"."""
        if data == ":memory:":
            return cls(":memory:")
        if os.path.exists(data) and not os.path.isdir(data):
            raise DataDirectoryError(f"--data {data} is a file, not a directory: give a directory (it is made if "
                                     "missing) or ':memory:'")
        try:
            os.makedirs(data, exist_ok=True)
        except OSError as error:
            raise DataDirectoryError(f"--data {data}: cannot make the directory ({error.strerror})") from None
        database = os.path.join(data, DB_FILENAME)
        try:
            return cls(database)
        except sqlite3.Error as error:
            raise DataDirectoryError(f"--data {data}: cannot open {database} for writing ({error}); check that the "
                                     "directory is writable, or use --data ':memory:'") from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def _oldest_first(self, sql: str, args: list, latest: int | None) -> list[sqlite3.Row]:
        """Rows of a listing query by id, oldest first; `latest` keeps only the newest N of them."""
        if latest is not None:
            sql, args = f"SELECT * FROM ({sql} ORDER BY id DESC LIMIT ?)", [*args, latest]
        return self._query(sql + " ORDER BY id", tuple(args))

    def _migrate(self) -> None:
        with self._lock:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.database} has schema version {version}; this emulator knows up to {SCHEMA_VERSION}"
                )
            for number in range(version, SCHEMA_VERSION):
                with self._transaction() as db:
                    # executescript would commit on its own; run statements one by one instead.
                    for statement in MIGRATIONS[number].split(";"):
                        if statement.strip():
                            db.execute(statement)
                    db.execute(f"PRAGMA user_version={number + 1}")

    @property
    def schema_version(self) -> int:
        return self._query("PRAGMA user_version")[0][0]

    # -- meta: small emulator-wide values (the clock offset, ...) ------------------

    def get_meta(self, key: str, default: Any = None) -> Any:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return json.loads(rows[0]["value"]) if rows else default

    def set_meta(self, key: str, value: Any) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    # -- user pools: documents in UserPoolType's shape ------------------------------

    def insert_pool(self, pool: dict) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO user_pools(id, name, data) VALUES (?, ?, ?)",
                (pool["Id"], pool["Name"], json.dumps(pool)),
            )

    def replace_pool(self, pool: dict) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE user_pools SET name = ?, data = ? WHERE id = ?",
                (pool["Name"], json.dumps(pool), pool["Id"]),
            )

    def get_pool(self, pool_id: str) -> dict | None:
        rows = self._query("SELECT data FROM user_pools WHERE id = ?", (pool_id,))
        return json.loads(rows[0]["data"]) if rows else None

    def find_pool_by_name(self, name: str) -> dict | None:
        rows = self._query("SELECT data FROM user_pools WHERE name = ? ORDER BY seq LIMIT 1", (name,))
        return json.loads(rows[0]["data"]) if rows else None

    def delete_pool(self, pool_id: str) -> bool:
        """The pool and everything of it: clients, users and groups go by foreign key, the rest here (a pool made
        again with the same pinned id starts empty, and no old refresh token or code works in it)."""
        with self._transaction() as db:
            for table in ("codes", "attempts", "auth_sessions", "refresh_tokens"):
                db.execute(f"DELETE FROM {table} WHERE pool_id = ?", (pool_id,))
            return db.execute("DELETE FROM user_pools WHERE id = ?", (pool_id,)).rowcount > 0

    def list_pools(self, limit: int, after: int = 0) -> tuple[list[dict], int | None]:
        """One page of pools in creation order, and the cursor of the next page (None at the end)."""
        rows = self._query(
            "SELECT seq, data FROM user_pools WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit + 1)
        )
        return _page(rows, limit)

    # -- app clients: documents in UserPoolClientType's shape -----------------------

    def insert_client(self, client: dict) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO user_pool_clients(id, pool_id, name, data) VALUES (?, ?, ?, ?)",
                (client["ClientId"], client["UserPoolId"], client["ClientName"], json.dumps(client)),
            )

    def replace_client(self, client: dict) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE user_pool_clients SET name = ?, data = ? WHERE id = ?",
                (client["ClientName"], json.dumps(client), client["ClientId"]),
            )

    def get_client(self, client_id: str) -> dict | None:
        rows = self._query("SELECT data FROM user_pool_clients WHERE id = ?", (client_id,))
        return json.loads(rows[0]["data"]) if rows else None

    def find_client_by_name(self, pool_id: str, name: str) -> dict | None:
        rows = self._query(
            "SELECT data FROM user_pool_clients WHERE pool_id = ? AND name = ? ORDER BY seq LIMIT 1",
            (pool_id, name),
        )
        return json.loads(rows[0]["data"]) if rows else None

    def delete_client(self, client_id: str) -> bool:
        with self._transaction() as db:
            return db.execute("DELETE FROM user_pool_clients WHERE id = ?", (client_id,)).rowcount > 0

    def list_clients(self, pool_id: str, limit: int, after: int = 0) -> tuple[list[dict], int | None]:
        rows = self._query(
            "SELECT seq, data FROM user_pool_clients WHERE pool_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            (pool_id, after, limit + 1),
        )
        return _page(rows, limit)

    # -- users: documents {"Username", "Key", "Attributes": {...}, "UserStatus", "Enabled", ...} ------

    def insert_user(self, pool_id: str, user: dict, unique: Unique = Unique()) -> None:
        """Add a user unless its username, or any of the `unique` attributes, is taken in the pool.

        The check and the insert are one transaction, so of two concurrent sign-ups of the
        same number exactly one wins.
        """
        self.insert_users(pool_id, [user], unique)

    def insert_users(self, pool_id: str, users: list[dict], unique: Unique = Unique()) -> None:
        """Add many users in one transaction: all of them, or none if any name is taken."""
        with self._transaction() as db:
            for user in users:
                self._check_unique(db, pool_id, user, unique)
                try:
                    db.execute(
                        "INSERT INTO users(pool_id, username, username_key, sub, status, enabled, phone_number, email,"
                        " preferred_username, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (pool_id, user["Username"], user["Key"], *self._user_columns(user), json.dumps(user)),
                    )
                except sqlite3.IntegrityError:
                    raise UsernameTaken(user["Username"]) from None

    def replace_user(self, pool_id: str, user: dict, unique: Unique = Unique()) -> None:
        with self._transaction() as db:
            self._check_unique(db, pool_id, user, unique)
            db.execute(
                "UPDATE users SET sub = ?, status = ?, enabled = ?, phone_number = ?, email = ?, preferred_username = ?,"
                " data = ? WHERE pool_id = ? AND username_key = ?",
                (*self._user_columns(user), json.dumps(user), pool_id, user["Key"]),
            )

    @staticmethod
    def _user_columns(user: dict) -> tuple:
        attributes = user["Attributes"]
        return (attributes["sub"], user["UserStatus"], int(user["Enabled"]),
                *(attributes.get(name) for name in USER_COLUMNS))

    @staticmethod
    def _check_unique(db: sqlite3.Connection, pool_id: str, user: dict, unique: Unique) -> None:
        for attribute in unique.attributes:
            value = user["Attributes"].get(attribute)
            if value is None:
                continue
            if attribute not in USER_COLUMNS:
                raise StoreError(f"{attribute} has no column to check uniqueness on")
            taken = db.execute(
                f"SELECT 1 FROM users WHERE pool_id = ? AND {_matches(attribute, unique.any_case)}"
                " AND username_key != ? LIMIT 1",
                (pool_id, value, user["Key"]),
            ).fetchone()
            if taken:
                raise AttributeTaken(attribute)

    def get_user(self, pool_id: str, key: str) -> dict | None:
        rows = self._query("SELECT data FROM users WHERE pool_id = ? AND username_key = ?", (pool_id, key))
        return json.loads(rows[0]["data"]) if rows else None

    def find_users(self, pool_id: str, column: str, value: str, *, any_case: bool = False) -> list[dict]:
        """Users whose `column` (sub or one of USER_COLUMNS) equals `value` (in any case if `any_case`), oldest
        first."""
        if column not in (*USER_COLUMNS, "sub"):
            raise StoreError(f"cannot look users up by {column}")
        rows = self._query(f"SELECT data FROM users WHERE pool_id = ? AND {_matches(column, any_case)} ORDER BY seq",
                           (pool_id, value))
        return [json.loads(row["data"]) for row in rows]

    def delete_user(self, pool_id: str, key: str, username: str) -> bool:
        with self._transaction() as db:
            for table in ("codes", "attempts", "group_members"):
                db.execute(f"DELETE FROM {table} WHERE pool_id = ? AND username = ?", (pool_id, username))
            return db.execute("DELETE FROM users WHERE pool_id = ? AND username_key = ?", (pool_id, key)).rowcount > 0

    def iter_users(self, pool_id: str, after: int = 0, batch: int = 500) -> Iterator[tuple[int, dict]]:
        """(cursor, user) for every user after `after`, in creation order, read a batch at a time."""
        while True:
            rows = self._query("SELECT seq, data FROM users WHERE pool_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                               (pool_id, after, batch))
            for row in rows:
                yield row["seq"], json.loads(row["data"])
            if len(rows) < batch:
                return
            after = rows[-1]["seq"]

    def count_users(self, pool_id: str) -> int:
        return self._query("SELECT count(*) FROM users WHERE pool_id = ?", (pool_id,))[0][0]

    def list_users(self, pool_id: str, limit: int, after: int = 0, where: tuple[str, str, str] | None = None
                   ) -> tuple[list[dict], int | None]:
        """One page of users; `where` is (column, "=" or "^=", value) on a user column, sub, username or status."""
        sql, args = "SELECT seq, data FROM users WHERE pool_id = ? AND seq > ?", [pool_id, after]
        if where is not None:
            column, operator, value = where
            if column not in (*USER_COLUMNS, "sub", "username", "status", "enabled"):
                raise StoreError(f"cannot filter users on {column}")
            if operator == "=":
                sql += f" AND {column} = ?"
                args.append(value)
            else:  # prefix: a range, so an index serves it and no LIKE wildcard needs escaping
                sql += f" AND {column} >= ? AND {column} < ?"
                args += [value, value + "\U0010ffff"]
        rows = self._query(sql + " ORDER BY seq LIMIT ?", (*args, limit + 1))
        return _page(rows, limit)

    # -- groups: documents in GroupType's shape, and who is in them ------------------

    def insert_group(self, pool_id: str, group: dict) -> None:
        with self._transaction() as db:
            try:
                db.execute("INSERT INTO groups(pool_id, name, data) VALUES (?, ?, ?)",
                           (pool_id, group["GroupName"], json.dumps(group)))
            except sqlite3.IntegrityError:
                raise GroupTaken(group["GroupName"]) from None

    def get_group(self, pool_id: str, name: str) -> dict | None:
        rows = self._query("SELECT data FROM groups WHERE pool_id = ? AND name = ?", (pool_id, name))
        return json.loads(rows[0]["data"]) if rows else None

    def replace_group(self, pool_id: str, group: dict) -> None:
        with self._transaction() as db:
            db.execute("UPDATE groups SET data = ? WHERE pool_id = ? AND name = ?",
                       (json.dumps(group), pool_id, group["GroupName"]))

    def delete_group(self, pool_id: str, name: str) -> bool:
        """Delete a group; its memberships go with it."""
        with self._transaction() as db:
            return db.execute("DELETE FROM groups WHERE pool_id = ? AND name = ?", (pool_id, name)).rowcount > 0

    def list_groups(self, pool_id: str, limit: int, after: int = 0) -> tuple[list[dict], int | None]:
        rows = self._query("SELECT seq, data FROM groups WHERE pool_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                           (pool_id, after, limit + 1))
        return _page(rows, limit)

    def add_group_member(self, pool_id: str, group_name: str, username: str) -> None:
        """Idempotent: adding a member twice keeps one membership."""
        with self._transaction() as db:
            db.execute("INSERT OR IGNORE INTO group_members(pool_id, group_name, username) VALUES (?, ?, ?)",
                       (pool_id, group_name, username))

    def remove_group_member(self, pool_id: str, group_name: str, username: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM group_members WHERE pool_id = ? AND group_name = ? AND username = ?",
                       (pool_id, group_name, username))

    def count_groups_of_user(self, pool_id: str, username: str) -> int:
        return self._query("SELECT count(*) FROM group_members WHERE pool_id = ? AND username = ?",
                           (pool_id, username))[0][0]

    def list_groups_of_user(self, pool_id: str, username: str, limit: int | None = None, after: int = 0
                            ) -> tuple[list[dict], int | None]:
        """The user's groups in the order they were created; without `limit`, all of them."""
        sql = ("SELECT g.seq, g.data FROM groups g JOIN group_members m ON m.pool_id = g.pool_id"
               " AND m.group_name = g.name WHERE m.pool_id = ? AND m.username = ? AND g.seq > ? ORDER BY g.seq")
        if limit is None:
            return [json.loads(row["data"]) for row in self._query(sql, (pool_id, username, after))], None
        return _page(self._query(sql + " LIMIT ?", (pool_id, username, after, limit + 1)), limit)

    def group_names_by_user(self, pool_id: str) -> dict[str, list[str]]:
        """Every member of the pool's groups → the names of their groups, in the groups' creation order."""
        names: dict[str, list[str]] = {}
        for row in self._query("SELECT m.username, g.name FROM group_members m JOIN groups g ON g.pool_id = m.pool_id"
                               " AND g.name = m.group_name WHERE m.pool_id = ? ORDER BY g.seq", (pool_id,)):
            names.setdefault(row["username"], []).append(row["name"])
        return names

    def list_group_members(self, pool_id: str, group_name: str, limit: int, after: int = 0
                           ) -> tuple[list[dict], int | None]:
        """One page of a group's users, in the order they joined."""
        rows = self._query(
            "SELECT m.seq, u.data FROM group_members m JOIN users u ON u.pool_id = m.pool_id AND u.username = m.username"
            " WHERE m.pool_id = ? AND m.group_name = ? AND m.seq > ? ORDER BY m.seq LIMIT ?",
            (pool_id, group_name, after, limit + 1))
        return _page(rows, limit)

    # -- one-time codes (confirmation, attribute verification, ...) -----------------

    def replace_code(self, pool_id: str, username: str, purpose: str, code: str, created_at: float,
                     expires_at: float) -> None:
        """A new code for the purpose; older ones are kept only to tell "superseded" from "wrong"."""
        with self._transaction() as db:
            db.execute("UPDATE codes SET superseded = 1 WHERE pool_id = ? AND username = ? AND purpose = ?",
                       (pool_id, username, purpose))
            db.execute(
                "INSERT INTO codes(pool_id, username, purpose, code, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                (pool_id, username, purpose, code, created_at, expires_at),
            )

    def get_codes(self, pool_id: str, username: str, purpose: str) -> list[dict]:
        """The user's codes for the purpose, newest first: {"code", "expires_at", "superseded"}."""
        rows = self._query(
            "SELECT code, expires_at, superseded FROM codes WHERE pool_id = ? AND username = ? AND purpose = ?"
            " ORDER BY id DESC", (pool_id, username, purpose),
        )
        return [{"code": row["code"], "expires_at": row["expires_at"], "superseded": bool(row["superseded"])}
                for row in rows]

    def use_codes(self, pool_id: str, username: str, purpose: str) -> int:
        """Mark the user's live codes for the purpose used; how many there were (0: another request used
        them first). Used codes are kept, so a late try reads as expired rather than wrong."""
        with self._transaction() as db:
            return db.execute("UPDATE codes SET superseded = 1 WHERE pool_id = ? AND username = ? AND purpose = ?"
                              " AND superseded = 0", (pool_id, username, purpose)).rowcount

    # -- attempts, for per-user rate limits ----------------------------------------

    def count_and_record_attempt(self, pool_id: str, username: str, action: str, now: float, window: float) -> int:
        """Record an attempt; return how many there were in the window before it."""
        with self._transaction() as db:
            db.execute("DELETE FROM attempts WHERE pool_id = ? AND username = ? AND action = ? AND at <= ?",
                       (pool_id, username, action, now - window))
            count = db.execute("SELECT count(*) FROM attempts WHERE pool_id = ? AND username = ? AND action = ?",
                               (pool_id, username, action)).fetchone()[0]
            db.execute("INSERT INTO attempts(pool_id, username, action, at) VALUES (?, ?, ?, ?)",
                       (pool_id, username, action, now))
            return count

    # -- messages: every SMS and email the emulator would have sent -----------------

    def insert_message(self, message: dict) -> int:
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO messages(pool_id, medium, destination, subject, message, code, origin, created_at)"
                " VALUES (:pool_id, :medium, :destination, :subject, :message, :code, :origin, :created_at)",
                {"subject": None, "code": None, "pool_id": None, **message},
            )
            return cursor.lastrowid

    def list_messages(self, medium: str, destination: str | None = None, since: int = 0,
                      latest: int | None = None, contains: str | None = None) -> list[dict]:
        """Messages oldest first; `contains` keeps those whose destination holds that text (any case);
        `latest` keeps only the newest N of them."""
        where, args = self._message_filter(medium, destination, contains)
        return [dict(row) for row in self._oldest_first(f"SELECT * FROM messages WHERE {where} AND id > ?",
                                                        [*args, since], latest)]

    def delete_messages(self, medium: str, destination: str | None = None, contains: str | None = None) -> int:
        where, args = self._message_filter(medium, destination, contains)
        with self._transaction() as db:
            return db.execute(f"DELETE FROM messages WHERE {where}", args).rowcount

    @staticmethod
    def _message_filter(medium: str, destination: str | None, contains: str | None) -> tuple[str, list]:
        where, args = "medium = ?", [medium]
        if destination is not None:
            where += " AND destination = ?"
            args.append(destination)
        if contains:
            where += " AND instr(lower(destination), ?) > 0"
            args.append(contains.lower())
        return where, args

    # -- signing keys: one RSA key per pool and token use --------------------------

    def get_signing_keys(self, pool_id: str) -> dict[str, dict]:
        rows = self._query("SELECT token_use, kid, private_pem FROM signing_keys WHERE pool_id = ?", (pool_id,))
        return {row["token_use"]: {"kid": row["kid"], "private_pem": row["private_pem"]} for row in rows}

    def add_signing_key(self, pool_id: str, token_use: str, kid: str, private_pem: str) -> dict:
        """Keep the key unless another thread stored one first; returns the key in force."""
        with self._transaction() as db:
            db.execute("INSERT OR IGNORE INTO signing_keys(pool_id, token_use, kid, private_pem) VALUES (?, ?, ?, ?)",
                       (pool_id, token_use, kid, private_pem))
            row = db.execute("SELECT kid, private_pem FROM signing_keys WHERE pool_id = ? AND token_use = ?",
                             (pool_id, token_use)).fetchone()
            return {"kid": row["kid"], "private_pem": row["private_pem"]}

    # -- auth sessions: single-use, expiring challenge state ---------------------------

    def insert_auth_session(self, token: str, pool_id: str, client_id: str, username: str, expires_at: float,
                            data: dict) -> None:
        with self._transaction() as db:
            db.execute("INSERT INTO auth_sessions(token, pool_id, client_id, username, expires_at, data)"
                       " VALUES (?, ?, ?, ?, ?, ?)", (token, pool_id, client_id, username, expires_at, json.dumps(data)))

    def take_auth_session(self, token: str) -> dict | None:
        """Remove and return a session: of two requests with the same session, only one gets it."""
        with self._transaction() as db:
            row = db.execute("DELETE FROM auth_sessions WHERE token = ? RETURNING pool_id, client_id, username,"
                             " expires_at, data", (token,)).fetchone()
        if row is None:
            return None
        return {"pool_id": row["pool_id"], "client_id": row["client_id"], "username": row["username"],
                "expires_at": row["expires_at"], **json.loads(row["data"])}

    def delete_expired_auth_sessions(self, now: float) -> None:
        """Forget expired sessions, at most once a clock minute: a session's expiry is checked when it is taken,
        so this only keeps the table small, and sweeping on every sign-in step was a transaction each."""
        if 0 <= now - self._sessions_swept_at < SESSION_SWEEP_SECONDS:
            return
        with self._transaction() as db:
            db.execute("DELETE FROM auth_sessions WHERE expires_at < ?", (now,))
        self._sessions_swept_at = now

    # -- resource servers and domains (the OAuth 2.0 configuration of a pool) -----------------

    def insert_resource_server(self, pool_id: str, server: dict) -> None:
        try:
            with self._transaction() as db:
                db.execute("INSERT INTO resource_servers(pool_id, identifier, data) VALUES (?, ?, ?)",
                           (pool_id, server["Identifier"], json.dumps(server)))
        except sqlite3.IntegrityError:
            raise ResourceServerTaken(server["Identifier"]) from None

    def replace_resource_server(self, pool_id: str, server: dict) -> None:
        with self._transaction() as db:
            db.execute("UPDATE resource_servers SET data = ? WHERE pool_id = ? AND identifier = ?",
                       (json.dumps(server), pool_id, server["Identifier"]))

    def get_resource_server(self, pool_id: str, identifier: str) -> dict | None:
        rows = self._query("SELECT data FROM resource_servers WHERE pool_id = ? AND identifier = ?",
                           (pool_id, identifier))
        return json.loads(rows[0]["data"]) if rows else None

    def delete_resource_server(self, pool_id: str, identifier: str) -> bool:
        with self._transaction() as db:
            return db.execute("DELETE FROM resource_servers WHERE pool_id = ? AND identifier = ?",
                              (pool_id, identifier)).rowcount > 0

    def list_resource_servers(self, pool_id: str, limit: int | None = None, after: int = 0
                              ) -> tuple[list[dict], int | None]:
        rows = self._query("SELECT seq, data FROM resource_servers WHERE pool_id = ? AND seq > ? ORDER BY seq"
                           + ("" if limit is None else " LIMIT ?"),
                           (pool_id, after) + (() if limit is None else (limit + 1,)))
        if limit is None:
            return [json.loads(row["data"]) for row in rows], None
        return _page(rows, limit)

    def insert_domain(self, domain: str, pool_id: str, data: dict) -> None:
        try:
            with self._transaction() as db:
                db.execute("INSERT INTO domains(domain, pool_id, data) VALUES (?, ?, ?)",
                           (domain, pool_id, json.dumps(data)))
        except sqlite3.IntegrityError:
            raise DomainTaken(domain) from None

    def replace_domain(self, domain: str, data: dict) -> None:
        with self._transaction() as db:
            db.execute("UPDATE domains SET data = ? WHERE domain = ?", (json.dumps(data), domain))

    def get_domain(self, domain: str) -> dict | None:
        rows = self._query("SELECT pool_id, data FROM domains WHERE domain = ?", (domain,))
        return {"pool_id": rows[0]["pool_id"], **json.loads(rows[0]["data"])} if rows else None

    def domains_of_pool(self, pool_id: str) -> list[dict]:
        return [{"Domain": row["domain"], **json.loads(row["data"])}
                for row in self._query("SELECT domain, data FROM domains WHERE pool_id = ?", (pool_id,))]

    def delete_domain(self, domain: str) -> bool:
        with self._transaction() as db:
            return db.execute("DELETE FROM domains WHERE domain = ?", (domain,)).rowcount > 0

    # -- hosted sign-in sessions (the managed login's cookie) -------------------------------

    def insert_hosted_session(self, token: str, pool_id: str, username: str, expires_at: float, data: dict) -> None:
        with self._transaction() as db:
            db.execute("INSERT INTO hosted_sessions(token, pool_id, username, expires_at, data) VALUES (?, ?, ?, ?, ?)",
                       (token, pool_id, username, expires_at, json.dumps(data)))

    def get_hosted_session(self, token: str) -> dict | None:
        rows = self._query("SELECT pool_id, username, expires_at, data FROM hosted_sessions WHERE token = ?", (token,))
        if not rows:
            return None
        row = rows[0]
        return {"pool_id": row["pool_id"], "username": row["username"], "expires_at": row["expires_at"],
                **json.loads(row["data"])}

    def delete_hosted_session(self, token: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM hosted_sessions WHERE token = ?", (token,))

    # -- refresh tokens (stored as hashes) ---------------------------------------------

    def insert_refresh_token(self, record: dict) -> None:
        with self._transaction() as db:
            db.execute("INSERT INTO refresh_tokens(token_hash, origin_jti, pool_id, client_id, username, auth_time,"
                       " expires_at, scope) VALUES (:token_hash, :origin_jti, :pool_id, :client_id, :username,"
                       " :auth_time, :expires_at, :scope)", {"scope": None, **record})

    def get_refresh_token(self, token_hash: str) -> dict | None:
        rows = self._query("SELECT * FROM refresh_tokens WHERE token_hash = ?", (token_hash,))
        return dict(rows[0]) if rows else None

    def origin_revoked(self, origin_jti: str) -> bool:
        """Whether the sign-in an access or ID token came from has been revoked (or signed out)."""
        rows = self._query("SELECT revoked FROM refresh_tokens WHERE origin_jti = ?", (origin_jti,))
        return bool(rows[0]["revoked"]) if rows else True

    def revoke_refresh_token(self, token_hash: str) -> None:
        with self._transaction() as db:
            db.execute("UPDATE refresh_tokens SET revoked = 1 WHERE token_hash = ?", (token_hash,))

    def expire_refresh_token(self, token_hash: str, expires_at: float) -> None:
        with self._transaction() as db:
            db.execute("UPDATE refresh_tokens SET expires_at = min(expires_at, ?) WHERE token_hash = ?",
                       (expires_at, token_hash))

    def revoke_user_tokens(self, pool_id: str, username: str) -> int:
        with self._transaction() as db:
            return db.execute("UPDATE refresh_tokens SET revoked = 1 WHERE pool_id = ? AND username = ? AND revoked = 0",
                              (pool_id, username)).rowcount

    # -- trigger invocations, for /_emulator/triggers -----------------------------------

    def insert_trigger_invocation(self, pool_id: str | None, username: str | None, record: dict) -> int:
        """Record an invocation; only the newest KEPT_INVOCATIONS are kept, so the trace cannot grow without end."""
        with self._transaction() as db:
            new_id = db.execute("INSERT INTO trigger_invocations(pool_id, username, data) VALUES (?, ?, ?)",
                                (pool_id, username, json.dumps(record, default=repr))).lastrowid
            if new_id % 1000 == 0:
                db.execute("DELETE FROM trigger_invocations WHERE id <= ?", (new_id - KEPT_INVOCATIONS,))
            return new_id

    def list_trigger_invocations(self, username: str | list[str] | None = None, since: int = 0,
                                 latest: int | None = None) -> list[dict]:
        """Invocations oldest first; `username` one event userName, or any of a list of them."""
        sql, args = "SELECT id, data FROM trigger_invocations WHERE id > ?", [since]
        if username is not None:
            names = [username] if isinstance(username, str) else list(username)
            sql += f" AND username IN ({', '.join('?' * len(names))})"
            args.extend(names)
        return [{"id": row["id"], **json.loads(row["data"])} for row in self._oldest_first(sql, args, latest)]

    def delete_trigger_invocations(self) -> int:
        with self._transaction() as db:
            return db.execute("DELETE FROM trigger_invocations").rowcount

    def reset(self) -> None:
        """Forget everything but the signing keys (pool ids of a seed are stable, and keys are slow to make)."""
        with self._transaction() as db:
            for table in ("resource_servers", "domains", "hosted_sessions", "group_members", "groups", "users", "codes", "attempts", "messages", "auth_sessions",
                          "refresh_tokens", "trigger_invocations", "user_pool_clients", "user_pools", "meta"):
                db.execute(f"DELETE FROM {table}")

    def integrity_check(self) -> str:
        return self._query("PRAGMA integrity_check")[0][0]


def _page(rows: list[sqlite3.Row], limit: int) -> tuple[list[dict], int | None]:
    items = [json.loads(row["data"]) for row in rows[:limit]]
    next_after = rows[limit - 1]["seq"] if len(rows) > limit else None
    return items, next_after
