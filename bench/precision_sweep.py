"""Precision sweep: every rubyllm/* error or warning whose reported name the app itself defines or declares.

A finding about a method `name` (or a constant) is a candidate false positive when the app's own Ruby
has `def name` / `def self.name` / `def obj.name`, a `:name` symbol anywhere (any macro, define_method,
define_singleton_method...), or a `name=` writer anywhere:
the app may well have given the object that method. Candidates are listed for a human to read;
nothing here decides a verdict.

    python bench/precision_sweep.py DIR [DIR ...]   # each DIR holds one exported app per subfolder
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

# `Owner#name` / `Owner.name` / `name` in backticks: the name the finding says is missing
_NAMED = re.compile(r"`(?:[^`]*?[#.])?([A-Za-z_]\w*[?!=]?)`")
_SKIP_DIRS = {".git", "node_modules", "vendor", "tmp", "log", ".bundle"}


def _ruby_sources(app: Path) -> list[bytes]:
    out = []
    for root, dirs, files in os.walk(app):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
        for f in files:
            if f.endswith((".rb", ".erb", ".rake")):
                try:
                    out.append((Path(root) / f).read_bytes())
                except OSError:
                    continue
    return out


def _declares(sources: list[bytes], name: str) -> str | None:
    """How the app declares `name` somewhere, or None."""
    bare = re.escape(name.rstrip("=").encode())
    patterns = {
        "def": rb"\bdef\s+(?:\w+\.)?" + bare + rb"(?![\w?!])",
        "symbol": rb"(?<![:\w]):" + bare + rb"(?![\w?!])",  # any `:name` (a macro, define_singleton_method...)
        "writer": bare + rb"\s*=(?![=~>])",
    }
    for how, pat in patterns.items():
        rx = re.compile(pat, re.M)
        if any(rx.search(src) for src in sources):
            return how
    return None


def sweep(app: Path) -> list[tuple[str, str, str]]:
    from static_checks.engine import check_path

    report = check_path(app)
    sources: list[bytes] | None = None
    out = []
    for f in report.findings:
        if not f.rule.startswith("rubyllm/") or f.severity.value not in ("error", "warning"):
            continue
        m = _NAMED.search(f.message)
        if m is None:
            continue
        sources = sources if sources is not None else _ruby_sources(app)
        how = _declares(sources, m.group(1))
        if how:
            out.append((f"{app.name}/{f.file}:{f.line}", f.rule, f"{m.group(1)} ({how}): {f.message[:140]}"))
    return out


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    total = apps = 0
    for folder in argv:
        for app in sorted(p for p in Path(folder).iterdir() if p.is_dir()):
            apps += 1
            for where, rule, what in sweep(app):
                total += 1
                print(f"{where}\t{rule}\t{what}", flush=True)
    print(f"{total} candidates in {apps} apps", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
