"""The prompt-injection scan against its frozen reference (tests/text_rules/injection_reference.py) on real
trees: every text file the rule reads, as it is and with attack phrases planted at seeded places, Ruby
with the comments of its parsed tree as in a check. Prints the counts and every difference; exit 1 if any.

    python bench/injection_sameness.py DIR [DIR ...] [--children] [--plant N] [--seed S]

--children: each subfolder of DIR is one repo (a cache of apps). --plant N: phrases planted per file (0: none).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "text_rules"))


def _hits(found) -> list[tuple]:
    return [(h.file, h.line, h.column, h.kind, h.phrase, h.where) for h in found]


def _planted(text: str, attacks: list[str], count: int, rng: random.Random) -> str:
    cuts = sorted(rng.randrange(len(text) + 1) for _ in range(count))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
    return "".join(p + (rng.choice(attacks) if i < count else "") for i, p in enumerate(pieces))


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--children", action="store_true")
    ap.add_argument("--plant", type=int, default=3)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args(argv)
    if any(not p.is_dir() for p in args.paths):
        print(f"not a folder: {next(p for p in args.paths if not p.is_dir())}", file=sys.stderr)
        return 2

    import injection_reference as reference
    from test_injection_sameness import ATTACKS

    from static_checks.parsing import parse_ruby
    from static_checks.sources import PassReader
    from static_checks.text_rules import repo_files
    from static_checks.text_rules import prompt_injection as pi

    repos = [c for p in args.paths for c in sorted(p.iterdir()) if c.is_dir()] if args.children else args.paths
    rng = random.Random(args.seed)
    files = differences = 0
    counts = {"bare": [0, 0], "planted": [0, 0]}
    cpu = [0.0, 0.0]
    for repo in repos:
        reader = PassReader(repo.resolve())
        for entry in repo_files(reader):
            if entry.rel != entry.display or pi._kind_of(entry.rel) is None:
                continue
            text = reader.text(entry.rel, limit=pi.MAX_SCAN_BYTES, truncate=True)
            if not text:
                continue
            files += 1
            variants = [("bare", text)]
            if args.plant:
                variants.append(("planted", _planted(text, ATTACKS, args.plant, rng)))
            for label, body in variants:
                parsed = {}
                if entry.rel.endswith(".rb"):
                    try:
                        parsed = {entry.rel: parse_ruby(entry.rel, body.encode("utf-8"))}
                    except Exception:  # over its time budget: the line walk is compared instead
                        parsed = {}
                started = time.process_time()
                now = _hits(pi.scan_text(entry.rel, body, parsed))
                middle = time.process_time()
                before = _hits(reference.scan_text(entry.rel, body, parsed))
                cpu[0] += middle - started
                cpu[1] += time.process_time() - middle
                counts[label][0] += len(now)
                counts[label][1] += len(before)
                if now != before:
                    differences += 1
                    print(f"DIFFERENT {repo.name}/{entry.rel} ({label}):\n  now    {now}\n  before {before}")
    print(f"{len(repos)} repos, {files} text files; hits bare {counts['bare'][0]} (reference {counts['bare'][1]}), "
          f"planted {counts['planted'][0]} (reference {counts['planted'][1]}); {differences} files differ; "
          f"scan_text CPU {cpu[0]:.2f} s, reference {cpu[1]:.2f} s")
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
