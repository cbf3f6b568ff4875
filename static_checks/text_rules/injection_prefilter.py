"""Which patterns of security/prompt-injection could match anywhere in a file, decided before the scan
(prompt_injection.scan_text) looks at a single window: most files hold none of the words that every
match of a pattern contains, and are then skipped whole, with no lower-casing, segments or windows.

Why skipping is exact (the scan's findings are those of scanning every file):
- Each pattern is reached through anchor words that every match of it contains: the word it opens with
  ("note", "dear", "give", "ignore"...; "you" of "if you are", "system" of "new system prompt:"), or a
  grader's name ("grader", "evaluator"...) that the rest of the match follows. They are found by one
  Aho-Corasick pass over the case-folded text. Folding maps a character to the ASCII letter that
  IGNORECASE would match to it (lower(), and the four letters Python's re also folds to ASCII: dotted
  and dotless i, the Kelvin sign, long s), one character for one, so positions hold.
- At an anchor the pattern is matched from there without its outer look-arounds (a leading or closing
  \\b, a trailing (?!\\w)), or, after a grader's name, what the pattern says follows it: the scan runs
  patterns on windows cut out of the text, where a window's edge can satisfy a \\b the whole text does
  not, so the check here accepts at least what any window could.
- The scan also runs patterns on text with comments blanked to spaces (a code file's strings; prose
  with its hidden comments left out), where a pattern's whitespace may stand on blanked characters.
  The letters of a match are never blanked ones (those are spaces), so its anchor is in the file too;
  the match from it is tried on the blanked prose as well, and in code, where only patterns that name a
  grader or "if you are an AI" count, the blanked code is searched itself once the file holds a
  grader's name, or an _AI word shortly before a word "if you are an AI ..." ends with.
tests/text_rules/test_injection_sameness.py holds the scan to a frozen copy of the scan without this.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import ahocorasick_rs

from static_checks.text_rules.injection_patterns import (
    _AI,
    _GRADING_WHAT,
    _IF_YOU_ARE,
    _WHO,
    _WHO_STRICT,
    ADDRESS,
    ADDRESS_STRICT,
    IGNORE,
    MARKS,
    READING_TAIL,
    SYSTEM_PROMPT,
    VOCATIVE_TAIL,
    you_are,
)

# A hidden comment that names a grader (and says "you" and talks scores) speaks to one: the scan must
# look at the file's hidden comments even when no pattern can match.
HIDDEN_WHO_ONLY = object()
_EVERY = (*ADDRESS, *ADDRESS_STRICT, *MARKS, *IGNORE, HIDDEN_WHO_ONLY)

# Every match of _WHO and _WHO_STRICT holds one of these, and the hidden comments' names one of them or
# "examiner"; a match of _WHO ends with the word, or with "grading" and a _GRADING_WHAT.
_WHO_WORDS = ("grader", "grading", "evaluator", "reviewer", "judge", "assessor", "marker", "scorer")
_STEMS = ("grad", "evaluat", "review", "scor", "judg", "assess", "mark")  # that "if you are ..." ends with
# The words that open a pattern, each followed there by \s (or a comma, after "dear"): searched with
# each character that can follow them, which skips the many "generate(" and "your" a bare word would
# stop at. Also with "<" after them: prose is scanned with its hidden comments (<!-- -->, <%# %>)
# blanked to spaces, so a word right before one is followed by \s there.
_OPENERS = {"you": "you", "system": "system",
            **dict.fromkeys(("note", "message", "instruction", "instructions", "reminder", "hint"), "note"),
            **dict.fromkeys(("dear", "attention", "hey", "hello", "hi"), "dear"),
            **dict.fromkeys(("give", "award", "assign", "grant"), "marks0"),
            **dict.fromkeys(("score", "grade", "rate", "mark"), "marks1"),
            **dict.fromkeys(("deserve", "deserves", "earn", "earns", "merit", "merits"), "marks2"),
            **dict.fromkeys(("ignore", "disregard", "forget"), "ignore")}
# Every character \s matches in a str pattern (a test checks the list against re itself).
_SPACES = tuple("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def _after(role: str) -> tuple[str, ...]:
    return (*_SPACES, "<", ",") if role == "dear" else (*_SPACES, "<")


_ANCHORS: tuple[tuple[str, str], ...] = (
    *((w, "who") for w in _WHO_WORDS), ("examiner", "examiner"), *((w, "stem") for w in _STEMS),
    *((w + after, role) for w, role in _OPENERS.items() for after in _after(role)))
_ROLE_OF = tuple(role for _w, role in _ANCHORS)


def _loose(source: str) -> str:
    """A pattern's text without its outer look-arounds: a leading and a closing \\b, any (?!\\w)."""
    source = source.replace("(?!\\w)", "")
    source = source[2:] if source.startswith("\\b") else source
    return source[:-2] if source.endswith("\\b") else source


