"""File names and contents in any encoding: names that are not UTF-8 stay printable and
serializable, contents decode with a BOM dropped and bad bytes replaced, deep trees walk."""

from __future__ import annotations

import json
import os
import sys

from grader.core.repo import RepoReader, display_name


def test_non_utf8_names_are_walked_read_and_serializable(tmp_path):
    raw = os.fsencode(tmp_path) + b"/caf\xe9.rb"
    with open(raw, "wb") as fh:
        fh.write(b"\xef\xbb\xbfputs '\xff'\n")
    reader = RepoReader(tmp_path)
    [entry] = list(reader.files())
    assert reader.text(entry.rel) == "puts '\ufffd'\n"
    assert entry.display == "caf\ufffd.rb"
    json.dumps({"file": entry.display})  # would raise on a lone surrogate
    assert display_name("ok.rb") == "ok.rb"


def test_a_tree_deeper_than_the_recursion_limit_walks(tmp_path):
    here = tmp_path
    for _ in range(400):
        here = here / "d"
        here.mkdir()
    (here / "deep.rb").write_text("x\n")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(100)  # far below the depth: a recursive walk would fail
    try:
        files = [e.rel for e in RepoReader(tmp_path).files()]
    finally:
        sys.setrecursionlimit(limit)
    assert files == ["d/" * 400 + "deep.rb"]
