"""Alembic environment of the service; the URL comes from grader.service.db.alembic_config."""

from alembic import context

from grader.service.db import make_engine
from grader.service.models import Base

config = context.config


def run() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