def _from_opener(pattern: re.Pattern[str]) -> re.Pattern[str]:
    assert pattern.pattern.startswith("(?i)\\b"), pattern.pattern
    return re.compile("(?i)" + _loose(pattern.pattern[len("(?i)"):]))


# role -> (the patterns a match from the anchor makes possible, that match); a pattern of ADDRESS
# names a _WHO where its ADDRESS_STRICT twin names a _WHO_STRICT, whose matches are _WHO's too
_OPENED: dict[str, list[tuple[tuple, re.Pattern[str]]]] = {
    "note": [((ADDRESS[0], ADDRESS_STRICT[0]), _from_opener(ADDRESS[0]))],
    "dear": [((ADDRESS[1], ADDRESS_STRICT[1]), _from_opener(ADDRESS[1]))],
    "marks0": [((MARKS[0],), _from_opener(MARKS[0]))],
    "marks1": [((MARKS[1],), _from_opener(MARKS[1]))],
    "marks2": [((MARKS[2],), _from_opener(MARKS[2]))],
    "ignore": [((IGNORE[0],), _from_opener(IGNORE[0])), ((IGNORE[1],), _from_opener(IGNORE[1]))],
}
# after a grader's name (at the end of its word): the vocative and "graders reading this"
_NAMED = [((ADDRESS[2], ADDRESS_STRICT[2]), re.compile(rf"(?i)(?: {_GRADING_WHAT})?{_loose(VOCATIVE_TAIL)}")),
          ((ADDRESS[4], ADDRESS_STRICT[4]), re.compile(rf"(?i)(?: {_GRADING_WHAT})?{_loose(READING_TAIL)}"))]
_YOU_ARE = re.compile(rf"(?i){you_are(_WHO)}")
_SYSTEM_PROMPT = re.compile(rf"(?i){SYSTEM_PROMPT}")
_IF_YOU_ARE_STRICT = re.compile(rf"(?i)if\s+{you_are(_WHO_STRICT)}")
# In code, strings are scanned with comments blanked: "if you are an AI ... grader" may stand across a
# comment there. Its _AI word and the closing stem are letters at most 60 characters apart on one
# line (blanking keeps newlines): looked for from each stem before blanking anything.
_AI_BEFORE_STEM = re.compile(rf"(?i){_AI}[^\n]{{0,60}}$".replace("language[- ]model|", ""))
_AI_SPAN = 9 + 60  # "automated" and the gap
# _WHO_STRICT's forms, separators any character: an _AI word (or its last word, "model") and one
# character right before a grader's name, or "LLM as a " before "judge"; after "grading", one and a noun
_AI_NAMED = re.compile(r"(?i)(?:(?:ai|llm|automated|automatic|model|gpt|claude)|(?:llm|ai)[\s\S]as[\s\S]a)[\s\S]$")
_GRADING_NAMED = re.compile(rf"(?i)[\s\S]{_GRADING_WHAT}")
# The letters Python's re, ignoring case, also matches to an ASCII letter (dotted and dotless i, the
# Kelvin sign, long s): every other character matches one only if it lower-cases to it.
_FOLDED_TO_ASCII = str.maketrans({"\u0130": "i", "\u0131": "i", "\u212a": "k", "\u017f": "s"})
_FOLDED_TO_ASCII_CHARS = "\u0130\u0131\u212a\u017f"


