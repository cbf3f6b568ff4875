"""`grader serve`, `grader serve token create|list|revoke`, `grader db upgrade|current`, `grader worker`.

Typer only at import: fastapi, sqlalchemy, uvicorn and celery load when a command runs."""

from __future__ import annotations

import ipaddress
from typing import Optional

import typer

serve_app = typer.Typer(help="Run the grading service (HTTP API + web UI).", invoke_without_command=True,
                        no_args_is_help=False)
token_app = typer.Typer(help="API tokens (bearer tokens; only their hash is stored).", no_args_is_help=True)
db_app = typer.Typer(help="The service database (SQLite in the data directory, or GRADER_DATABASE_URL).",
                     no_args_is_help=True)
serve_app.add_typer(token_app, name="token")


def _fail(message: str) -> None:
    typer.echo(f"grader: {message}", err=True)
    raise typer.Exit(code=2)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _settings():
    from grader.service.config import Settings

    return Settings.from_env()


def _database(settings):
    from sqlalchemy.exc import SQLAlchemyError

    from grader.service.db import Database, NotMigrated

    try:
        db = Database(settings)
        db.check()
    except NotMigrated as exc:
        _fail(str(exc))
    except (SQLAlchemyError, OSError) as exc:
        _fail(f"cannot open the database {_safe_url(settings.db_url)}: {' '.join(str(exc).split())[:300]}")
    return db


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001
        return "<unparseable URL>"


@serve_app.callback()
def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host",
                             help="Address to listen on; beyond loopback, tokens are required."),
    port: int = typer.Option(8000, "--port", min=0, max=65535),
    workers: int = typer.Option(
        2, "--workers", min=0, max=64,
        help="In-process grading threads; 0 with GRADER_BROKER_URL hands jobs to `grader worker`."),
) -> None:
    """Start the service: API under /api/v1 (OpenAPI at /api/v1/docs) and the web UI at /."""
    if ctx.invoked_subcommand is not None:
        return
    from sqlalchemy.exc import SQLAlchemyError

    from grader.service.db import NotMigrated

    settings = _settings()
    if not is_loopback(host):
        settings.require_auth = True
    try:
        from grader.service.app import create_app

        app = create_app(settings, workers=workers)
    except NotMigrated as exc:
        _fail(str(exc))
    except (SQLAlchemyError, OSError) as exc:
        _fail(f"cannot open the database {_safe_url(settings.db_url)}: {' '.join(str(exc).split())[:300]}")
    import uvicorn

    mode = "celery workers" if settings.broker_url and workers == 0 else f"{workers} in-process workers"
    typer.echo(f"grader service on http://{host}:{port}/ (database {_safe_url(settings.db_url)}, {mode}"
               f"{', tokens required' if settings.require_auth else ''})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@token_app.command("create")
def token_create(name: str = typer.Argument(..., help="Who or what uses the token."),
                 max_active: Optional[int] = typer.Option(
                     None, "--max-active", min=1, help="Jobs queued or running at once (default: server's).")) -> None:
    """Create a token and print it once (store it: only its hash is kept)."""
    from grader.service.auth import create_token

    db = _database(_settings())
    with db.session() as s:
        try:
            token = create_token(s, name, max_active)
        except ValueError as exc:
            _fail(str(exc))
    typer.echo(token)


@token_app.command("list")
def token_list() -> None:
    """Token names, creation time and whether revoked (never the tokens)."""
    from sqlalchemy import select

    from grader.service.jobs import iso
    from grader.service.models import ApiToken

    db = _database(_settings())
    with db.session() as s:
        for t in s.execute(select(ApiToken).order_by(ApiToken.name)).scalars():
            state = f"revoked {iso(t.revoked_at)}" if t.revoked_at else "active"
            typer.echo(f"{t.name}\tcreated {iso(t.created_at)}\t{state}\tmax_active={t.max_active or 'default'}")


@token_app.command("revoke")
def token_revoke(name: str = typer.Argument(...)) -> None:
    """Revoke a token by name."""
    from grader.service.auth import revoke_token

    db = _database(_settings())
    with db.session() as s:
        if not revoke_token(s, name):
            _fail(f"no active token named {name!r} (see `grader serve token list`)")
    typer.echo(f"revoked {name}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database to the newest schema."""
    from sqlalchemy.exc import SQLAlchemyError

    from grader.service.db import upgrade

    settings = _settings()
    try:
        before, head = upgrade(settings.db_url)
    except (SQLAlchemyError, OSError) as exc:
        _fail(f"cannot migrate {_safe_url(settings.db_url)}: {' '.join(str(exc).split())[:300]}")
    was = before or "empty"
    typer.echo(f"database {_safe_url(settings.db_url)}: {was} -> {head}" if was != head
               else f"database {_safe_url(settings.db_url)} is at {head} already")


@db_app.command("current")
def db_current() -> None:
    """Print the database's revision and the newest one."""
    from sqlalchemy.exc import SQLAlchemyError

    from grader.service.db import make_engine, migration_state

    settings = _settings()
    try:
        engine = make_engine(settings.db_url)
        current, head = migration_state(engine, settings.db_url)
    except (SQLAlchemyError, OSError) as exc:
        _fail(f"cannot open {_safe_url(settings.db_url)}: {' '.join(str(exc).split())[:300]}")
    typer.echo(f"current {current or 'empty'}, newest {head}")


def worker_cmd(
    concurrency: Optional[int] = typer.Option(
        None, "--concurrency", "-c", min=1, max=64,
        help="Jobs run at once (default: what this host's Docker engine can hold, 1 CPU and 2 GiB per job)."),
    loglevel: str = typer.Option("INFO", "--loglevel"),
) -> None:
    """Start a Celery worker (GRADER_BROKER_URL, shared GRADER_DATABASE_URL) that grades queued jobs."""
    settings = _settings()
    if not settings.broker_url:
        _fail("set GRADER_BROKER_URL (e.g. redis://host:6379/0) and GRADER_DATABASE_URL (shared PostgreSQL)")
    _database(settings).dispose()
    if concurrency is None:
        from grader.service.capacity import docker_capacity

        concurrency, why = docker_capacity()
        typer.echo(f"grader worker: {why}", err=True)
    from grader.service.celery_app import run_worker

    run_worker(concurrency, loglevel)
