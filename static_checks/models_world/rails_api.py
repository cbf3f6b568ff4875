"""The instance API every ActiveRecord model has (data/active_record/instance_api.json, see generate.py) and
its class-side API (class_api.json, see generate_class.py), for the Rails the app locks; the attribute
methods Rails generates per attribute; and the bundled gems that may add class methods to every model."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from grader.core.repo import RepoReader

DATA = Path(__file__).resolve().parent.parent / "data" / "active_record" / "instance_api.json"
CLASS_DATA = DATA.with_name("class_api.json")
_SPEC = re.compile(r"^    ([A-Za-z0-9_.-]+) \(([^)]*)\)$", re.M)
_SPEC_OR_DEP = re.compile(r"^(    |      )([A-Za-z0-9_.-]+)(?: \(|$)", re.M)
# Gems that reach activerecord yet add nothing to a model's class side unless the model names them
# (a macro or module, which the model world already counts as unread): Rails' own frameworks (their
# class API is in class_api.json) and the queue/cache/cable backends of a default Rails 8 app.
_KNOWN_AR_GEMS = frozenset({
    "rails", "activerecord", "activestorage", "actiontext", "actionmailbox", "activejob", "railties",
    "solid_queue", "solid_cache", "solid_cable", "mission_control-jobs", "neighbor", "discard", "good_job",
})
# Gems that extend every model's class side when loaded without depending on activerecord themselves
# (draper's `decorate`, delayed_job's `delay` on every object).
_GLOBAL_AR_EXTENSIONS = frozenset({"will_paginate", "groupdate", "hightop", "active_median", "draper", "delayed_job"})
# ActiveModel::Dirty / ActiveRecord::AttributeMethods: `<prefix>attr<suffix>` for every attribute.
ATTRIBUTE_AFFIXES = (
    ("", ""), ("", "="), ("", "?"), ("", "_before_type_cast"), ("", "_for_database"), ("", "_came_from_user?"),
    ("", "_changed?"), ("", "_change"), ("", "_will_change!"), ("", "_was"), ("", "_previously_changed?"),
    ("", "_previous_change"), ("", "_previously_was"), ("restore_", "!"), ("clear_", "_change"),
    ("saved_change_to_", "?"), ("saved_change_to_", ""), ("", "_before_last_save"),
    ("will_save_change_to_", "?"), ("", "_change_to_be_saved"), ("", "_in_database"),
)


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(DATA.read_text())


@lru_cache(maxsize=1)
def _class_data() -> dict:
    return json.loads(CLASS_DATA.read_text())


def locked_gems(root_dir: Path | None) -> dict[str, str] | None:
    """name -> version of every gem Gemfile.lock bundles; None without a readable lock."""
    if root_dir is None:
        return None
    text = RepoReader(root_dir).text("Gemfile.lock")
    if text is None:
        return None
    return {m.group(1): m.group(2) for m in _SPEC.finditer(text)}


def instance_api(gems: dict[str, str] | None) -> frozenset[str]:
    """Public instance methods of a model in the locked Rails (every known Rails when not locked)."""
    return _api(_data(), gems) | frozenset(_data()["gems"].get("globalid", ()))  # its railtie: every model


def class_api(gems: dict[str, str] | None) -> frozenset[str]:
    """Public methods of a model class, its relations and association proxies, in the locked Rails."""
    return _api(_class_data(), gems)


def _api(data: dict, gems: dict[str, str] | None) -> frozenset[str]:
    version = (gems or {}).get("activerecord") or (gems or {}).get("rails") or ""
    minor = ".".join(version.split(".")[:2])
    per_version = [data["rails"][minor]] if minor in data["rails"] else list(data["rails"].values())
    names = {n for listing in per_version for n in listing}
    names.update(data["runtime_listing"])
    if gems is None or "turbo-rails" in gems:
        names.update(data["gems"].get("turbo-rails", ()))
    return frozenset(names)


def attribute_methods(attr: str) -> set[str]:
    return {f"{pre}{attr}{post}" for pre, post in ATTRIBUTE_AFFIXES}


def gem_dependencies(root_dir: Path | None) -> dict[str, set[str]] | None:
    """Gem -> the gems it depends on, as Gemfile.lock records them; None without a readable lock."""
    text = RepoReader(root_dir).text("Gemfile.lock") if root_dir is not None else None
    if text is None:
        return None
    deps: dict[str, set[str]] = {}
    current: str | None = None
    for m in _SPEC_OR_DEP.finditer(text):
        if len(m.group(1)) == 4:
            current = m.group(2)
            deps.setdefault(current, set())
        elif current is not None:
            deps[current].add(m.group(2))
    return deps


def class_side_gem_gaps(root_dir: Path | None) -> list[str]:
    """Why bundled gems may give every model class methods we cannot list (empty: none can)."""
    deps = gem_dependencies(root_dir)
    if deps is None:
        return ["no readable Gemfile.lock: gems that add class methods to every model are unknown"]
    reaches: dict[str, bool] = {}

    def uses_active_record(gem: str, path: frozenset[str] = frozenset()) -> bool:
        if gem not in reaches:
            reaches[gem] = gem == "activerecord" or any(
                uses_active_record(d, path | {gem}) for d in deps.get(gem, ()) if d not in path)
        return reaches[gem]

    found = sorted(g for g in deps if g not in _KNOWN_AR_GEMS and not g.startswith("ruby_llm") and
                   (g in _GLOBAL_AR_EXTENSIONS or uses_active_record(g)))
    return [f"the bundled gem `{g}` may add class methods to every model" for g in found[:3]]
