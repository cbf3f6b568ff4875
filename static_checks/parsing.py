"""tree-sitter parsing of Ruby sources and ERB templates, with error recovery."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import tree_sitter as ts

from grader.core.budget import Deadline, OverBudget, file_deadline
from static_checks.erb import extract_ruby
from static_checks.heredoc import blank_heredoc_bodies
from static_checks.records import Category, Finding, Severity
from static_checks.sources import SourceFile


@lru_cache(maxsize=1)
def ruby_language() -> ts.Language:
    import tree_sitter_ruby as tsr

    return ts.Language(tsr.language())


@lru_cache(maxsize=1)
def ruby_parser() -> ts.Parser:
    return ts.Parser(ruby_language())


@dataclass
class ParsedFile:
    rel: str
    kind: str  # "ruby" or "erb"
    source: bytes  # the Ruby that was parsed (for ERB: the extracted code)
    # The tree of `source`; None when another process parsed it (static_checks/parse_pool.py): it is
    # then rebuilt on first use, and most files are never asked for theirs (rules look at text first).
    parsed: ts.Tree | None = None
    heredocs_blanked: bool = False  # parsed with heredoc bodies blanked (see static_checks/heredoc.py)
    over_budget: str | None = None  # not analysed: its parse ran past a time budget (the tree is empty)

    @property
    def tree(self) -> ts.Tree:
        if self.parsed is None:
            # the same bytes parsed once already within the file's budget, elsewhere: no callback needed
            self.parsed = ruby_parser().parse(self.source)
        return self.parsed

    @property
    def root(self) -> ts.Node:
        return self.tree.root_node

    def text(self, node: ts.Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def line_of(self, node: ts.Node) -> int:
        return node.start_point[0] + 1

    @cached_property
    def _lines(self) -> list[bytes]:
        # Split once: every finding and every fact's evidence asks for its line.
        return self.source.split(b"\n")

    def line_text(self, line: int) -> str:
        if 1 <= line <= len(self._lines):
            return self._lines[line - 1].decode("utf-8", "replace").strip()
        return ""


def _parse(source: bytes, deadline: Deadline) -> ts.Tree:
    """Parse, cancelled when the deadline passes (tree-sitter asks the callback as it goes; small
    pathological inputs such as `%w[` repeated take minutes otherwise)."""
    if deadline.at is None:
        return ruby_parser().parse(source)
    parser = ruby_parser()
    try:
        tree = parser.parse(lambda offset, _point: source[offset:offset + 65536],
                            progress_callback=lambda *_state: deadline.expired())
    except ValueError:  # cancelled: the parser keeps its half-done state unless reset
        parser.reset()
        if deadline.expired():
            raise OverBudget(deadline.reason()) from None
        raise
    if tree.root_node.has_error:
        return tree  # a tree with errors may not be reused whole: parsing again could take as long as the first time
    # A tree read through a callback reads every node's text through it again (a Python call and a
    # slice per `node.text`: most of the rules' time on a big app). Parsed again from the bytes with
    # the unchanged tree to reuse, it is the same tree, built in a tenth of the time, reading its bytes directly.
    return parser.parse(source, old_tree=tree)


def parse_ruby(rel: str, source: bytes, kind: str = "ruby", deadline: Deadline | None = None) -> ParsedFile:
    """Parse one file within `deadline` (default: the per-file budget, capped by the repo's);
    OverBudget when it runs past it."""
    deadline = deadline or file_deadline()
    tree = _parse(source, deadline)
    if tree.root_node.has_error and b"<<" in source:
        # tree-sitter-ruby loses whole files on nested heredocs; keep the rest of the code checkable.
        blanked = blank_heredoc_bodies(source)
        if blanked != source:
            retry = _parse(blanked, deadline)
            if not retry.root_node.has_error:
                return ParsedFile(rel=rel, kind=kind, source=blanked, parsed=retry, heredocs_blanked=True)
    return ParsedFile(rel=rel, kind=kind, source=source, parsed=tree)


def parse_source(src: SourceFile, data: bytes) -> ParsedFile:
    """The parsed file; over its time budget, an empty one whose `over_budget` says why (the
    caller reports it as skipped and the rest of the repo completes)."""
    deadline = file_deadline()
    try:
        if deadline.expired():
            raise OverBudget(deadline.reason())
        if src.kind == "erb":
            return parse_ruby(src.rel, extract_ruby(data), kind="erb", deadline=deadline)
        return parse_ruby(src.rel, data, deadline=deadline)
    except OverBudget as exc:
        return ParsedFile(rel=src.rel, kind=src.kind, source=b"", parsed=ruby_parser().parse(b""),
                          over_budget=f"not analysed: {exc}")


def first_error(node: ts.Node) -> ts.Node | None:
    """The first ERROR or MISSING node, depth first, skipping error-free subtrees."""
    if not node.has_error:
        return None
    stack = [node]
    while stack:
        cur = stack.pop()
        if cur.type == "ERROR" or cur.is_missing:
            return cur
        stack.extend(c for c in reversed(cur.children) if c.has_error or c.is_missing)
    return node


def _parse_info(parsed: ParsedFile, rule: str, line: int, column: int, message: str, evidence: str, **kw) -> Finding:
    return Finding(rule=rule, category=Category.parse, severity=Severity.info, file=parsed.rel,
                   line=line, column=column, message=message, evidence=evidence, **kw)


def syntax_findings(parsed: ParsedFile) -> list[Finding]:
    if parsed.over_budget:
        return []
    if parsed.heredocs_blanked:
        return [_parse_info(
            parsed, "parse/heredoc-fallback", 1, 1,
            "tree-sitter could not parse this file's heredocs (nested in interpolation); "
            "the code was analysed with heredoc bodies blanked",
            "a re-parse with heredoc bodies replaced by spaces has no ERROR node",
        )]
    err = first_error(parsed.root)
    if err is None:
        return []
    line, col = err.start_point[0] + 1, err.start_point[1] + 1
    end_line = err.end_point[0] + 1
    what = "missing token" if err.is_missing else "syntax error"
    where = f"line {line}" if end_line == line else f"lines {line}-{end_line}"
    return [_parse_info(
        parsed, "parse/syntax-error", line, col,
        f"{what} in {where}; the rest of the file was still analysed",
        "tree-sitter error recovery produced an ERROR node here",
        extra={"end_line": end_line}, snippet=parsed.line_text(line),
    )]
