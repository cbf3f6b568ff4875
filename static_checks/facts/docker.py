"""Dockerfile, compose file and the Ruby version the app asks for (judged against dated data)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from static_checks.facts.context import FactContext, fact
from static_checks.facts.registry import collector
from static_checks.facts.ruby_nodes import args, literal
from static_checks.models import Evidence

DOCKERFILE_NAMES = ["Dockerfile", "Containerfile"]
COMPOSE_NAMES = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"]
RUBY_VERSIONS_PATH = Path(__file__).resolve().parent.parent / "data" / "ruby_versions.yaml"

_VERSION = re.compile(r"^(?:ruby-)?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[.-]?(preview\d*|rc\d*|p\d+))?(?:-[a-z].*)?$")
_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


@dataclass
class Instruction:
    keyword: str  # upper case
    value: str
    line: int  # first line of the instruction


def dockerfile_instructions(text: str) -> list[Instruction]:
    """Instructions with backslash continuations joined; comments and parser directives dropped."""
    out: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if not pending:
            start = n
        cont = line.endswith("\\")
        pending.append(line[:-1].strip() if cont else line)
        if not cont:
            joined = " ".join(p for p in pending if p)
            pending = []
            keyword, _, value = joined.partition(" ")
            out.append(Instruction(keyword.upper(), value.strip(), start))
    return out


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


def _expand(value: str, args_: dict[str, str]) -> str:
    return _VAR.sub(lambda m: args_.get(m.group(1), m.group(0)), value)


def dockerfile_ruby(instrs: list[Instruction]) -> tuple[str | None, str, int]:
    """(version, source, line): ARG RUBY_VERSION default first, else the tag of a ruby base image."""
    args_: dict[str, str] = {}
    arg_hit: tuple[str, int] | None = None
    for ins in instrs:
        if ins.keyword == "ARG":
            name, _, default = ins.value.partition("=")
            default = default.strip().strip("\"'")
            if default:
                args_[name.strip()] = default
                if name.strip() == "RUBY_VERSION" and arg_hit is None:
                    arg_hit = (default, ins.line)
    if arg_hit:
        return arg_hit[0], "dockerfile_arg", arg_hit[1]
    for ins in instrs:
        if ins.keyword != "FROM":
            continue
        image = _expand(ins.value.split()[0] if ins.value else "", args_)
        name, _, tag = image.rpartition(":") if ":" in image.split("/")[-1] else (image, "", "")
        if name.split("/")[-1] == "ruby":
            return (tag or "latest"), "dockerfile_from", ins.line
    return None, "none", 0


def gemfile_ruby(ctx: FactContext) -> tuple[str | None, Evidence | None]:
    pf = ctx.parsed_file("Gemfile")
    if pf is None:
        return None, None
    for call in ctx.index(pf).calls("ruby"):
        a = args(call)
        version = literal(a[0]) if a else None
        if version and call.child_by_field_name("receiver") is None:
            # `ruby "~> 3.3"` and `ruby ">= 3.2"` name a series: keep the number.
            return version.lstrip("~>=< ").strip(), ctx.ev(pf, call)
    return None, None


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
    env_prod = [i for i in instrs if i.keyword in ("ENV", "ARG") and re.search(r"\bRAILS_ENV[= ]\"?production", i.value)]
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
    found: list[tuple[str, str, Evidence]] = []
    rel = ctx.first_existing(DOCKERFILE_NAMES)
    if rel is not None:
        version, source, line = dockerfile_ruby(dockerfile_instructions(ctx.read_text(rel) or ""))
        if version:
            found.append((version, source, ctx.ev_text(rel, line, version)))
    rv = ctx.first_existing([".ruby-version"])
    if rv is not None:
        text = (ctx.read_text(rv) or "").strip().splitlines()
        if text and text[0].strip():
            found.append((text[0].strip(), "ruby_version_file", ctx.ev_text(rv, 1, text[0])))
    gv, gev = gemfile_ruby(ctx)
    if gv and gev:
        found.append((gv, "gemfile", gev))
    if not found:
        note = "no Ruby version in Dockerfile, .ruby-version or Gemfile"
        return [
            fact("ruby.version", None, rule, note=note),
            fact("ruby.version_source", "none", rule, note=note),
            fact("ruby.version_verdict", "missing", rule, note=note),
            fact("ruby.versions_disagree", False, rule, note=note),
        ]
    version, source, ev = found[0]
    normalized = {_series_key(v) for v, _, _ in found}
    data = ruby_series()
    return [
        fact("ruby.version", version, rule, [ev]),
        fact("ruby.version_source", source, rule, [ev]),
        fact("ruby.version_verdict", ruby_verdict(version), rule, [ev], f"judged against Ruby series as of {data['as_of']}"),
        fact("ruby.versions_disagree", len(normalized) > 1, rule, [e for _, _, e in found]),
    ]


def _series_key(version: str) -> str:
    """Versions agree when one is a prefix of the other's numbers (3.4 vs 3.4.7)."""
    m = _VERSION.match(version.strip().lower())
    return f"{m.group(1)}.{m.group(2)}" if m and m.group(2) else version.strip().lower()


@collector(ids=["compose.present", "compose.file"])
def compose(ctx: FactContext):
    rule = "facts/docker/compose"
    rel = ctx.first_existing(COMPOSE_NAMES)
    ev = [ctx.ev_text(rel, 1)] if rel else []
    note = None if rel else f"none of {', '.join(COMPOSE_NAMES)} in the app or repo root"
    return [fact("compose.present", rel is not None, rule, ev, note), fact("compose.file", rel, rule, ev, note)]
