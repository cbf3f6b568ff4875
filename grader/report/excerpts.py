"""Code excerpts around a file:line of the graded repo, read defensively (hostile input).

Called only while grading (the repo is on disk); the excerpts are stored in the report, so
rendering never reads the repo.
"""

from __future__ import annotations

from pathlib import Path

from grader.report.model import CodeExcerpt, ExcerptLine
from grader.report.redact import redact

MAX_FILE_BYTES = 2_000_000
MAX_LINE_CHARS = 300


def capture_excerpt(repo: Path | None, rel: str, line: int, context: int = 2) -> CodeExcerpt | None:
    """Lines line-context..line+context of repo/rel; None when the file is outside the repo,
    a link, not a regular file, binary, too big or unreadable."""
    if repo is None or not rel or line < 1:
        return None
    base = repo.resolve()
    path = base / rel
    try:
        if path.is_symlink() or not path.is_file():
            return None
        resolved = path.resolve()
        if base not in resolved.parents:
            return None
        if resolved.stat().st_size > MAX_FILE_BYTES:
            return None
        data = resolved.read_bytes()
    except OSError:
        return None
    if b"\0" in data[:8192]:
        return None
    text = data.decode("utf-8", errors="replace").splitlines()
    if line > len(text):
        return None
    lo, hi = max(1, line - context), min(len(text), line + context)
    return CodeExcerpt(file=rel, line=line, lines=[ExcerptLine(number=n, text=redact(text[n - 1][:MAX_LINE_CHARS], rel))
                                                   for n in range(lo, hi + 1)])
