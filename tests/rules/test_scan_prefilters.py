"""The byte-level short cuts before the rules' regexes never change what the regex alone decides.

Each short cut is a test every match of its regex must pass (a word it must hold): these tests run the
short cut and the bare regex side by side, on tricky sources and on the labelled corpus, and require
the same answer (and, for the scan rounds, the same scanned files and findings).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from static_checks.engine import check_path
from static_checks.models_world import world
from static_checks.rules import bypass
from static_checks.types import project

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

# Sources probing every way a name may sit in a file: glued to `include`, after `::`, after a dot,
# inside a longer word, at the ends of the bytes, next to non-ASCII bytes, names that are not words.
SOURCES = [
    b"", b"Chat", b"Chats", b"MyChat", b"includeChat", b"include  Chat", b"prependAdmin::Chat",
    b"class X < ::Base::Chat\nend", b"class X<Chat;end", b"current_user.chats.find(1)", b"x.chatsy",
    b"valid?(1)", b"x = valid? && 1", b"caf\xc3\xa9Chat", b"Chat\xc3\xa9", b"summarize!", b"a.summarize!(b)",
    b"include Helpers", b"extend Chat", b"# Chat in a comment", b"ChatBot.new", b"Chat_2.new",
]
NAMES = {f"Name{i}" for i in range(20)} | {"Chat", "valid?", "summarize!", "ChatBot"}
PARENTS = {"Chat", "Admin", "Helpers", "Base", "?"}
READERS = {"chats", "messages"}


def _words_of(source: bytes):
    return lambda: frozenset(project._WORD.findall(source))


@pytest.mark.parametrize("names,parents,readers", [
    (NAMES, PARENTS, READERS), (NAMES, set(), set()), (set(), PARENTS | {f"P{i}" for i in range(20)}, set()),
    ({"Chat"}, {"Admin"}, {"chats"}),  # few names: the substring test
])
def test_a_scan_round_asks_what_its_regex_would(names, parents, readers):
    wanted = project._file_pattern(names, parents, readers)
    assert isinstance(wanted, project._NamedIn)
    bare = wanted.pattern
    for source in SOURCES:
        assert wanted.found_in(source, _words_of(source)) == (bare.search(source) is not None), source
        assert (wanted.search(source) is not None) == (bare.search(source) is not None), source


def test_the_word_short_cut_is_taken_with_many_names():
    wanted = project._file_pattern(NAMES, PARENTS, READERS)
    assert len(wanted.literals) >= project._WORDS_FROM
    asked = []

    def words_of():
        asked.append(1)
        return frozenset()

    wanted.found_in(b"nothing here", words_of)
    assert asked, "many names: the file's words are used"


def test_the_seed_and_the_rule_regexes_keep_their_answers():
    samples = SOURCES + [
        b"RubyLLM.chat", b"RubyLlm.chat", b"Ruby_LLM", b"ruby_llm", b"acts_as_chat", b"acts_as_chatter",
        b"Net::HTTP.post", b"HTTParty.get", b"HTTP.post(url)", b"Faraday.new", b"URI.open(u)", b"Excon.get",
        b"OpenAI::Client.new", b"Langchain::LLM::OpenAI.new", b"OpenRouter::Client", b"::Client",
        b"ActiveSupport.on_load(:active_record) { }", b"ActiveRecord::Base.include(X)", b"scope :x, -> { extending Y }",
        b"ActiveRecord::Relation . prepend X",
    ]
    for s in samples:
        assert project._seeds(s) == (project._SEED.search(s) is not None), s
        assert bypass._http_client(s) == (bypass._HTTP_CLIENT.search(s) is not None), s
        assert bypass._sdk_client(s) == (bypass._SDK_BYTES.search(s) is not None), s
        patched = any(w in s for w in world._PATCH_WORDS) and world._PATCH.search(s) is not None
        assert patched == (world._PATCH.search(s) is not None), s


def test_every_sdk_client_holds_one_of_the_short_cut_words():
    for client in bypass.SDK_CLIENTS:
        assert any(w in client.encode() for w in bypass._SDK_WORDS), client


WORDS = st.sampled_from([b"Chat", b"LlmService", b"Base", b"Helpers", b"ask_llm", b"A1", b"class X < ", b"include",
                         b"prepend", b" ", b"::", b".", b"\n", b"_", b"x", b"Chats", b"<", b"?",
                         b"\xc3\xa9", b"valid?"])
MANY = {f"N{i}" for i in range(project._WORDS_FROM)}


@settings(max_examples=400, deadline=None)
@given(st.sets(st.sampled_from(["Chat", "LlmService", "ask_llm", "valid?"])),
       st.sets(st.sampled_from(["Chat", "Base", "Helpers", "A1"])),
       st.sets(st.sampled_from(["chats", "ask_llm"])), st.lists(WORDS, max_size=16).map(b"".join), st.booleans())
def test_part_by_part_and_on_words_a_round_decides_as_its_regex_does(names, parents, readers, source, many):
    # many names: decided on the file's words; few: by substring tests; both part by part
    if not (names or parents or readers or many):
        return
    wanted = project._file_pattern(names | (MANY if many else set()), parents, readers)
    assert wanted.found_in(source, _words_of(source)) == (wanted.pattern.search(source) is not None)


def _signature(report) -> list:
    return [f.model_dump(mode="json") for f in report.findings]


def test_the_corpus_scans_the_same_with_and_without_the_word_short_cut(monkeypatch):
    cases = sorted(p for p in CORPUS.iterdir() if (p / "expected.yaml").exists())
    assert len(cases) >= 8
    scanned: dict[str, list] = {}
    real = project._scan_until_stable

    def recording(files, index, new_api):
        found, classes = real(files, index, new_api)
        scanned.setdefault(mode, []).append(sorted(found))
        return found, classes

    monkeypatch.setattr(project, "_scan_until_stable", recording)
    results = {}
    for mode, threshold in (("words", 0), ("substrings", 10**9)):
        monkeypatch.setattr(project, "_WORDS_FROM", threshold)
        results[mode] = [_signature(check_path(case, jobs=1)) for case in cases]
    assert results["words"] == results["substrings"]
    assert scanned["words"] == scanned["substrings"]
    assert any(len(s) > 1 for s in scanned["words"]), "some case scans more than one file"


def test_a_match_of_each_names_regex_holds_a_word_it_names():
    # the property the word short cut rests on, checked on the compiled regex for plain names
    wanted = project._file_pattern({"Chat"}, set(), set())
    for source in SOURCES:
        m = wanted.pattern.search(source)
        if m is not None:
            assert b"Chat" in re.findall(rb"\w+", source), source
