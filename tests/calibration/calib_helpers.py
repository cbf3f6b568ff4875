"""Shared helpers of the calibration tests (a uniquely named module: every test folder has a conftest)."""

import csv
from pathlib import Path

EXAMPLE_SET = Path(__file__).resolve().parents[2] / "calibration" / "sets" / "example"


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path
