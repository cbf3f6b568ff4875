"""Hostile archives: every member is validated as it streams (issue 11, item 5)."""

from __future__ import annotations

import io
import tarfile
import tempfile

import pytest

import grader.ingest as ingest_module
from grader.ingest import IngestError, ingest


def _add(tf: tarfile.TarFile, name: str, data: bytes = b"", kind: bytes = tarfile.REGTYPE, size: int | None = None):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = len(data) if size is None else size
    tf.addfile(info, io.BytesIO(data) if data else None)


def _temp_dirs() -> set[str]:
    from pathlib import Path

    return {p.name for p in Path(tempfile.gettempdir()).glob("grader-ingest-*")}


def _left_behind(before: set[str]) -> set[str]:
    # Only new dirs count: ingest also sweeps stale copies that killed grades left, so dirs of
    # other (dead) processes may vanish while the test runs.
    return _temp_dirs() - before


def test_negative_member_size_is_refused_before_the_next_member(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest_module, "MAX_TOTAL_BYTES", 1_000_000)
    archive = tmp_path / "neg.tar.gz"
    with tarfile.open(archive, "w:gz", format=tarfile.GNU_FORMAT) as tf:
        # GNU base-256 lets a header say -2 GiB; summed naively it pays for the member after it.
        info = tarfile.TarInfo("app/d")
        info.type = tarfile.DIRTYPE
        info.size = -(2**31)
        tf.fileobj.write(info.tobuf(tarfile.GNU_FORMAT))
        _add(tf, "app/big.bin", b"\0" * 1_500_000)
    with tarfile.open(archive, "r|gz") as check:
        assert next(iter(check)).size < 0  # the input really carries the negative size
    before = _temp_dirs()
    with pytest.raises(IngestError, match="negative size"):
        with ingest(str(archive)):
            pass
    assert _left_behind(before) == set()


def test_total_bytes_stop_at_the_member_that_crosses_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest_module, "MAX_TOTAL_BYTES", 1_000_000)
    archive = tmp_path / "big.tar.xz"
    with tarfile.open(archive, "w:xz") as tf:
        for i in range(3):
            _add(tf, f"app/part{i}.bin", b"\0" * 400_000)
    with pytest.raises(IngestError, match="more than 1000000 bytes"):
        with ingest(str(archive)):
            pass


def test_member_count_is_checked_as_headers_stream(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest_module, "MAX_MEMBERS", 50)
    archive = tmp_path / "many.tar.xz"
    with tarfile.open(archive, "w:xz") as tf:
        for i in range(5000):
            _add(tf, f"d/{i}", kind=tarfile.DIRTYPE)
    headers_read = 0
    real_next = tarfile.TarFile.next

    def counting_next(self):
        nonlocal headers_read
        headers_read += 1
        return real_next(self)

    monkeypatch.setattr(tarfile.TarFile, "next", counting_next)
    with pytest.raises(IngestError, match="more than 50 members"):
        with ingest(str(archive)):
            pass
    assert headers_read <= 52  # not all 5000 read before the check


def test_deep_nesting_is_refused_without_recursion_error(tmp_path):
    archive = tmp_path / "deep.tar"
    with tarfile.open(archive, "w", format=tarfile.PAX_FORMAT) as tf:
        _add(tf, "a/" * 1500 + "leaf.rb", b"1\n")
    before = _temp_dirs()
    with pytest.raises(IngestError, match="levels deep"):
        with ingest(str(archive)):
            pass
    assert _left_behind(before) == set()


def test_archive_modes_are_not_trusted(tmp_path):
    archive = tmp_path / "modes.tar"
    with tarfile.open(archive, "w") as tf:
        info = tarfile.TarInfo("app/locked")
        info.type, info.mode = tarfile.DIRTYPE, 0o000
        tf.addfile(info)
        info = tarfile.TarInfo("app/locked/x.rb")
        info.size, info.mode = 2, 0o4777
        tf.addfile(info, io.BytesIO(b"1\n"))
    with ingest(str(archive)) as repo:
        member = repo.path / "locked" / "x.rb"
        assert member.read_text() == "1\n"
        assert member.stat().st_mode & 0o7777 == 0o644
