"""A frozen copy of the prompt-injection scan (static_checks/text_rules/prompt_injection.py) as it stood
before its prefilter (issue 13, speed): the reference that tests/text_rules/test_injection_sameness.py
holds the rule's scan_text to, hit for hit. Do not edit it to follow the rule: a change of what the rule
finds is a change of its tests, made on purpose."""

# ruff: noqa
from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

MAX_SCAN_BYTES = 1_000_000  # a longer file is scanned over its head

PROSE_SUFFIXES = (".md", ".markdown", ".txt", ".rdoc", ".erb", ".html", ".htm", ".haml", ".slim")
PROSE_NAMES = ("README", "CLAUDE", "AGENTS", "SELF_REVIEW", ".cursorrules", "CHANGELOG", "NOTES")
HASH_COMMENT_SUFFIXES = (".rb", ".rake", ".gemspec", ".ru", ".yml", ".yaml", ".sh", ".toml")
HASH_COMMENT_NAMES = ("Gemfile", "Rakefile", "Dockerfile", "Procfile", ".env.example")
SLASH_COMMENT_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".jsx", ".tsx", ".css", ".scss")
CODE_ONLY_SUFFIXES = (".json",)

# Who a grader is. Unqualified "reviewer" is a person on a pull request; qualified, a grader.
_AI = r"(?:ai|llm|automated|automatic|language[- ]model|gpt|claude|model)"
_WHO_STRICT = (rf"(?:{_AI}[- ](?:grader|evaluator|reviewer|judge|assessor|marker|scorer)"
               r"|grading (?:agent|model|system|bot|llm|ai)|(?:llm|ai)[- ]as[- ]a[- ]judge)")
_WHO = rf"(?:{_WHO_STRICT}|grader|evaluator|assessor|judge)"
_FULL = r"(?:full|maximum|max|perfect|top|highest|100 ?%)"
_MARKS = r"(?:marks?|scores?|points|grades?|ratings?|credit)"


def _addressing(who: str) -> list[re.Pattern[str]]:
    """Sentences that speak to a grader: a note to it, a salutation, a vocative, "if you are one"."""
    return [
        re.compile(rf"(?i)\b(?:note|message|instructions?|reminder|hint)\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?"
                   rf"{who}s?\b"),
        re.compile(rf"(?i)\b(?:dear|attention|hey|hello|hi)\s*,?\s+(?:the\s+)?{who}s?\b"),
        re.compile(rf"(?im)(?:^|[.!?][ \t]+|^[^\w\n]*)(?:to\s+)?(?:the\s+|any\s+|all\s+)?{who}s?[*_]*\s*(?::|,)[*_]*\s+"
                   r"(?:please|you|this|ignore|disregard|give|award|assign|score|rate|grade|note)\b"),
        re.compile(rf"(?i)\bif\s+you\s+are\s+(?:an?\s+)?(?:{_AI}|{who})\b[^.\n]{{0,60}}"
                   r"\b(?:grad|evaluat|review|scor|judg|assess|mark)"),
        re.compile(rf"(?i)\b{who}s?\s+(?:reading|evaluating|reviewing|grading|scoring)\s+this\b"),
    ]


_IF_YOU_ARE = 3  # the one pattern of _addressing that an _AI word satisfies without a grader's name
ADDRESS = _addressing(_WHO)
ADDRESS_STRICT = _addressing(_WHO_STRICT)
MARKS = [
    re.compile(rf"(?i)\b(?:give|award|assign|grant)\s+(?:(?:this|the|our|my)\s+(?:\w+\s+){{0,2}}|it\s+|us\s+|me\s+"
               rf"|them\s+)?(?:the\s+|a\s+)?{_FULL}\s+{_MARKS}"),
    re.compile(r"(?i)\b(?:score|grade|rate|mark)\s+(?:(?:this|the|our|my)\s+\w+|it|us|me)\s+(?:as\s+|with\s+)?"
               r"(?:10\s*/\s*10|100\s*/\s*100|100\s*%|a\s+perfect|perfect|the\s+maximum|full\s+marks|an?\s+A\+?(?!\w))"),
    re.compile(rf"(?i)\b(?:deserves?|earns?|merits?)\s+(?:the\s+|a\s+)?{_FULL}\s+{_MARKS}"),
]
IGNORE = [
    re.compile(r"(?i)\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+)?"
               r"(?:previous|prior|above|earlier|preceding|original|system|grading)\s+"
               r"(?:instructions|prompts?|guidelines|directions|directives|rubric|criteria)"),
    # "rules" alone is what linters are told to ignore; "all previous rules" is not
    re.compile(r"(?i)\b(?:ignore|disregard|forget)\s+all\s+(?:of\s+)?(?:the\s+|your\s+)?"
               r"(?:previous|prior|above|earlier|preceding)\s+rules"),
    re.compile(r"(?i)\b(?:new|updated|revised)\s+system\s+(?:prompt|instructions)\s*:"),
]

