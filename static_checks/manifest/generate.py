"""Regenerate a gem's manifest history from a bare git clone of its source.

    python -m static_checks.manifest.generate --repo /work/.mirror/crmne+ruby_llm/repo --gem ruby_llm

Every release tag (x.y.z, optional leading v; rc/pre/beta tags skipped) is read straight from git
objects; nothing is checked out and none of the gem's source is written anywhere.
"""

from __future__ import annotations

import argparse
import re
import subprocess
from pathlib import Path

from static_checks.manifest.extract import extract_files
from static_checks.manifest.history import (
    build_call_history, build_history, call_history_path, history_path, write_history,
)
from static_checks.manifest.model import Manifest
from static_checks.manifest.versions import version_key

RELEASE_TAG = re.compile(r"^v?(\d+\.\d+\.\d+)$")
DEP_LINE = re.compile(r"""add_(?:runtime_)?dependency\s*\(?\s*['"]([\w.-]+)['"]\s*(?:,\s*['"]([^'"]+)['"])?""")


def _git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True).stdout


def release_tags(repo: Path) -> list[tuple[str, str]]:
    """(tag, version) for release tags, oldest first."""
    out = []
    for tag in _git(repo, "tag").decode().split():
        m = RELEASE_TAG.match(tag)
        if m:
            out.append((tag, m.group(1)))
    return sorted(out, key=lambda tv: version_key(tv[1]))


def read_blobs(repo: Path, tag: str, paths: list[str]) -> list[tuple[str, bytes]]:
    """Many files at one tag through one `git cat-file --batch` process."""
    if not paths:
        return []
    req = "".join(f"{tag}:{p}\n" for p in paths).encode()
    raw = subprocess.run(
        ["git", "-C", str(repo), "cat-file", "--batch"], input=req, capture_output=True, check=True
    ).stdout
    out, pos = [], 0
    for p in paths:
        header_end = raw.index(b"\n", pos)
        header = raw[pos:header_end].split()
        size = int(header[2])
        out.append((p, raw[header_end + 1 : header_end + 1 + size]))
        pos = header_end + 1 + size + 1
    return out


def gemspec_deps(repo: Path, tag: str) -> dict[str, str]:
    names = [n for n in _git(repo, "ls-tree", "--name-only", tag).decode().split() if n.endswith(".gemspec")]
    deps: dict[str, str] = {}
    for _, data in read_blobs(repo, tag, names):
        for m in DEP_LINE.finditer(data.decode("utf-8", "replace")):
            deps[m.group(1)] = m.group(2) or ">= 0"
    return deps


def extract_tag(repo: Path, tag: str, gem: str, version: str) -> Manifest:
    names = [n for n in _git(repo, "ls-tree", "-r", "--name-only", tag, "lib/").decode().split() if n.endswith(".rb")]
    commit = _git(repo, "rev-list", "-n1", tag).decode().strip()
    return extract_files(read_blobs(repo, tag, names), gem, version, commit)


def generate(repo: Path, gem: str, out: Path | None = None) -> Path:
    """Writes the history to `out` (default: the stored one) and the call graph beside it."""
    manifests = []
    for tag, version in release_tags(repo):
        manifests.append((extract_tag(repo, tag, gem, version), gemspec_deps(repo, tag)))
    path = out or history_path(gem)
    write_history(path, build_history(gem, manifests))
    calls = call_history_path(gem) if out is None else path.with_name(path.name.replace(".json", ".calls.json"))
    write_history(calls, build_call_history(gem, manifests))
    return path


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--repo", type=Path, required=True, help="bare git dir of the gem")
    ap.add_argument("--gem", required=True, help="gem name, e.g. ruby_llm or ruby_llm-schema")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    path = generate(args.repo, args.gem, args.out)
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
