import shutil
from pathlib import Path

import pytest
from calib_helpers import EXAMPLE_SET
from typer.testing import CliRunner

from grader.cli import app


@pytest.fixture
def example_set(tmp_path) -> Path:
    """A writable copy of the shipped SYNTHETIC example set."""
    dest = tmp_path / "example"
    shutil.copytree(EXAMPLE_SET, dest)
    return dest


@pytest.fixture
def cli():
    runner = CliRunner()

    def run(*args):
        return runner.invoke(app, ["calibrate", *map(str, args)])

    return run