# The sentence describes or guards against the phrase rather than saying it.
_DEFENSIVE = re.compile(
    r"(?i)\b(?:never|not|n't|no|refuse[sd]?|reject|rejects|detect|detects|block|blocks|filter|filters|prevent"
    r"|prevents|guard|guards|protect|protects|against|resist|resists|such\s+as|e\.g|i\.e|for\s+example"
    r"|attempts?|tries|trying|try\s+to|asks?|asked|asking|whether|injection|jailbreak|user\s+says"
    r"|user\s+writes|messages?\s+(?:that|which))\b")
_CONDITION_AFTER = re.compile(r"(?i)\b(?:if|when|whenever|unless|only|once|provided)\b")
_ATTACK_CONDITION = re.compile(rf"(?i)\bif\s+you\s+are\s+(?:an?\s+)?(?:{_AI}|{_WHO})")
_QUOTES = "\"'`\u201c\u2018\u00ab"
# Every pattern above needs one of these words: only the lines around them are matched in full
# (the full patterns are slow on large files; this one pass is not).
# Matched against lower-cased text without IGNORECASE: several times faster on large files.
_TRIGGER = re.compile(r"grad|evaluat|review|judg|assess|mark|scor|point|rat(?:ing|e\b)|credit|ignor|disregard"
                      r"|forget|system\s+(?:prompt|instruction)|10\s*/\s*10")
WINDOW_CHARS = 600
WINDOW_LINES = 3  # lines of context kept on each side of a trigger word (the sentence filters read them)
_HIDDEN = re.compile(r"<!--(.*?)-->|<%#(.*?)%>|^[ \t]*\[//\]:[ \t]*#[ \t]*\((.*?)\)[ \t]*$", re.DOTALL | re.MULTILINE)
# Hidden from a human reader, a comment that names a reviewer, says "you/please/must" and talks
# scores is aimed at a grader, whoever the reviewer is.
_HIDDEN_WHO = re.compile(rf"(?i)\b(?:{_WHO}|reviewer|grader|marker|examiner)s?\b")
_SPEAKS = re.compile(r"(?i)\b(?:you|your|please|must|should)\b")
_SCORING = re.compile(rf"(?i)\b(?:scor\w*|grad\w*|{_MARKS}|pass|rate|full|perfect|maximum|max)\b|\b10\s*/\s*10\b")


@dataclass(frozen=True)
class Hit:
    """One place that addresses a grader: `kind` is "instructions" or "hidden_comment"."""

    file: str
    line: int
    column: int
    kind: str
    phrase: str
    where: str  # prose | a code comment | a string in code | a hidden comment


@dataclass(frozen=True)
class _Segment:
    text: str
    offset: int  # of text[0] in the file
    where: str


# -- locating the phrases ----------------------------------------------------------------------

def _sentence(text: str, start: int, end: int) -> tuple[str, str]:
    """The sentence's text before and after a match (bounded, split at . ! ? and blank lines)."""
    head = text[max(0, start - 240):start]
    cut = max(head.rfind(". "), head.rfind("! "), head.rfind("? "), head.rfind("\n\n"), head.rfind(".\n"))
    before = head[cut + 1:] if cut >= 0 else head
    tail = text[end:end + 240]
    stops = [i for i in (tail.find(". "), tail.find("! "), tail.find("? "), tail.find("\n\n"), tail.find(".\n"))
             if i >= 0]
    return before, tail[:min(stops)] if stops else tail


