"""Who the commits say wrote the code: trailers such as `Co-Authored-By: Claude <...>` or
`Generated with [Claude Code]` in the last commits, for the judge's same-family warning. Commit
messages are never sent to a provider; only the family named here is used.

git runs on a possibly hostile repository, so it reads no system or global configuration, gets an
empty HOME, no pager, no signature checks, no fsmonitor and no hooks; any failure means no hints."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

MAX_COMMITS = 50
TIMEOUT_S = 10
_TRAILER = re.compile(r"(?im)^\s*(?:co-authored-by:.*|.*\bgenerated (?:with|by)\b.*)$")
_SAFE = ("log.showSignature=false", "core.fsmonitor=false", "core.hooksPath=/dev/null", "core.pager=cat",
         "log.mailmap=false", "diff.external=", "safe.directory=*")


def commit_trailers(root: Path) -> list[str]:
    """Trailer lines naming an author tool or model in the last commits (empty without a .git folder)."""
    git_dir = Path(root) / ".git"
    if git_dir.is_symlink() or not git_dir.is_dir():
        return []
    with tempfile.TemporaryDirectory(prefix="grader-judge-git-") as home:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "XDG_CONFIG_HOME": home,
               "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_PAGER": "cat",
               "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_DIR": str(git_dir), "GIT_WORK_TREE": str(root)}
        args = ["git", *[p for s in _SAFE for p in ("-c", s)], "log", f"-n{MAX_COMMITS}", "--no-color",
                "--format=%B%x00"]
        try:
            done = subprocess.run(args, cwd=home, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                  text=True, errors="replace", timeout=TIMEOUT_S)
        except (OSError, subprocess.SubprocessError):
            return []
    if done.returncode != 0:
        return []
    return list(dict.fromkeys(m.group(0).strip()[:200] for m in _TRAILER.finditer(done.stdout)))