# The UTF-8 of the characters _FOLDED_TO_ASCII changes, searched with the anchors (their indexes come
# after _ANCHORS'): in a file's raw bytes they mean its text folds otherwise than its bytes (see
# utf8_anchor_hits). Folded text holds none of them, so the other searches never meet one.
_FOLDED_TO_ASCII_UTF8 = tuple(c.encode() for c in _FOLDED_TO_ASCII_CHARS)


@lru_cache(maxsize=1)
def _anchor_search() -> ahocorasick_rs.BytesAhoCorasick:
    # a DFA: several times faster than the default automaton over this many (~700) short words
    return ahocorasick_rs.BytesAhoCorasick([*(w.encode() for w, _role in _ANCHORS), *_FOLDED_TO_ASCII_UTF8],
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


_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))


def ascii_anchor_hits(data: bytes) -> list[tuple[int, int]]:
    """_anchor_hits of the text of ASCII `data`, without decoding it."""
    return [(index, start) for index, start, _end in
            _anchor_search().find_matches_as_indexes(data.lower(), overlapping=True)]


def _anchor_hits(text: str) -> list[tuple[int, int]] | None:
    """(anchor index, character offset) of every anchor in `text`, overlaps included, in order; None if
    it cannot tell (a lone surrogate: never in a decoded file)."""
    try:
        data = _folded_bytes(text)
    except UnicodeEncodeError:
        return None
    found = _anchor_search().find_matches_as_indexes(data, overlapping=True)
    if len(data) == len(text) or not found:
        return [(index, start) for index, start, _end in found]
    return _at_characters(data, found)


