"""What a fact collector sees: the repo, its parsed Ruby, the findings and the chosen app root."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import tree_sitter as ts

from grader.core.budget import checkpoint
from grader.core.repo import SKIP_DIRS, RepoReader
from static_checks.types.syntax import NodeIndex
from static_checks.models import AppRoot, Evidence, Fact, Finding
from static_checks.parsing import ParsedFile

TEXT_MAX_BYTES = 1_000_000


def choose_app_root(base: Path, candidates: list[str]) -> str:
    """The Rails app to grade: a folder with config/application.rb, shallowest first, '.' preferred.

    Falls back to the shallowest folder with a Gemfile, then to the repo root.
    """

    def depth(p: str) -> tuple[int, str]:
        return (0 if p == "." else p.count("/") + 1, p)

    reader = RepoReader(base)
    ordered = sorted(set(candidates) | {"."}, key=depth)
    for cand in ordered:
        if reader.is_file(f"{cand}/config/application.rb"):
            return cand
    # A Rails app nested without a Gemfile of its own is still found by its config.
    for rel, dirs, files in reader.walk():
        dirs[:] = [d for d in dirs if d.name not in SKIP_DIRS and not d.name.startswith(".") and not d.is_link]
        if rel.count("/") > 2:
            dirs[:] = []
            continue
        if rel.endswith("config") and any(f.name == "application.rb" for f in files):
            parent = str(Path(rel).parent)
            return parent if parent != "" else "."
    with_gemfile = [c for c in ordered if reader.is_file(f"{c}/Gemfile")]
    return with_gemfile[0] if with_gemfile else "."


@dataclass
class FactContext:
    base: Path
    parsed: list[ParsedFile]
    findings: list[Finding]
    roots: list[AppRoot]
    app_root: str = "."
    _indexes: dict[str, NodeIndex] = field(default_factory=dict)
    # Collectors share derived analysis here (e.g. which classes call RubyLLM), keyed by name.
    cache: dict[str, Any] = field(default_factory=dict)

    # ---- paths ----------------------------------------------------------------------
    @property
    def prefix(self) -> str:
        return "" if self.app_root == "." else self.app_root.rstrip("/") + "/"

    @property
    def app_dir(self) -> Path:
        return self.base if self.app_root == "." else self.base / self.app_root

    def app_rel(self, rel_in_app: str) -> str:
        """Repo-relative path of a path given relative to the app root."""
        return self.prefix + rel_in_app

    @cached_property
    def by_rel(self) -> dict[str, ParsedFile]:
        return {pf.rel: pf for pf in self.parsed}

    def parsed_file(self, rel_in_app: str) -> ParsedFile | None:
        return self.by_rel.get(self.app_rel(rel_in_app))

    def app_files(self, *folders: str, kind: str | None = None) -> list[ParsedFile]:
        """Parsed files of the app under any of `folders` (relative to the app root)."""
        checkpoint()
        prefixes = tuple(self.app_rel(f.rstrip("/") + "/") for f in folders) if folders else (self.prefix,)
        return [
            pf
            for pf in self.parsed
            if pf.rel.startswith(prefixes) and (kind is None or pf.kind == kind)
        ]

    def code_files(self) -> list[ParsedFile]:
        """App code that runs in production: app/, lib/, config/ (not tests)."""
        return self.app_files("app", "lib", "config")

    def test_files(self) -> list[ParsedFile]:
        return [pf for pf in self.app_files("test", "spec") if pf.kind == "ruby"]

    def index(self, pf: ParsedFile) -> NodeIndex:
        checkpoint()  # collectors loop files x lookups through here: the repo budget bounds them
        idx = self._indexes.get(pf.rel)
        if idx is None:
            idx = self._indexes[pf.rel] = NodeIndex(pf)
        return idx

    # ---- plain files (not Ruby) ---------------------------------------------------------
    @cached_property
    def reader(self) -> RepoReader:
        """The one safe reader of the repo: no links, regular files only, sizes capped."""
        return RepoReader(self.base, max_bytes=TEXT_MAX_BYTES)

    @cached_property
    def all_files(self) -> list[str]:
        """Every regular file of the repo (repo-relative), skipping vendored and VCS folders.

        One walk, links never followed; names that are not UTF-8 are left out (nothing can cite them).
        """
        return [e.rel for e in self.reader.files() if e.rel == e.display]

    def exists(self, rel: str) -> bool:
        return self.reader.is_file(rel)

    def read_text(self, rel: str, max_bytes: int = TEXT_MAX_BYTES) -> str | None:
        """Text of a repo file, or None if missing, a link, not a regular file, binary or too large."""
        return self.reader.text(rel, limit=max_bytes)

    def first_existing(self, names: list[str], in_app_then_repo: bool = True) -> str | None:
        """First of `names` found in the app root, then in the repo root."""
        folders = [self.prefix, ""] if in_app_then_repo and self.prefix else [self.prefix]
        for folder in folders:
            for n in names:
                if self.exists(folder + n):
                    return folder + n
        return None

    def callers(self, pf: ParsedFile, method: ts.Node):
        """(file, call) for calls of `method` in app code, one hop: receiver-less calls from the same
        class, or calls whose receiver names the method's class (`ChatReply.new(...).call`)."""
        from static_checks.types.syntax import class_path, def_name

        name = def_name(pf, method)
        owner = class_path(pf, method).rsplit("::", 1)[-1]
        if not name:
            return
        for other in self.app_files("app", "lib", kind="ruby"):
            for c in self.index(other).calls(name):
                r = c.child_by_field_name("receiver")
                same_class = r is None and class_path(other, c).rsplit("::", 1)[-1] == owner
                if same_class or (r is not None and owner and owner in other.text(r)):
                    yield other, c

    # ---- evidence and facts -------------------------------------------------------------
    @staticmethod
    def ev(pf: ParsedFile, node: ts.Node) -> Evidence:
        line = pf.line_of(node)
        return Evidence(file=pf.rel, line=line, column=node.start_point[1] + 1, snippet=pf.line_text(line)[:200])

    def ev_text(self, rel: str, line: int, snippet: str | None = None) -> Evidence:
        return Evidence(file=rel, line=line, snippet=(snippet or "").strip()[:200] or None)


def fact(id: str, value: Any, rule: str, evidence: list[Evidence] | None = None, note: str | None = None) -> Fact:
    seen: set[tuple[str, int]] = set()
    unique = []
    for e in evidence or []:
        if (e.file, e.line) not in seen:
            seen.add((e.file, e.line))
            unique.append(e)
    return Fact(id=id, value=value, rule=rule, evidence=unique, note=note)
