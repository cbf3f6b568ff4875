"""Dockerfile, compose file and the Ruby version the app asks for (judged against dated data)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from grader.core.dockerfile import COMPOSE_NAMES, DOCKERFILE_NAMES, dockerfile_instructions
from grader.core.dockerfile import Instruction as Instruction  # re-exported: moved to the kernel
from grader.core.dockerfile import dockerfile_ruby as dockerfile_ruby
from grader.core.gems import ruby_version_claims
from static_checks.facts.context import FactContext, fact
from static_checks.facts.registry import collector

RUBY_VERSIONS_PATH = Path(__file__).resolve().parent.parent / "data" / "ruby_versions.yaml"

_VERSION = re.compile(r"^(?:ruby-)?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[.-]?(preview\d*|rc\d*|p\d+))?(?:-[a-z].*)?$")


@lru_cache(maxsize=4)
def ruby_series(path: Path = RUBY_VERSIONS_PATH) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def ruby_verdict(version: str | None) -> str:
    """sane / old / impossible / missing for a Ruby version string (see data/ruby_versions.yaml)."""
    if not version:
        return "missing"
    data = ruby_series()
    m = _VERSION.match(version.strip().lower())
    if not m:
        return "impossible"
    major, minor, _patch, pre = m.groups()
    if minor is None:
        majors = {s.split(".")[0] for s in data["current_series"]}
        return "sane" if major in majors else ("old" if major in ("1", "2") else "impossible")
    series = f"{major}.{minor}"
    if series in data["current_series"]:
        return "sane"
    if series in data.get("preview_only_series", []) and pre and pre.startswith(("preview", "rc")):
        return "sane"
    if series in data["old_series"]:
        return "old"
    return "impossible"


@collector(ids=["dockerfile.present", "dockerfile.rails_env_production", "dockerfile.non_root",
                          "dockerfile.entrypoint"])
def dockerfile(ctx: FactContext):
    rule = "facts/docker/dockerfile"
    rel = ctx.first_existing(DOCKERFILE_NAMES)
    if rel is None:
        return [fact("dockerfile.present", False, rule, note="no Dockerfile in the app or repo root")] + [
            fact(i, False, rule, note="no Dockerfile")
            for i in ("dockerfile.rails_env_production", "dockerfile.non_root", "dockerfile.entrypoint")
        ]
    instrs = dockerfile_instructions(ctx.read_text(rel) or "")
    env_prod = [i for i in instrs
                if i.keyword in ("ENV", "ARG") and re.search(r"\bRAILS_ENV[= ]\"?production", i.value)]
    users = [i for i in instrs if i.keyword == "USER"]
    # The last USER decides who runs the app.
    non_root = bool(users) and users[-1].value.split(":")[0].strip() not in ("root", "0")
    entry = [i for i in instrs if i.keyword == "ENTRYPOINT"]

    def ev(items):
        return [ctx.ev_text(rel, i.line, f"{i.keyword} {i.value}") for i in items]

    return [
        fact("dockerfile.present", True, rule, [ctx.ev_text(rel, 1)]),
        fact("dockerfile.rails_env_production", bool(env_prod), rule, ev(env_prod)),
        fact("dockerfile.non_root", non_root, rule, ev(users[-1:])),
        fact("dockerfile.entrypoint", bool(entry), rule, ev(entry)),
    ]


@collector(ids=["ruby.version", "ruby.version_source", "ruby.version_verdict", "ruby.versions_disagree"])
def ruby_version(ctx: FactContext):
    rule = "facts/docker/ruby-version"
    # One precedence for every stage (grader.core.gems): Dockerfile, .ruby-version, Gemfile, Gemfile.lock.
    found = [(c.version, c.source, c.evidence) for c in ruby_version_claims(ctx.reader, ctx.prefix)]
    if not found:
        note = "no Ruby version in Dockerfile, .ruby-version, Gemfile or Gemfile.lock"
        return [
            fact("ruby.version", None, rule, note=note),
            fact("ruby.version_source", "none", rule, note=note),
            fact("ruby.version_verdict", "missing", rule, note=note),
            fact("ruby.versions_disagree", False, rule, note=note),
        ]
    version, source, ev = found[0]
    # Disagreement is between what the app asks for; the lock's RUBY VERSION only records the Ruby
    # that last ran `bundle lock`, so it decides ruby.version only when nothing else names one.
    asked = [claim for claim in found if claim[1] != "gemfile_lock"]
    normalized = {_series_key(v) for v, _, _ in asked}
    data = ruby_series()
    return [
        fact("ruby.version", version, rule, [ev]),
        fact("ruby.version_source", source, rule, [ev]),
        fact("ruby.version_verdict", ruby_verdict(version), rule, [ev],
             f"judged against Ruby series as of {data['as_of']}"),
        fact("ruby.versions_disagree", len(normalized) > 1, rule, [e for _, _, e in asked or found]),
    ]


def _series_key(version: str) -> str:
    """Versions agree when one is a prefix of the other's numbers (3.4 vs 3.4.7)."""
    m = _VERSION.match(version.strip().lower())
    return f"{m.group(1)}.{m.group(2)}" if m and m.group(2) else version.strip().lower()


@collector(ids=["compose.present", "compose.file"])
def compose(ctx: FactContext):
    rule = "facts/docker/compose"
    rel = ctx.first_existing(list(COMPOSE_NAMES))
    ev = [ctx.ev_text(rel, 1)] if rel else []
    note = None if rel else f"none of {', '.join(COMPOSE_NAMES)} in the app or repo root"
    return [fact("compose.present", rel is not None, rule, ev, note), fact("compose.file", rel, rule, ev, note)]
