"""Build context for the test image: the graded repo as a tar, plus our rendered Dockerfile.

We tar the repo ourselves instead of handing Docker a host path, so we decide what goes in:
symlinks stay links (never followed out of the repo), special files are dropped, and
stale artefacts that would fake results (coverage/, tmp/, log/) are left out.
"""

from __future__ import annotations

import io
import os
import stat
import tarfile
import tempfile
from pathlib import Path

DOCKERFILE_NAME = ".grader.Dockerfile"
SANDBOX_DIR = ".grader-sandbox"  # our own files (Minitest reporter, RuboCop config), copied to /opt/grader
# Left out of the copy: VCS data, dependency caches, and old outputs a repo might ship
# (a committed coverage/.last_run.json must not pass for a fresh measurement).
EXCLUDED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "coverage", "tmp", "log", ".bundle/cache"})
MAX_CONTEXT_BYTES = 512 * 1024 * 1024


class ContextError(ValueError):
    pass


def build_context(repo: Path, dockerfile: str, sandbox_files: dict[str, bytes] | None = None,
                  replaced: dict[str, str] | None = None) -> tempfile.SpooledTemporaryFile:
    """A seekable tar stream (spooled to disk past 32 MB) ready for `docker build`. `sandbox_files`
    go under SANDBOX_DIR/ (a repo folder of that name is left out, so it cannot replace them);
    `replaced` gives other text for regular files of the repo (relative path -> text)."""
    out = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
    total = 0
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for root, dirs, files in os.walk(repo, followlinks=False):
            rel_root = Path(root).relative_to(repo)
            dirs[:] = sorted(d for d in dirs if (rel_root / d).as_posix() not in EXCLUDED_DIRS
                             and (rel_root / d).as_posix() != SANDBOX_DIR)
            for name in sorted(files) + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
                full = os.path.join(root, name)
                rel = (rel_root / name).as_posix()
                st = os.lstat(full)
                if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
                    continue  # sockets, fifos, devices
                total += st.st_size if stat.S_ISREG(st.st_mode) else 0
                if total > MAX_CONTEXT_BYTES:
                    raise ContextError(f"repository is larger than {MAX_CONTEXT_BYTES // 2**20} MB")
                info = tar.gettarinfo(full, arcname=rel)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                if info.isreg() and rel in (replaced or {}):
                    data = replaced[rel].encode()
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
                elif info.isreg():
                    with open(full, "rb") as fh:
                        tar.addfile(info, fh)
                else:
                    tar.addfile(info)
        for name, data in [(DOCKERFILE_NAME, dockerfile.encode()),
                           *((f"{SANDBOX_DIR}/{k}", v) for k, v in (sandbox_files or {}).items())]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    out.seek(0)
    return out
