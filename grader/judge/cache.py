"""Content-addressed cache of judge samples in a local SQLite file. The key covers everything
that shapes an answer (files sent, criterion text, template hash, rubric, model, parameters,
sample index), so a second identical grade makes no provider call and any change asks again."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS samples (
  key TEXT PRIMARY KEY,
  model TEXT NOT NULL,
  criterion TEXT NOT NULL,
  created REAL NOT NULL,
  value TEXT NOT NULL
)
"""


def cache_key(**parts) -> str:
    blob = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


class JudgeCache:
    def __init__(self, path: Path):
        self.path = Path(path).expanduser()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(SCHEMA)
        self._db.commit()

    def get(self, key: str) -> dict | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM samples WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, model: str, criterion: str, value: dict) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO samples VALUES (?, ?, ?, ?, ?)",
                             (key, model, criterion, time.time(), json.dumps(value, default=str)))
            self._db.commit()

    def stats(self) -> dict:
        with self._lock:
            total = self._db.execute("SELECT COUNT(*) FROM samples").fetchone()[0]
            by_model = dict(self._db.execute("SELECT model, COUNT(*) FROM samples GROUP BY model").fetchall())
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())
        return {"path": str(self.path), "entries": total, "bytes": size, "by_model": by_model}

    def clear(self) -> int:
        with self._lock:
            n = self._db.execute("DELETE FROM samples").rowcount
            self._db.commit()
            self._db.execute("VACUUM")
        return n

    def close(self) -> None:
        with self._lock:
            self._db.close()
