"""SQLite state of the local server: predictions, trainings, stream events, models, versions,
deployments and files. In memory by default; a file (``--db``) survives restarts.

Records are JSON documents next to a few indexed columns; a record JSON responses could not
carry (NaN, lone surrogates) is refused, and such records left by older versions load
repaired. All calls happen on the server's event loop thread; each statement is short, so they
do not need a thread of their own.
"""

from __future__ import annotations

import base64
import os
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .._wait import TERMINAL_STATUSES
from .json_values import dumps_record, loads_record

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS predictions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT UNIQUE NOT NULL,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS predictions_kind ON predictions (kind, seq);
CREATE TABLE IF NOT EXISTS events (
    prediction_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    event TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (prediction_id, seq)
);
CREATE TABLE IF NOT EXISTS models (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (owner, name)
);
CREATE TABLE IF NOT EXISTS versions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    id TEXT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (owner, name, id)
);
CREATE TABLE IF NOT EXISTS deployments (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (owner, name)
);
CREATE TABLE IF NOT EXISTS files (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT UNIQUE NOT NULL,
    path TEXT NOT NULL,
    data TEXT NOT NULL
);
"""

Record = dict[str, Any]
# the one account of this server: it owns every model, deployment and file
ACCOUNT_USERNAME = "local"
# statuses a prediction or training never leaves
TERMINAL = TERMINAL_STATUSES  # the one set the client and CLI use too
# stored outputs name files by id; responses turn these into signed URLs for their origin
FILE_REF_PREFIX = "replicate-ext-local-file:"


class Store:
    """A thin typed wrapper over one SQLite connection."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = None if path is None else Path(path)
        target = ":memory:" if self.path is None else str(self.path)
        # autocommit: every statement is its own transaction, so a crash loses nothing committed
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        if self.path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _exec(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        with self._lock:
            return self._db.execute(sql, params).rowcount

    # --- meta -------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        self._exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # --- predictions and trainings ----------------------------------------------------------

    def insert_prediction(self, kind: str, record: Record) -> None:
        self._exec(
            "INSERT INTO predictions (id, kind, created_at, status, data) VALUES (?, ?, ?, ?, ?)",
            (record["id"], kind, record["created_at"], record["status"], dumps_record(record)),
        )

    def save_prediction(self, record: Record) -> None:
        self._exec(
            "UPDATE predictions SET status = ?, data = ? WHERE id = ?",
            (record["status"], dumps_record(record), record["id"]),
        )

    def get_prediction(self, kind: str, prediction_id: str) -> Record | None:
        rows = self._rows(
            "SELECT data FROM predictions WHERE id = ? AND kind = ?", (prediction_id, kind)
        )
        return _load(rows[0][0]) if rows else None

    def unfinished_predictions(self) -> list[Record]:
        rows = self._rows(
            "SELECT data FROM predictions WHERE status IN ('starting', 'processing') ORDER BY seq"
        )
        return [_load(row[0]) for row in rows]

    def page_predictions(
        self,
        kind: str,
        *,
        limit: int,
        before: int | None = None,
        after: int | None = None,
        created_after: str | None = None,
        created_before: str | None = None,
    ) -> tuple[list[tuple[int, Record]], bool, bool]:
        """Newest first. Returns (rows with their seq, has_newer, has_older)."""
        where = ["kind = ?"]
        params: list[Any] = [kind]
        if created_after is not None:
            where.append("created_at > ?")
            params.append(created_after)
        if created_before is not None:
            where.append("created_at < ?")
            params.append(created_before)
        base = " AND ".join(where)
        if after is not None:
            # walking back towards newer rows: ascending, then flip
            rows = self._rows(
                f"SELECT seq, data FROM predictions WHERE {base} AND seq > ? "
                "ORDER BY seq ASC LIMIT ?",
                (*params, after, limit + 1),
            )
            has_newer = len(rows) > limit
            page = list(reversed(rows[:limit]))
        else:
            cond = f"{base} AND seq < ?" if before is not None else base
            args = (*params, before) if before is not None else tuple(params)
            rows = self._rows(
                f"SELECT seq, data FROM predictions WHERE {cond} ORDER BY seq DESC LIMIT ?",
                (*args, limit + 1),
            )
            page = rows[:limit]
            has_newer = False
        result = [(int(seq), _load(data)) for seq, data in page]
        if not result:
            return [], False, False
        top, bottom = result[0][0], result[-1][0]
        if after is None:
            has_newer = bool(
                self._rows(
                    f"SELECT 1 FROM predictions WHERE {base} AND seq > ? LIMIT 1", (*params, top)
                )
            )
        has_older = bool(
            self._rows(
                f"SELECT 1 FROM predictions WHERE {base} AND seq < ? LIMIT 1", (*params, bottom)
            )
        )
        return result, has_newer, has_older

    # --- stream events ----------------------------------------------------------------------

    def add_event(self, prediction_id: str, seq: int, event: str, data: str) -> None:
        self._exec(
            "INSERT INTO events (prediction_id, seq, event, data) VALUES (?, ?, ?, ?)",
            (prediction_id, seq, event, data),
        )

    def events_after(self, prediction_id: str, seq: int) -> list[tuple[int, str, str]]:
        rows = self._rows(
            "SELECT seq, event, data FROM events WHERE prediction_id = ? AND seq > ? ORDER BY seq",
            (prediction_id, seq),
        )
        return [(int(s), str(e), str(d)) for s, e, d in rows]

    def last_event_seq(self, prediction_id: str) -> int:
        rows = self._rows("SELECT MAX(seq) FROM events WHERE prediction_id = ?", (prediction_id,))
        return -1 if not rows or rows[0][0] is None else int(rows[0][0])

    # --- models and versions ----------------------------------------------------------------

    def upsert_model(self, record: Record) -> None:
        owner, name = record["owner"], record["name"]
        if self.get_model(owner, name) is None:
            self._exec(
                "INSERT INTO models (owner, name, data) VALUES (?, ?, ?)",
                (owner, name, dumps_record(record)),
            )
        else:
            self._exec(
                "UPDATE models SET data = ? WHERE owner = ? AND name = ?",
                (dumps_record(record), owner, name),
            )

    def bump_run_count(self, owner: str, name: str) -> None:
        """Count one more run of a model, read and written under one lock (no lost updates)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT data FROM models WHERE owner = ? AND name = ?", (owner, name)
            ).fetchall()
            if not rows:
                return
            record = _load(rows[0][0])
            record["run_count"] = int(record.get("run_count", 0)) + 1
            self._db.execute(
                "UPDATE models SET data = ? WHERE owner = ? AND name = ?",
                (dumps_record(record), owner, name),
            )

    def get_model(self, owner: str, name: str) -> Record | None:
        rows = self._rows("SELECT data FROM models WHERE owner = ? AND name = ?", (owner, name))
        return _load(rows[0][0]) if rows else None

    def list_models(self) -> list[Record]:
        return [_load(r[0]) for r in self._rows("SELECT data FROM models ORDER BY seq")]

    def delete_model(self, owner: str, name: str) -> bool:
        return self._exec("DELETE FROM models WHERE owner = ? AND name = ?", (owner, name)) > 0

    def add_version(self, owner: str, name: str, record: Record) -> None:
        self._exec(
            "INSERT OR IGNORE INTO versions (owner, name, id, data) VALUES (?, ?, ?, ?)",
            (owner, name, record["id"], dumps_record(record)),
        )

    def versions(self, owner: str, name: str) -> list[Record]:
        """Newest first."""
        rows = self._rows(
            "SELECT data FROM versions WHERE owner = ? AND name = ? ORDER BY seq DESC",
            (owner, name),
        )
        return [_load(r[0]) for r in rows]

    def latest_version(self, owner: str, name: str) -> Record | None:
        rows = self._rows(
            "SELECT data FROM versions WHERE owner = ? AND name = ? ORDER BY seq DESC LIMIT 1",
            (owner, name),
        )
        return _load(rows[0][0]) if rows else None

    def get_version(self, owner: str, name: str, version_id: str) -> Record | None:
        rows = self._rows(
            "SELECT data FROM versions WHERE owner = ? AND name = ? AND id = ?",
            (owner, name, version_id),
        )
        return _load(rows[0][0]) if rows else None

    def find_version(self, version_id: str) -> tuple[str, str, Record] | None:
        rows = self._rows(
            "SELECT owner, name, data FROM versions WHERE id = ? ORDER BY seq DESC LIMIT 1",
            (version_id,),
        )
        if not rows:
            return None
        owner, name, data = rows[0]
        return str(owner), str(name), _load(data)

    def delete_version(self, owner: str, name: str, version_id: str) -> bool:
        return (
            self._exec(
                "DELETE FROM versions WHERE owner = ? AND name = ? AND id = ?",
                (owner, name, version_id),
            )
            > 0
        )

    # --- deployments ------------------------------------------------------------------------

    def save_deployment(self, record: Record) -> None:
        owner, name = record["owner"], record["name"]
        if self.get_deployment(owner, name) is None:
            self._exec(
                "INSERT INTO deployments (owner, name, data) VALUES (?, ?, ?)",
                (owner, name, dumps_record(record)),
            )
        else:
            self._exec(
                "UPDATE deployments SET data = ? WHERE owner = ? AND name = ?",
                (dumps_record(record), owner, name),
            )

    def get_deployment(self, owner: str, name: str) -> Record | None:
        rows = self._rows(
            "SELECT data FROM deployments WHERE owner = ? AND name = ?", (owner, name)
        )
        return _load(rows[0][0]) if rows else None

    def list_deployments(self) -> list[Record]:
        """Newest first."""
        return [_load(r[0]) for r in self._rows("SELECT data FROM deployments ORDER BY seq DESC")]

    def delete_deployment(self, owner: str, name: str) -> bool:
        return self._exec("DELETE FROM deployments WHERE owner = ? AND name = ?", (owner, name)) > 0

    # --- files ------------------------------------------------------------------------------

    def add_file(self, record: Record, path: Path) -> None:
        self._exec(
            "INSERT INTO files (id, path, data) VALUES (?, ?, ?)",
            (record["id"], str(path), dumps_record(record)),
        )

    def get_file(self, file_id: str) -> tuple[Record, Path] | None:
        rows = self._rows("SELECT data, path FROM files WHERE id = ?", (file_id,))
        return (_load(rows[0][0]), Path(rows[0][1])) if rows else None

    def list_files(self) -> list[Record]:
        """Newest first."""
        return [_load(r[0]) for r in self._rows("SELECT data FROM files ORDER BY seq DESC")]

    def delete_file(self, file_id: str) -> Path | None:
        found = self.get_file(file_id)
        if found is None:
            return None
        self._exec("DELETE FROM files WHERE id = ?", (file_id,))
        return found[1]

    def iter_file_paths(self) -> Iterator[Path]:
        for (path,) in self._rows("SELECT path FROM files"):
            yield Path(path)


def _load(data: Any) -> Record:
    value = loads_record(data)
    assert isinstance(value, dict)
    return value


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def new_id() -> str:
    """26 lowercase base32 characters, the shape of Replicate ids."""
    return base64.b32encode(os.urandom(16)).decode().rstrip("=").lower()
