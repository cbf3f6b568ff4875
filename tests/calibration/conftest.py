import csv
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from grader.cli import app

EXAMPLE_SET = Path(__file__).resolve().parents[2] / "calibration" / "sets" / "example"


@pytest.fixture
def example_set(tmp_path) -> Path:
    """A writable copy of the shipped SYNTHETIC example set."""
    dest = tmp_path / "example"
    shutil.copytree(EXAMPLE_SET, dest)
    return dest


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture
def cli():
    runner = CliRunner()

    def run(*args):
        return runner.invoke(app, ["calibrate", *map(str, args)])

    return run
