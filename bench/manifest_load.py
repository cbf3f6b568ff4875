"""How long loading a ruby_llm release's manifest and answering lookups takes.

Usage: python bench/manifest_load.py
Each figure is measured in a fresh interpreter (subprocess) so caches are cold.
Goal: loading a release well under 100 ms (after imports); cached lookups in microseconds.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import time
t0 = time.perf_counter()
from static_checks.manifest.index import ManifestIndex
t1 = time.perf_counter()
idx = ManifestIndex.load("{version}")
t2 = time.perf_counter()
idx.find_method("RubyLLM::Chat", "ask"); idx.return_type("RubyLLM", "chat", singleton=True)
t3 = time.perf_counter()
for _ in range(10000):
    idx.find_method("RubyLLM::Chat", "ask")
t4 = time.perf_counter()
other = ManifestIndex.load("{other}"); other.find_method("RubyLLM::Chat", "ask")
t5 = time.perf_counter()
idx.versions_with_method("RubyLLM::Chat", "with_schema")
t6 = time.perf_counter()
print(f"{{(t1-t0)*1e3:.1f}} {{(t2-t1)*1e3:.1f}} {{(t3-t2)*1e3:.1f}} "
      f"{{(t4-t3)*1e2:.2f}} {{(t5-t4)*1e3:.1f}} {{(t6-t5)*1e3:.1f}}")
"""


def main() -> None:
    for version, other in (("1.16.0", "1.6.2"), ("1.0.0", "1.9.0")):
        code = PROBE.format(version=version, other=other)
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        imp, load, first, cached_us, second, across = out.split()
        print(
            f"ruby_llm {version}: import {imp} ms, load {load} ms, first lookups {first} ms, "
            f"cached find_method {cached_us} us, another release {second} ms, versions_with_method {across} ms"
        )
    for gem in ("ruby_llm", "ruby_llm-schema"):
        path = ROOT / "static_checks" / "data" / "manifests" / f"{gem}.json.gz"
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
