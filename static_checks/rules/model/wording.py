"""How findings name an API and a set of releases: `RubyLLM::Chat#ask`, "added in 1.6.0", "1.3.0..1.6.4"."""

from __future__ import annotations

from static_checks.manifest.index import available_versions
from static_checks.manifest.versions import version_key
from static_checks.types import TypeRef


def owner_label(t: TypeRef, name: str) -> str:
    """`RubyLLM::Chat#ask` / `RubyLLM.chat` as a reader would write it."""
    owner = t.app_class or t.name
    if "::ActsAs" in t.name and t.app_class:
        owner = t.app_class
    sep = "." if t.singleton else "#"
    return f"{owner}{sep}{name}"


def version_ranges(versions: list[str]) -> str:
    """Releases as contiguous runs of the known release list: "1.3.0..1.6.4, 1.10.0..1.16.0"."""
    allv = available_versions()
    have = set(versions)
    runs: list[list[str]] = []
    for v in allv:
        if v in have:
            if runs and runs[-1][-1] == allv[allv.index(v) - 1]:
                runs[-1].append(v)
            else:
                runs.append([v])
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]}..{r[-1]}" for r in runs)


def all_releases() -> str:
    allv = available_versions()
    return f"{allv[0]}..{allv[-1]}"


def version_phrase(locked: str, versions: list[str]) -> str:
    """"added in 1.6.0" / "removed in 1.3.0" / "present only in 1.2.0 .. 1.4.1"."""
    lk = version_key(locked)
    later = [v for v in versions if version_key(v) > lk]
    earlier = [v for v in versions if version_key(v) < lk]
    if later and not earlier:
        return f"added in {later[0]}"
    if earlier and not later:
        allv = available_versions()
        after = [v for v in allv if version_key(v) > version_key(earlier[-1])]
        return f"removed in {after[0]}" if after else f"last present in {earlier[-1]}"
    return f"present only in {versions[0]} .. {versions[-1]}"