def _at_characters(data: bytes, found: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Anchor matches in valid UTF-8 `data` at character offsets, in order of their start. Each anchor
    starts with an ASCII letter, a character boundary; the characters between two boundaries are the
    bytes less the continuation bytes (0x80-0xBF), counted by deleting those, not by decoding."""
    found.sort(key=lambda hit: hit[1])
    hits = []
    byte_at = char_at = 0
    for index, start, _end in found:
        char_at += len(data[byte_at:start].translate(None, _CONTINUATION_BYTES))
        byte_at = start
        hits.append((index, char_at))
    return hits


def utf8_anchor_hits(data: bytes) -> tuple[str | None, list[tuple[int, int]] | None]:
    """The anchors of a non-ASCII file told from its bytes, where that is exact: (None, []) when the
    file's text (decoded with bad bytes replaced, a BOM dropped or not) holds none; (its text, the
    _anchor_hits of it) when `data` is valid UTF-8 without a BOM; (None, None) when only the text can
    tell. Exact because decoding keeps every ASCII byte in place and order, and an anchor's non-ASCII
    characters (spaces such as U+00A0) are whole valid sequences either way."""
    found = _anchor_search().find_matches_as_indexes(data.lower(), overlapping=True)
    if not found:
        return None, []
    if data.startswith(b"\xef\xbb\xbf") or any(index >= len(_ANCHORS) for index, _start, _end in found):
        return None, None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, None
    return text, _at_characters(data, found)


def _follows(text: str, at: int, words: tuple[str, ...]) -> bool:
    """Whitespace, and before it one of `words` (case-folded), stand right before `at`."""
    j = at
    while j > 0 and text[j - 1].isspace():
        j -= 1
    return j < at and fold(text[max(0, j - 7):j]).endswith(words)


def _opened_at(text: str, role: str, at: int, found: set) -> None:
    """Add to `found` the patterns a match could take from the anchor at `at` in `text`."""
    if role == "you":
        if ADDRESS[_IF_YOU_ARE] not in found and _YOU_ARE.match(text, at) and _follows(text, at, ("if",)):
            found.update((ADDRESS[_IF_YOU_ARE], ADDRESS_STRICT[_IF_YOU_ARE]))
    elif role == "system":
        if IGNORE[2] not in found and _SYSTEM_PROMPT.match(text, at) and \
                _follows(text, at, ("new", "updated", "revised")):
            found.add(IGNORE[2])
    else:
        for patterns, check in _OPENED[role]:
            if patterns[0] not in found and check.match(text, at):
                found.update(patterns)


def _named_at(text: str, end: int, found: set) -> None:
    for patterns, check in _NAMED:
        if patterns[0] not in found and check.match(text, end):
            found.update(patterns)


def _strictly_named(text: str, hits: list[tuple[int, int]]) -> bool:
    """Some grader's name could be part of a _WHO_STRICT ("AI grader", "grading agent", "LLM as a
    judge") in the file's code with its comments blanked: letters of such a name are the file's own,
    the one character between two of its words may be a blanked one, so any character stands there."""
    for index, at in hits:
        word = _ANCHORS[index][0]
        if _ROLE_OF[index] != "who":
            continue
        if word == "grading":
            if _GRADING_NAMED.match(text, at + len(word)):
                return True
        elif _AI_NAMED.search(text, max(0, at - 16), at):
            return True
    return False


def _anchored(hits: list[tuple[int, int]], texts: tuple[str, ...], found: set) -> None:
    """The patterns that matches from the openers and grader's names of `hits` could be part of, in
    each of `texts` (the same text, or blanked: same offsets)."""
    for index, at in hits:
        role = _ROLE_OF[index]
        if role == "who":
            end = at + len(_ANCHORS[index][0])
            for scanned in texts:
                _named_at(scanned, end, found)
        elif role not in ("examiner", "stem"):
            for scanned in texts:
                _opened_at(scanned, role, at, found)


def possible_patterns(kind: str, text: str, blanked_prose: Callable[[], str | None],
                      blanked_code: Callable[[], str], hits: list[tuple[int, int]] | None = None) -> set:
    """The patterns (of ADDRESS, ADDRESS_STRICT, MARKS, IGNORE) that could match in some window of a
    file of this kind, plus HIDDEN_WHO_ONLY when a hidden comment could name a grader; empty: no
    finding is possible. blanked_prose/blanked_code: the file's text as the scan blanks it (prose
    without its hidden comments, or None when it has none; code without its comments). hits: the
    text's _anchor_hits when the caller has them."""
    hits = _anchor_hits(text) if hits is None else hits
    if hits is None:
        return set(_EVERY)
    if not hits:
        return set()
    roles = {_ROLE_OF[index] for index, _at in hits}
    named = "who" in roles
    blanked = blanked_prose() if kind == "prose" and (roles - {"stem"}) else None
    found: set = set()
    if named or "examiner" in roles:
        if blanked is not None:  # hidden comments to look at (a blanked file has some)
            found.add(HIDDEN_WHO_ONLY)
    _anchored(hits, (text,) if blanked is None else (text, blanked), found)
    if kind in ("hash", "slash"):
        if named and _strictly_named(text, hits):  # in code such a pattern may stand across a comment
            code = blanked_code()
            _anchored(_anchor_hits(code) or [], (code,), found)
        if ADDRESS_STRICT[_IF_YOU_ARE] not in found and "stem" in roles and \
                any(_AI_BEFORE_STEM.search(text, max(0, at - _AI_SPAN), at)
                    for index, at in hits if _ROLE_OF[index] == "stem") and \
                "you" in text.lower() and _IF_YOU_ARE_STRICT.search(blanked_code()):
            found.add(ADDRESS_STRICT[_IF_YOU_ARE])
    return found
