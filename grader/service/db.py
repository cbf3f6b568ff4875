"""Engine, sessions and migration state. SQLite runs in WAL mode so the API reads while workers write."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from grader.service.config import Settings

MIGRATIONS = Path(__file__).with_name("migrations")


class NotMigrated(Exception):
    """The database schema is not at the newest migration."""


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]  # psycopg 3, not the psycopg2 default
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str) -> tuple[str | None, str]:
    """Migrate to the newest revision; returns (before, after)."""
    from alembic import command

    engine = make_engine(url)
    try:
        before, head = migration_state(engine, url)
    finally:
        engine.dispose()
    command.upgrade(alembic_config(url), "head")
    return before, head


def migration_state(engine: Engine, url: str) -> tuple[str | None, str]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head() or ""
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current, head


def require_migrated(engine: Engine, url: str) -> None:
    current, head = migration_state(engine, url)
    if current != head:
        where = "empty" if current is None else f"at revision {current}"
        raise NotMigrated(f"the database is {where}, the service needs revision {head}: run `grader db upgrade` "
                          "(with the same GRADER_DATABASE_URL / GRADER_DATA_DIR) first")


class Database:
    """One engine and session factory per process."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.url = settings.db_url
        self.engine = make_engine(self.url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self.sessions()

    def check(self) -> None:
        require_migrated(self.engine, self.url)

    def dispose(self) -> None:
        self.engine.dispose()
