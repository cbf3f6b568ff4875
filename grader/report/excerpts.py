"""Code excerpts around a file:line of the graded repo, through the kernel's safe reader
(grader.core.repo: regular files inside the root only, no links, size-capped, not binary).

Called only while grading (the repo is on disk); the excerpts are stored in the report, so
rendering never reads the repo.
"""

from __future__ import annotations

from pathlib import Path

from grader.core.redact import redact
from grader.core.repo import RepoReader
from grader.report.model import CodeExcerpt, ExcerptLine

MAX_FILE_BYTES = 2_000_000
MAX_LINE_CHARS = 300


def capture_excerpt(repo: Path | RepoReader | None, rel: str, line: int, context: int = 2) -> CodeExcerpt | None:
    """Lines line-context..line+context of repo/rel, redacted; None when the reader refuses the file
    (outside the repo, a link, not a regular file, binary, too big, unreadable) or `line` is past its end."""
    if repo is None or not rel or line < 1:
        return None
    reader = repo if isinstance(repo, RepoReader) else RepoReader(Path(repo))
    lines = reader.excerpt(rel, line - context, line + context, max_line_chars=MAX_LINE_CHARS, limit=MAX_FILE_BYTES)
    if not lines or lines[-1][0] < line:
        return None
    return CodeExcerpt(file=rel, line=line, lines=[ExcerptLine(number=n, text=redact(text, rel)) for n, text in lines])
