"""The reader's ordinary API: walk order, listing, excerpts, text."""

from __future__ import annotations

import os

from grader.core.repo import RepoReader


def _tree(root):
    for rel in ("b/z.rb", "b/a/x.rb", "a.rb", "vendor/v.rb", "c/y.rb", "node_modules/n.js"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(f"# {rel}\nline 2\nline 3\n")


def test_walk_matches_os_walk_order(tmp_path):
    _tree(tmp_path)
    walked = RepoReader(tmp_path).walk()
    ours = [(here, [d.name for d in dirs], [f.name for f in files]) for here, dirs, files in walked]
    theirs = []
    for dirpath, dirnames, filenames in os.walk(tmp_path):
        dirnames.sort()
        rel = os.path.relpath(dirpath, tmp_path).replace(os.sep, "/")
        theirs.append((rel, list(dirnames), sorted(filenames)))
    assert ours == theirs


def test_files_skip_vendored_folders(tmp_path):
    _tree(tmp_path)
    assert [e.rel for e in RepoReader(tmp_path).files()] == ["a.rb", "b/z.rb", "b/a/x.rb", "c/y.rb"]  # os.walk order


def test_excerpt_is_clamped_and_cut(tmp_path):
    (tmp_path / "f.rb").write_text("one\n" + "x" * 500 + "\nthree\n")
    reader = RepoReader(tmp_path)
    assert reader.excerpt("f.rb", 0, 9) == [(1, "one"), (2, "x" * 300), (3, "three")]
    assert reader.excerpt("f.rb", 3, 3) == [(3, "three")]
    assert reader.excerpt("f.rb", 4, 6) is None
    assert reader.excerpt("../f.rb", 1, 1) is None


def test_list_dir_and_binary(tmp_path):
    (tmp_path / "bin.rb").write_bytes(b"\0\1\2")
    (tmp_path / "sub").mkdir()
    reader = RepoReader(tmp_path)
    assert [(e.name, e.is_dir, e.is_file) for e in reader.list_dir()] == [("bin.rb", False, True), ("sub", True, False)]
    assert reader.read("bin.rb").skip.reason == "binary file"
    assert reader.read("bin.rb", allow_binary=True).data == b"\0\1\2"
