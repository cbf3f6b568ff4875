"""Every fact id some stage can emit, from the stages' own catalogues (for rubric validation).

The catalogues are found through a registry of loaders, one per stage, keyed by the stage's name: a
loader names a package and asks it for its catalogue, so nothing here knows where a stage keeps files.
A new stage (the judge) registers one line with `register_catalog`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import resources

import yaml

CatalogLoader = Callable[[], Iterable[str]]  # the fact ids one stage can emit


def _static_ids() -> Iterable[str]:
    from static_checks.facts import catalog

    return catalog().keys()


def _package_catalog(package: str, name: str = "fact_catalog.yaml") -> CatalogLoader:
    """A loader for a stage package that ships its catalogue as package data."""

    def load() -> Iterable[str]:
        data = yaml.safe_load(resources.files(package).joinpath(name).read_text(encoding="utf-8")) or {}
        return [entry["id"] for entry in data.get("facts", []) if isinstance(entry, dict) and "id" in entry]

    return load


_CATALOGS: dict[str, CatalogLoader] = {
    "static": _static_ids,
    "runtime": _package_catalog("grader.runtime"),
    "self_review": _package_catalog("grader.selfreview"),
}


def register_catalog(stage: str, loader: CatalogLoader) -> None:
    _CATALOGS[stage] = loader


def catalog_loaders() -> dict[str, CatalogLoader]:
    return dict(_CATALOGS)


def known_fact_ids() -> tuple[set[str], list[str]]:
    """(ids, stages whose catalogue could not be read)."""
    ids: set[str] = set()
    missing: list[str] = []
    for stage, load in _CATALOGS.items():
        try:
            ids |= set(load())
        except (OSError, ImportError, yaml.YAMLError, KeyError, TypeError) as exc:
            missing.append(f"{stage} ({type(exc).__name__}: {exc})")
    return ids, missing
