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
from typing import Any, Iterator

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
]
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(Exception):
    pass


class Store:
    def __init__(self, database: str):
        """`database` is a file path or ":memory:"."""
        self.database = database
        self._lock = threading.RLock()
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
        """Open the store for a data directory, or an in-memory one for ":memory:"."""
        if data == ":memory:":
            return cls(":memory:")
        os.makedirs(data, exist_ok=True)
        return cls(os.path.join(data, DB_FILENAME))

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
        with self._transaction() as db:
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

    def integrity_check(self) -> str:
        return self._query("PRAGMA integrity_check")[0][0]


def _page(rows: list[sqlite3.Row], limit: int) -> tuple[list[dict], int | None]:
    items = [json.loads(row["data"]) for row in rows[:limit]]
    next_after = rows[limit - 1]["seq"] if len(rows) > limit else None
    return items, next_after
