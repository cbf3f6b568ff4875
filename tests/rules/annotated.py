"""Annotated Ruby fixtures: a mini app written from text, and the findings each line expects.

Directives, as comments at the top of a fixture or a rule's doc example:
  `# file: test/bot_test.rb`     where the text is written (default app/example.rb)
  `# locked: ruby_llm 1.6.2`     the release Gemfile.lock pins (default 1.16.0)
Expectations, at the end of a line or alone on the line before it:
  `# expect: rubyllm/unknown-method`  (several ids separated by commas)
  `# ok`                              the line must produce no finding (documents a trap)
Lines with no annotation must produce no finding either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from static_checks.engine import check_path
from static_checks.models import CheckReport

DEFAULT_VERSION = "1.16.0"
DEFAULT_FILE = "app/example.rb"
LOCK = """GEM
  remote: https://rubygems.org/
  specs:
    ruby_llm ({version})
      faraday (>= 1.10.0)

DEPENDENCIES
  ruby_llm
"""
_DIRECTIVE = re.compile(r"^#\s*(file|locked):\s*(.+?)\s*$")
_EXPECT = re.compile(r"#\s*(?:expect:\s*(?P<ids>[\w/\-, ]+?)|(?P<ok>ok\b)[^#]*)\s*$")


@dataclass
class Source:
    rel: str
    text: str
    version: str | None = None


@dataclass
class Expectations:
    by_line: dict[tuple[str, int], list[str]] = field(default_factory=dict)


def read_sources(text: str, default_rel: str = DEFAULT_FILE) -> list[Source]:
    """The files of a fixture or doc example: each `# file:` line starts a new file (and stays its first
    line); a `# locked:` line applies to the whole app."""
    sources: list[Source] = []
    lines: list[str] = []
    rel, version = default_rel, None

    def flush():
        if any(line.strip() for line in lines):
            sources.append(Source(rel=rel, text="\n".join(lines) + "\n"))

    for line in text.splitlines():
        m = _DIRECTIVE.match(line.strip())
        if m and m.group(1) == "file":
            flush()
            rel, lines = m.group(2), []
        elif m:
            version = m.group(2).split()[-1]
        lines.append(line)
    flush()
    for src in sources:
        src.version = version
    return sources


def expectations(src: Source) -> dict[tuple[str, int], list[str]]:
    """(file, line) -> sorted rule ids expected there; every other line expects none."""
    out: dict[tuple[str, int], list[str]] = {}
    pending: list[str] | None = None
    for n, line in enumerate(src.text.splitlines(), 1):
        m = _EXPECT.search(line)
        ids = None
        if m:
            ids = [] if m.group("ok") else [i.strip() for i in m.group("ids").split(",") if i.strip()]
        if line.strip().startswith("#"):
            if ids is not None:
                pending = ids  # an annotation alone on its line applies to the next code line
            continue
        if not line.strip():
            continue
        if ids is None and pending is not None:
            ids = pending
        pending = None
        if ids:
            out[(src.rel, n)] = sorted(ids)
    return out


def build_app(root: Path, sources: list[Source]) -> None:
    versions = {s.version for s in sources if s.version}
    assert len(versions) <= 1, f"fixture files disagree on the locked release: {versions}"
    version = versions.pop() if versions else DEFAULT_VERSION
    root.mkdir(parents=True, exist_ok=True)
    (root / "Gemfile").write_text('source "https://rubygems.org"\ngem "rails"\ngem "ruby_llm"\n')
    (root / "Gemfile.lock").write_text(LOCK.format(version=version))
    for src in sources:
        path = root / src.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(src.text)


def run_sources(root: Path, sources: list[Source]) -> CheckReport:
    build_app(root, sources)
    return check_path(root)


def found_by_line(report: CheckReport) -> dict[tuple[str, int], list[str]]:
    out: dict[tuple[str, int], list[str]] = {}
    for f in report.findings:
        out.setdefault((f.file, f.line), []).append(f.rule)
    return {k: sorted(v) for k, v in out.items()}
