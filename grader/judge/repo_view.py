"""The judge's view of the graded repo, through the kernel's safe reader (grader/core/repo.py):
no links, nothing outside the repo, size caps, binary and special files refused. On top of it the
judge keeps which files are worth sending (text, not dependencies or build output) and caches
each file's lines, since every criterion re-reads the same files."""

from __future__ import annotations

from pathlib import Path

from grader.core.repo import SKIP_DIRS, RepoReader

MAX_FILE_BYTES = 512_000
MAX_FILES = 5_000
JUDGE_SKIP_DIRS = SKIP_DIRS | {"storage", "public", ".venv", "__pycache__", "dist", "build", ".cache"}
TEXT_SUFFIXES = {".rb", ".erb", ".rake", ".ru", ".yml", ".yaml", ".md", ".js", ".ts", ".css", ".json", ".lock",
                 ".html", ".txt", ".gemspec", ".sh", ".toml", ".env", ".example", ".haml", ".slim", ".sql"}
TEXT_NAMES = {"Gemfile", "Dockerfile", "Rakefile", "Procfile", "README", ".env", "CLAUDE.md", "AGENTS.md",
              "Containerfile", ".ruby-version", ".dockerignore", ".rubocop.yml"}


class RepoView:
    def __init__(self, root: Path):
        self.reader = RepoReader(Path(root), max_bytes=MAX_FILE_BYTES)
        self.root = self.reader.root
        self._lines: dict[str, list[str] | None] = {}
        self._files: list[str] | None = None

    def files(self) -> list[str]:
        """Text files worth showing a reviewer, in path order (at most MAX_FILES)."""
        if self._files is None:
            found: list[str] = []
            for entry in self.reader.files(JUDGE_SKIP_DIRS):
                if _is_text_name(entry.name):
                    found.append(entry.display)
                    if len(found) >= MAX_FILES:
                        break
            self._files = sorted(found)
        return self._files

    def exists(self, rel: str) -> bool:
        return self.lines(rel) is not None

    def lines(self, rel: str) -> list[str] | None:
        """The file's lines, or None when it is not a readable text file of the repo."""
        rel = rel.strip().removeprefix("./")
        if rel not in self._lines:
            self._lines[rel] = self.reader.lines(rel)
        return self._lines[rel]

    def text(self, rel: str) -> str | None:
        got = self.lines(rel)
        return None if got is None else "\n".join(got)


def _is_text_name(name: str) -> bool:
    return name in TEXT_NAMES or Path(name).suffix.lower() in TEXT_SUFFIXES or name.startswith(".env")
