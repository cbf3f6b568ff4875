"""Special and huge files cost nothing: FIFOs, devices and sockets are never opened, sizes are
checked before reading, and what is read is bounded."""

from __future__ import annotations

import io
import os
import socket
import tracemalloc

import pytest

from grader.core.repo import RepoReader, SkipKind, TooLarge, collect_capped, read_capped


def test_a_fifo_named_like_ruby_is_refused_without_opening(tmp_path, monkeypatch):
    os.mkfifo(tmp_path / "x.rb")  # opening it for reading would block forever
    opened: list[str] = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda p, *a, **k: opened.append(str(p)) or real_open(p, *a, **k))
    got = RepoReader(tmp_path).read("x.rb")
    assert got.skip is not None and got.skip.kind is SkipKind.not_regular and "FIFO" in got.skip.reason
    assert opened == []


def test_a_socket_and_a_folder_are_not_regular_files(tmp_path):
    (tmp_path / "dir.rb").mkdir()
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(tmp_path / "s.rb"))
        reader = RepoReader(tmp_path)
        assert reader.read("s.rb").skip.kind is SkipKind.not_regular
        assert reader.read("dir.rb").skip.kind is SkipKind.not_regular
    finally:
        sock.close()


def test_a_gemspec_linked_to_dev_zero_is_never_read(tmp_path):
    (tmp_path / "x.gemspec").symlink_to("/dev/zero")
    for follow in (False, True):
        got = RepoReader(tmp_path, follow_links=follow).read("x.gemspec")
        assert got.data is None and got.skip.kind in (SkipKind.link, SkipKind.outside_root)


def test_a_sparse_two_gigabyte_lock_costs_one_stat(tmp_path):
    with open(tmp_path / "Gemfile.lock", "wb") as fh:
        fh.truncate(2 * 1024**3)
    tracemalloc.start()
    got = RepoReader(tmp_path).read("Gemfile.lock")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert got.skip.kind is SkipKind.too_large and "2147483648" in got.skip.reason
    assert peak < 1_000_000


def test_truncated_reads_stop_at_the_cap(tmp_path):
    with open(tmp_path / "SELF_REVIEW.md", "wb") as fh:
        fh.write(b"| G1 | PASS |\n")
        fh.truncate(512 * 1024**2)
    tracemalloc.start()
    got = RepoReader(tmp_path).read("SELF_REVIEW.md", limit=4096, truncate=True, allow_binary=True)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert got.truncated and len(got.data) == 4096 and got.data.startswith(b"| G1")
    assert peak < 200_000


class _Endless(io.RawIOBase):
    """A stream that never ends (what a tar member claiming a huge size looks like to a reader)."""

    def readable(self):
        return True

    def readinto(self, b):
        b[:] = b"\0" * len(b)
        return len(b)


def test_stream_reads_are_capped_whatever_the_stream_holds():
    tracemalloc.start()
    with pytest.raises(TooLarge):
        read_capped(_Endless(), 1_000_000)
    with pytest.raises(TooLarge):
        collect_capped(iter(lambda: b"x" * 65536, None), 1_000_000)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 4_000_000
    assert read_capped(io.BytesIO(b"abc"), 3) == b"abc"
    assert collect_capped([b"ab", b"c"], 3) == b"abc"
