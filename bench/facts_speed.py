"""Cost of fact collection on top of `check_path`: per fixture app, and on a scaled-up app.

    python bench/facts_speed.py [--repeat 5] [--scale 300]

Prints, per app, the median time of check_path without facts, with facts, and the difference;
then the same for good_app with --scale extra service classes (each calling RubyLLM), to show
how fact collection grows with the number of files (it must stay one walk per file).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import tempfile
import time
from pathlib import Path

from static_checks.engine import check_path

ROOT = Path(__file__).resolve().parents[1]


def _fixture_apps():
    spec = importlib.util.spec_from_file_location("fixture_apps", ROOT / "tests/fixtures/apps/fixture_apps.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _row(name: str, repo: Path, repeat: int) -> None:
    check_path(repo, with_facts=True)  # warm caches (manifests, parsers)
    plain = _median(lambda: check_path(repo), repeat)
    full = _median(lambda: check_path(repo, with_facts=True), repeat)
    print(f"{name:28s} {plain * 1000:9.1f} {full * 1000:9.1f} {(full - plain) * 1000:9.1f}")


def _scale(repo: Path, n: int) -> None:
    template = (repo / "app/services/chat_reply.rb").read_text()
    for i in range(n):
        source = template.replace("class ChatReply", f"class ChatReply{i}")
        (repo / f"app/services/chat_reply_{i}.rb").write_text(source)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--scale", type=int, default=300)
    a = ap.parse_args()
    fixtures = _fixture_apps()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'app':28s} {'check ms':>9s} {'+facts ms':>9s} {'facts ms':>9s}  (median of {a.repeat})")
        for name in fixtures.names():
            _row(name, fixtures.materialize(name, Path(tmp)), a.repeat)
        big = fixtures.materialize("good_app", Path(tmp) / "scaled")
        _scale(big, a.scale)
        _row(f"good_app + {a.scale} services", big, max(1, a.repeat // 2))


if __name__ == "__main__":
    main()
