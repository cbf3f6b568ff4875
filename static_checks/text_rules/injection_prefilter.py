"""Which patterns of security/prompt-injection could match anywhere in a file, decided before the scan
(prompt_injection.scan_text) looks at a single window: most files hold none of the words that every
match of a pattern contains, and are then skipped whole, with no lower-casing, segments or windows.

Why skipping is exact (the scan's findings are those of scanning every file):
- Each pattern is reached through anchor words that every match of it contains (a grader's name; "you"
  of "if you are"; the verb that opens a MARKS or IGNORE pattern; "system" of "new system prompt:"),
  found by one Aho-Corasick pass over the case-folded text. Folding maps a character to the ASCII
  letter that IGNORECASE would match to it (lower(), and the four letters Python's re also folds to
  ASCII: dotted and dotless i, the Kelvin sign, long s), one character for one, so positions hold.
- At an anchor, the pattern is matched from there without its outer look-arounds (a leading \\b, a
  trailing (?!\\w)): the scan runs patterns on windows cut out of the text, where a window's edge can
  satisfy a \\b the whole text does not, so the check here accepts at least what any window could.
- The scan also runs patterns on text with comments blanked to spaces (a code file's strings; prose
  with hidden comments left out), where a pattern's whitespace may stand on blanked characters. A
  letter is never blanked, so anchors are found there too, but the match from an anchor is tried on
  that blanked text itself (prose), or, for the one pattern strings in code use that can cross a
  comment ("if you are an AI ..."), on the blanked code once a necessary condition holds.
tests/text_rules/test_injection_sameness.py holds the scan to a frozen copy of the scan without this.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import ahocorasick_rs

from static_checks.text_rules.injection_patterns import (
    _AI,
    _IF_YOU_ARE,
    _WHO,
    _WHO_STRICT,
    ADDRESS,
    ADDRESS_STRICT,
    IGNORE,
    MARKS,
    SYSTEM_PROMPT,
    you_are,
)

# A hidden comment that names an "examiner" (and says "you" and talks scores) speaks to a grader.
HIDDEN_WHO_ONLY = object()

# Every match of _WHO, _WHO_STRICT and the hidden comments' reviewer names holds one of these.
_WHO_WORDS = ("grader", "grading", "evaluator", "reviewer", "judge", "assessor", "marker", "scorer")
_STEMS = ("grad", "evaluat", "review", "scor", "judg", "assess", "mark")  # that "if you are ..." ends with
# The words that open a pattern (or "you" of "if you are", "system" of "new system prompt:"), each
# followed by \s there: searched with each character \s matches after them, which skips the many
# "generate(" and "your" a bare word would stop at. And with "<" after them: in prose the scan blanks
# hidden comments (<!-- -->, <%# %>) to spaces, so a word right before one is followed by \s there.
_OPENERS = {"you": "you", "system": "system",
            **dict.fromkeys(("give", "award", "assign", "grant"), "marks0"),
            **dict.fromkeys(("score", "grade", "rate", "mark"), "marks1"),
            **dict.fromkeys(("deserve", "deserves", "earn", "earns", "merit", "merits"), "marks2"),
            **dict.fromkeys(("ignore", "disregard", "forget"), "ignore")}
_SPACES = tuple(c for c in map(chr, range(0x110000)) if re.match(r"\s", c))  # what \s matches in str patterns
_ANCHORS: tuple[tuple[str, str], ...] = (
    *((w, "who") for w in _WHO_WORDS), ("examiner", "examiner"), *((w, "stem") for w in _STEMS),
    *((w + after, role) for w, role in _OPENERS.items() for after in (*_SPACES, "<")))
_ROLE_OF = tuple(role for _w, role in _ANCHORS)


def _from_anchor(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` matched from its first word, its outer look-arounds left out (see the module's doc)."""
    source = pattern.pattern
    assert source.startswith("(?i)\\b"), source
    return re.compile("(?i)" + source[len("(?i)\\b"):].replace("(?!\\w)", ""))


_OPENED_BY = {"marks0": [MARKS[0]], "marks1": [MARKS[1]], "marks2": [MARKS[2]], "ignore": IGNORE[:2]}
_CHECKS = {role: [(p, _from_anchor(p)) for p in patterns] for role, patterns in _OPENED_BY.items()}
_YOU_ARE = re.compile(rf"(?i){you_are(_WHO)}")  # _WHO_STRICT's matches are _WHO's too
_SYSTEM_PROMPT = re.compile(rf"(?i){SYSTEM_PROMPT}")
_IF_YOU_ARE_STRICT = re.compile(rf"(?i)if\s+{you_are(_WHO_STRICT)}")
# In code, strings are scanned with comments blanked: "if you are an AI ... grader" may stand across a
# comment there. Its _AI word and the closing stem are letters (never blanked) at most 60 characters
# apart on one line (blanking keeps newlines): looked for from each stem before blanking anything.
_AI_BEFORE_STEM = re.compile(rf"(?i){_AI}[^\n]{{0,60}}$".replace("language[- ]model|", ""))
_AI_SPAN = 9 + 60  # "automated" and the gap
# The letters Python's re, ignoring case, also matches to an ASCII letter (dotted and dotless i, the
# Kelvin sign, long s): every other character matches one only if it lower-cases to it.
_FOLDED_TO_ASCII = str.maketrans({"\u0130": "i", "\u0131": "i", "\u212a": "k", "\u017f": "s"})
_FOLDED_TO_ASCII_CHARS = "\u0130\u0131\u212a\u017f"


