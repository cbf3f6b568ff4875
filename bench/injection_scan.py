"""The cost and the hits of the prompt-injection rule (security/prompt-injection) on real repositories:
one line per folder (files the rule may read, text bytes, seconds, findings with file:line), then totals.
On repositories nobody planted an attack in, every finding printed is a false positive to look at.

    python bench/injection_scan.py DIR [DIR ...]        # e.g. checkouts of public Rails + RubyLLM apps
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from grader.core.repo import RepoReader
from static_checks.text_rules.prompt_injection import _kind_of, scan_repo


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    total_s = total_bytes = total_hits = 0.0
    for folder in map(Path, argv):
        reader = RepoReader(folder)
        files = [e for e in reader.files() if _kind_of(e.rel) is not None]
        size = sum(reader.size(e.rel) or 0 for e in files)
        started = time.perf_counter()
        hits = scan_repo(reader)
        took = time.perf_counter() - started
        total_s, total_bytes, total_hits = total_s + took, total_bytes + size, total_hits + len(hits)
        print(f"{folder.name}: {len(files)} files, {size / 1e6:.2f} MB, {took:.2f} s, {len(hits)} findings")
        for h in hits:
            print(f"    {h.file}:{h.line} [{h.kind}, {h.where}] {h.phrase!r}")
    print(f"total: {len(argv)} repos, {total_bytes / 1e6:.1f} MB, {total_s:.2f} s, {int(total_hits)} findings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
