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


def test_reads_whole_files_of_every_size_around_the_chunk_and_the_cap(tmp_path):
    reader = RepoReader(tmp_path, max_bytes=3 * 65536)
    for size in (0, 1, 65535, 65536, 65537, 3 * 65536 - 1, 3 * 65536):
        (tmp_path / f"f{size}").write_bytes(b"a" * size)
        got = reader.read(f"f{size}")
        assert got.data == b"a" * size and got.skip is None, size
    (tmp_path / "over").write_bytes(b"a" * (3 * 65536 + 1))
    assert reader.read("over").skip.kind.value == "too-large"
    head = reader.read("over", truncate=True)
    assert head.data == b"a" * (3 * 65536) and head.truncated


def test_a_file_that_changed_since_its_fstat_is_read_to_its_end(tmp_path, monkeypatch):
    """The one-call read trusts the fstat size only when the file still ends there."""
    import grader.core.repo as repo

    (tmp_path / "grew").write_bytes(b"x" * 70000)
    real = os.fstat

    def stale(fd):  # as if the file had been 100 bytes when it was opened
        st = real(fd)
        return os.stat_result((*st[:6], 100, *st[7:]))

    monkeypatch.setattr(repo.os, "fstat", stale)
    assert RepoReader(tmp_path).read("grew").data == b"x" * 70000
