"""Service settings, read from the environment once per process (GRADER_* variables)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "grader"


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"grader: {name} must be an integer, got {raw!r}") from None


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SystemExit(f"grader: {name} must be a number, got {raw!r}") from None


@dataclass
class Settings:
    data_dir: Path = field(default_factory=_default_data_dir)
    database_url: str = ""  # empty: SQLite file in data_dir
    broker_url: str = ""  # Redis URL: jobs go to Celery workers instead of the in-process pool
    max_upload_bytes: int = 50 * 1024 * 1024
    default_max_active: int = 20  # queued+running jobs per token (or per anonymous loopback user)
    lease_seconds: float = 30.0  # a claimed job is re-queued when its worker stops heart-beating this long
    heartbeat_seconds: float = 5.0
    max_attempts: int = 3
    redispatch_seconds: float = 60.0  # a queued job not claimed this long is sent to the broker again
    require_auth: bool = False  # set when listening beyond loopback

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'grader.db'}"

    @classmethod
    def from_env(cls) -> "Settings":
        data_dir = Path(os.environ["GRADER_DATA_DIR"]) if os.environ.get("GRADER_DATA_DIR") else _default_data_dir()
        return cls(
            data_dir=data_dir,
            database_url=os.environ.get("GRADER_DATABASE_URL", ""),
            broker_url=os.environ.get("GRADER_BROKER_URL", ""),
            max_upload_bytes=_int("GRADER_MAX_UPLOAD_BYTES", 50 * 1024 * 1024),
            default_max_active=_int("GRADER_MAX_ACTIVE_JOBS", 20),
            lease_seconds=_float("GRADER_LEASE_SECONDS", 30.0),
            heartbeat_seconds=_float("GRADER_HEARTBEAT_SECONDS", 5.0),
            max_attempts=_int("GRADER_MAX_ATTEMPTS", 3),
            redispatch_seconds=_float("GRADER_REDISPATCH_SECONDS", 60.0),
            require_auth=os.environ.get("GRADER_REQUIRE_AUTH", "") not in ("", "0", "false"),
        )