def _quoted(text: str, start: int) -> bool:
    lead = text[max(0, start - 3):start].rstrip()
    return bool(lead) and lead[-1] in _QUOTES


def _defended(text: str, start: int, end: int) -> bool:
    before, _after = _sentence(text, start, end)
    return _quoted(text, start) or bool(_DEFENSIVE.search(before))


def _conditional(text: str, start: int, end: int) -> bool:
    before, after = _sentence(text, start, end)
    if _ATTACK_CONDITION.search(before + " " + after):
        return False
    return bool(_CONDITION_AFTER.search(after)) or bool(re.search(r"(?i)\b(?:never|not|n't|only)\b", before))


# One search that each pattern of a group needs to succeed somewhere in the text (a word every one of
# them contains, with the same flags): a window without it skips the group's several full scans.
_NEEDS_WHO = re.compile(rf"(?i){_WHO}")
_NEEDS_WHO_STRICT = re.compile(rf"(?i){_WHO_STRICT}")
_NEEDS_MARKS_VERB = re.compile(r"(?i)\b(?:give|award|assign|grant|score|grade|rate|mark|deserves?|earns?|merits?)\s")
_NEEDS_IGNORE_VERB = re.compile(r"(?i)\b(?:ignore|disregard|forget)\s|\b(?:new|updated|revised)\s+system\s")


