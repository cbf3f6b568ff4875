"""Every fact id some stage can emit, read from the stages' own catalogs (for rubric validation)."""

from __future__ import annotations

from pathlib import Path

import yaml

_ROOT = Path(__file__).resolve().parent.parent.parent
CATALOGS = (
    _ROOT / "static_checks" / "facts" / "catalog.yaml",
    _ROOT / "grader" / "runtime" / "fact_catalog.yaml",
    _ROOT / "grader" / "selfreview" / "fact_catalog.yaml",
)


def known_fact_ids() -> tuple[set[str], list[str]]:
    """(ids, catalogs that could not be read)."""
    ids: set[str] = set()
    missing: list[str] = []
    for path in CATALOGS:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            missing.append(str(path))
            continue
        ids |= {entry["id"] for entry in data.get("facts", []) if isinstance(entry, dict) and "id" in entry}
    return ids, missing