@lru_cache(maxsize=1)
def _anchor_search() -> ahocorasick_rs.BytesAhoCorasick:
    # a DFA: several times faster than the default automaton over this many (~600) short words
    return ahocorasick_rs.BytesAhoCorasick([w.encode() for w, _role in _ANCHORS],
                                           implementation=ahocorasick_rs.Implementation.DFA)


def fold(text: str) -> str:
    """Each character as IGNORECASE matches it against ASCII letters (same length as `text`)."""
    if not text.isascii() and any(c in text for c in _FOLDED_TO_ASCII_CHARS):
        text = text.translate(_FOLDED_TO_ASCII)
    return text.lower()


def _folded_bytes(text: str) -> bytes:
    """UTF-8 of `text` with every character IGNORECASE matches to an ASCII letter made that letter:
    the other non-ASCII characters never match one, so lower-casing ASCII bytes is enough."""
    if not text.isascii() and any(c in text for c in _FOLDED_TO_ASCII_CHARS):
        text = text.translate(_FOLDED_TO_ASCII)
    return text.encode("utf-8").lower()


def _anchor_hits(text: str) -> tuple[list[tuple[int, int]], bytes] | None:
    """(role index, character offset) of every anchor in `text`, overlaps included, in order; and the
    folded bytes searched. None if it cannot tell (a lone surrogate: never in a decoded file)."""
    try:
        data = _folded_bytes(text)
    except UnicodeEncodeError:
        return None
    found = _anchor_search().find_matches_as_indexes(data, overlapping=True)
    if len(data) == len(text) or not found:
        return [(index, start) for index, start, _end in found], data
    # byte offsets to character offsets: each anchor starts with an ASCII letter, a character boundary
    found.sort(key=lambda hit: hit[1])
    hits = []
    byte_at = char_at = 0
    for index, start, _end in found:
        char_at += len(data[byte_at:start].decode("utf-8"))
        byte_at = start
        hits.append((index, char_at))
    return hits, data


def _follows(text: str, at: int, words: tuple[str, ...]) -> bool:
    """Whitespace, and before it one of `words` (case-folded), stand right before `at`."""
    j = at
    while j > 0 and text[j - 1].isspace():
        j -= 1
    return j < at and fold(text[max(0, j - 7):j]).endswith(words)


def _opened_at(text: str, role: str, at: int, found: set) -> None:
    """Add to `found` the patterns a match could take from the anchor at `at` in `text`."""
    if role == "you":
        if ADDRESS[_IF_YOU_ARE] not in found and _follows(text, at, ("if",)) and _YOU_ARE.match(text, at):
            found.update((ADDRESS[_IF_YOU_ARE], ADDRESS_STRICT[_IF_YOU_ARE]))
    elif role == "system":
        if IGNORE[2] not in found and _follows(text, at, ("new", "updated", "revised")) and \
                _SYSTEM_PROMPT.match(text, at):
            found.add(IGNORE[2])
    else:
        found.update(p for p, check in _CHECKS.get(role, ()) if p not in found and check.match(text, at))


_ADDRESSING = (*ADDRESS, *ADDRESS_STRICT)


def possible_patterns(kind: str, text: str, blanked_prose: Callable[[], str | None],
                      blanked_code: Callable[[], str]) -> set:
    """The patterns (of ADDRESS, ADDRESS_STRICT, MARKS, IGNORE) that could match in some window of a
    file of this kind, plus HIDDEN_WHO_ONLY when a hidden comment could name a grader; empty: no
    finding is possible. blanked_prose/blanked_code: the file's text as the scan blanks it (prose
    without its hidden comments, or None when it has none; code without its comments)."""
    searched = _anchor_hits(text)
    if searched is None:
        return {*ADDRESS, *ADDRESS_STRICT, *MARKS, *IGNORE, HIDDEN_WHO_ONLY}
    hits, data = searched
    found: set = set()
    stems: list[int] = []
    texts: tuple[str, ...] = ()  # where a match from an opener is tried: the text, and prose as the scan blanks it
    for index, at in hits:
        role = _ROLE_OF[index]
        if role == "who":
            found.update(_ADDRESSING)
        elif role == "examiner":
            found.add(HIDDEN_WHO_ONLY)
        elif role == "stem":
            stems.append(at)
        else:
            if not texts:
                blanked = blanked_prose() if kind == "prose" else None
                texts = (text,) if blanked is None else (text, blanked)
            for scanned in texts:
                _opened_at(scanned, role, at, found)
    if kind in ("hash", "slash") and stems and ADDRESS_STRICT[_IF_YOU_ARE] not in found and b"you" in data and \
            any(_AI_BEFORE_STEM.search(text, max(0, r - _AI_SPAN), r) for r in stems) and \
            _IF_YOU_ARE_STRICT.search(blanked_code()):
        found.add(ADDRESS_STRICT[_IF_YOU_ARE])
    return found
