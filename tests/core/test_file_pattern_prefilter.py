"""The project scan's file pattern asks a substring test first; it must find what the pattern finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from static_checks.types.project import _file_pattern, _NamedIn

NAMES = st.sets(st.sampled_from(["Chat", "LlmService", "Base", "Helpers", "ask_llm", "A1"]), max_size=3)
PIECES = st.sampled_from([b"Chat", b"LlmService", b"Base", b"Helpers", b"ask_llm", b"A1", b"class X < ",
                          b"include ", b"prepend ", b"::", b"Llm", b" ", b"\n", b"_", b"x", b"Chats", b"<"])


@settings(max_examples=400, deadline=None)
@given(NAMES, NAMES, st.lists(PIECES, max_size=16).map(b"".join))
def test_the_prefilter_finds_what_the_pattern_finds(names, parents, source):
    if not names and not parents:
        return  # the scan never asks for a pattern of nothing
    found = _file_pattern(names, parents)
    assert isinstance(found, _NamedIn)
    plain = found.pattern.search(source)
    fast = found.search(source)
    assert (fast and fast.span()) == (plain and plain.span())


def test_a_file_without_any_name_is_not_searched():
    calls = []

    class Spy:
        def search(self, source):
            calls.append(source)

    named = _NamedIn(Spy(), {b"LlmService"})
    named.search(b"class Other; end\n")
    named.search(b"class X < LlmService; end\n")
    assert calls == [b"class X < LlmService; end\n"]