def _address(text: str, patterns: list[re.Pattern[str]], needs_who: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """The addressing patterns' matches; all but "if you are an AI ..." (_AI suffices there) name `who`."""
    named = needs_who.search(text) is not None
    for i, pattern in enumerate(patterns):
        if named or i == _IF_YOU_ARE:
            yield from pattern.finditer(text)


def _matches(text: str, where: str) -> Iterator[re.Match[str]]:
    """Matches of the patterns that count in this kind of text, filters applied."""
    if where == "a string in code":
        yield from _address(text, ADDRESS_STRICT, _NEEDS_WHO_STRICT)
        return
    yield from _address(text, ADDRESS, _NEEDS_WHO)
    if _NEEDS_MARKS_VERB.search(text):
        yield from (m for p in MARKS for m in p.finditer(text) if not _conditional(text, m.start(), m.end()))
    if _NEEDS_IGNORE_VERB.search(text):
        yield from (m for p in IGNORE for m in p.finditer(text) if not _defended(text, m.start(), m.end()))


def _hidden_speaks(body: str) -> str | None:
    """The phrase that makes a hidden comment an address to a grader, or None."""
    found = next(iter(_matches(body, "a hidden comment")), None)
    if found is not None:
        return found.group(0)
    who = _HIDDEN_WHO.search(body)
    if who and _SPEAKS.search(body) and _SCORING.search(body):
        return who.group(0)
    return None


# -- splitting a file into prose, comments and code -----------------------------------------------

def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the spans replaced by spaces (newlines kept, so offsets and lines stay true)."""
    parts = []
    pos = 0
    for a, b in sorted(spans):
        if a < pos:
            a = pos
        parts.append(text[pos:a])
        gap = text[a:b]
        # most spans are one-line comments: no pattern needed to keep their (absent) newlines
        parts.append(re.sub(r"[^\n]", " ", gap) if "\n" in gap else " " * len(gap))
        pos = max(pos, b)
    parts.append(text[pos:])
    return "".join(parts)


_HASH_LINE_SPECIAL = re.compile(r"[\"'#]")


def _hash_comment_start(line: str) -> int:
    """Where a `#` comment starts on a line of Ruby/YAML/shell, outside quotes; -1 if none."""
    first = _HASH_LINE_SPECIAL.search(line)  # before it nothing changes the state of the walk below
    if first is None:
        return -1
    quote = ""
    i = first.start()
    while i < len(line):
        c = line[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "#" and line[i + 1:i + 2] != "{" and (i == 0 or line[i - 1] in " \t;,("):
            return i
        i += 1
    return -1


def _line_comments(text: str, marker: str) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    for line in text.splitlines(keepends=True):
        if ("#" if marker == "#" else "//") not in line:
            pos += len(line)
            continue
        at = _hash_comment_start(line) if marker == "#" else _slash_comment_start(line)
        if at >= 0:
            spans.append((pos + at, pos + len(line.rstrip("\r\n"))))
        pos += len(line)
    return spans


def _slash_comment_start(line: str) -> int:
    quote = ""
    for i, c in enumerate(line):
        if quote:
            if c == quote and line[i - 1] != "\\":
                quote = ""
        elif c in "\"'`":
            quote = c
        elif line.startswith("//", i) and (i == 0 or line[i - 1] != ":"):  # not the // of a URL
            return i
    return -1


def _ruby_comments(pf, text: str) -> list[tuple[int, int]]:
    """Character spans in `text` of the comment nodes of its parsed Ruby (iterative walk). Positions
    come as (row, byte column): mapped through each line, so non-ASCII text keeps its offsets."""
    if _bytes_are_chars(pf.source, text):  # most code: the mapping below would give the node's own bytes
        return sorted((node.start_byte, node.end_byte) for node in _comment_nodes(pf.root))
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    raw_lines = pf.source.split(b"\n")

    def char_at(row: int, col: int) -> int:
        if row >= len(raw_lines) or row >= len(starts):
            return len(text)
        return starts[row] + len(raw_lines[row][:col].decode("utf-8", "replace"))

    spans = []
    for node in _comment_nodes(pf.root):
        a = char_at(*node.start_point)
        b = min(max(char_at(*node.end_point), a), len(text))
        spans.append((a, b))
    return sorted(spans)


_OTHER_LINE_BREAKS = re.compile(r"[\x0b\x0c\x1c\x1d\x1e]|\r(?!\n)")  # str.splitlines breaks there, tree-sitter not


def _bytes_are_chars(source: bytes, text: str) -> bool:
    """`text` is all of `source`, one character a byte, with lines where tree-sitter counts them:
    a node's byte offsets are then its character offsets in `text`."""
    return len(text) == len(source) and source.isascii() and not _OTHER_LINE_BREAKS.search(text)


@lru_cache(maxsize=1)
def _comment_query():
    import tree_sitter as ts

    from static_checks.parsing import ruby_language

    return ts.Query(ruby_language(), "(comment) @comment")


def _comment_nodes(root) -> list:
    """Every comment node of the tree, found by tree-sitter itself (a walk in Python visited every node)."""
    import tree_sitter as ts

    return ts.QueryCursor(_comment_query()).captures(root).get("comment", [])


def _code_segments(text: str, comments: list[tuple[int, int]]) -> list[_Segment]:
    segments = [_Segment(text[a:b], a, "a code comment") for a, b in comments]
    segments.append(_Segment(_blank(text, comments), 0, "a string in code"))
    return segments


def _kind_of(rel: str) -> str | None:
    name = rel.rsplit("/", 1)[-1]
    if name.endswith(PROSE_SUFFIXES) or name.startswith(PROSE_NAMES):
        return "prose"
    if name.endswith(HASH_COMMENT_SUFFIXES) or name.startswith(HASH_COMMENT_NAMES):
        return "hash"
    if name.endswith(SLASH_COMMENT_SUFFIXES):
        return "slash"
    if name.endswith(CODE_ONLY_SUFFIXES):
        return "code"
    return None


def _segments(rel: str, kind: str, text: str, parsed) -> tuple[list[_Segment], list[tuple[int, int, str]]]:
    """The file's scanned segments, and its hidden comments (start, end, body)."""
    hidden: list[tuple[int, int, str]] = []
    if kind == "prose":
        for m in _HIDDEN.finditer(text):
            body = next(g for g in m.groups() if g is not None)
            hidden.append((m.start(), m.end(), body))
        return [_Segment(_blank(text, [(a, b) for a, b, _ in hidden]), 0, "prose")], hidden
    if kind == "code":
        return [_Segment(text, 0, "a string in code")], hidden
    if kind == "hash":
        pf = parsed.get(rel)
        comments = _ruby_comments(pf, text) if pf is not None and not pf.heredocs_blanked else _line_comments(text, "#")
        return _code_segments(text, comments), hidden
    blocks = [(m.start(), m.end()) for m in re.finditer(r"/\*.*?\*/", text, re.DOTALL)]
    rest = _blank(text, blocks)
    return _code_segments(text, sorted(blocks + _line_comments(rest, "/"))), hidden


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _windows(text: str) -> list[tuple[int, int]]:
    """Merged character spans of the lines around trigger words, at most WINDOW_CHARS either side
    (a minified file is one long line)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters lower-case to two: offsets would drift
        return [(0, len(text))]
    newlines = [m.start() for m in re.finditer("\n", text)]
    spans: list[tuple[int, int]] = []
    for m in _TRIGGER.finditer(lowered):
        i = bisect.bisect_left(newlines, m.start())  # newlines before the match
        a = newlines[i - WINDOW_LINES - 1] + 1 if i - WINDOW_LINES - 1 >= 0 else 0
        j = bisect.bisect_left(newlines, m.end()) + WINDOW_LINES
        b = newlines[j] if j < len(newlines) else len(text)
        a, b = max(a, m.start() - WINDOW_CHARS), min(b, m.end() + WINDOW_CHARS)
        if spans and a <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], b))
        else:
            spans.append((a, b))
    return spans


# _TRIGGER without its one look-around (the \b after "rate"): wherever _TRIGGER matches inside a
# piece of the text, this one, run over the whole text, matches at or across the same place.
_TRIGGER_LOOSE = re.compile(_TRIGGER.pattern.replace(r"e\b)", "e)"))


def _trigger_filter(text: str, lowered: str):
    """A test of segments, false only for one that holds no trigger word (which has no windows, so
    skipping it changes nothing): a file's many comment segments are tried against one pass over
    the file instead of one pass each."""
    if len(lowered) != len(text):
        return lambda _seg: True
    starts: list[int] = []
    ends: list[int] = []

    def may_trigger(seg: _Segment) -> bool:
        if seg.offset == 0 and len(seg.text) == len(text):
            return True  # the whole file (blanked or not) is a segment of its own: always scanned
        if not ends:  # first asked: prose has no smaller segments, so it never pays for this pass
            for m in _TRIGGER_LOOSE.finditer(lowered):
                starts.append(m.start())
                ends.append(m.end())
            if not ends:
                ends.append(-1)  # searched, nothing found (starts stays empty)
        i = bisect.bisect_right(ends, seg.offset)  # the first match ending inside or after the segment
        return i < len(starts) and starts[i] < seg.offset + len(seg.text)

    return may_trigger


def scan_text(rel: str, text: str, parsed: dict | None = None) -> list[Hit]:
    """Every place in one file's text that addresses a grader, in file order."""
    kind = _kind_of(rel)
    lowered = text.lower()
    if kind is None or not _TRIGGER.search(lowered):
        return []  # every pattern, hidden comments' included, needs a trigger word: most files have none
    segments, hidden = _segments(rel, kind, text, parsed or {})
    hits: dict[tuple[int, str], Hit] = {}
    may_trigger = _trigger_filter(text, lowered)
    windows = [_Segment(seg.text[a:b], seg.offset + a, seg.where) for seg in segments
               if may_trigger(seg) for a, b in _windows(seg.text)]
    for seg in windows:
        for m in _matches(seg.text, seg.where):
            phrase = m.group(0).lstrip()
            line, col = _position(text, seg.offset + m.end() - len(phrase))
            known = hits.get((line, "instructions"))
            if known is None or col < known.column:  # one finding a line, at its first phrase
                hits[(line, "instructions")] = Hit(rel, line, col, "instructions", phrase, seg.where)
    for start, _end, body in hidden:
        phrase = _hidden_speaks(body)
        if phrase is not None:
            line, col = _position(text, start)
            hits.setdefault((line, "hidden_comment"), Hit(rel, line, col, "hidden_comment", phrase,
                                                          "a hidden comment"))
    return sorted(hits.values(), key=lambda h: (h.line, h.column))
