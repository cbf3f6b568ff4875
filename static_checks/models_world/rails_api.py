"""The instance API every ActiveRecord model has (data/active_record/instance_api.json, see generate.py),
for the Rails the app locks, and the attribute methods Rails generates per attribute."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from grader.core.repo import RepoReader

DATA = Path(__file__).resolve().parent.parent / "data" / "active_record" / "instance_api.json"
_SPEC = re.compile(r"^    ([A-Za-z0-9_.-]+) \(([^)]*)\)$", re.M)
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
    data = _data()
    version = (gems or {}).get("activerecord") or (gems or {}).get("rails") or ""
    minor = ".".join(version.split(".")[:2])
    per_version = [data["rails"][minor]] if minor in data["rails"] else list(data["rails"].values())
    names = {n for listing in per_version for n in listing}
    names.update(data["runtime_listing"])
    names.update(data["gems"].get("globalid", ()))  # its railtie includes it into every model
    if gems is None or "turbo-rails" in gems:
        names.update(data["gems"].get("turbo-rails", ()))
    return frozenset(names)


def attribute_methods(attr: str) -> set[str]:
    return {f"{pre}{attr}{post}" for pre, post in ATTRIBUTE_AFFIXES}
