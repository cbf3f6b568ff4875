import io
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

from grader.ingest import IngestError, ingest, split_git_ref


def make_tar(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tf.addfile(info)
    return path


def test_folder_is_used_in_place(tmp_path):
    with ingest(str(tmp_path)) as repo:
        assert repo.kind == "folder" and repo.path == tmp_path.resolve()
    assert tmp_path.exists()


def test_tar_is_unpacked_into_a_temp_folder_and_removed_after(tmp_path):
    archive = make_tar(tmp_path / "app.tar.gz", {"app/Gemfile": b"gem 'ruby_llm'\n", "app/x.rb": b"1\n"})
    with ingest(str(archive)) as repo:
        seen = repo.path
        assert repo.kind == "archive"
        assert (repo.path / "Gemfile").read_text() == "gem 'ruby_llm'\n"  # single top folder unwrapped
    assert not seen.exists()


def test_tar_with_path_traversal_is_refused(tmp_path):
    archive = make_tar(tmp_path / "evil.tar.gz", {"../../escape.rb": b"x"})
    with pytest.raises(IngestError, match="escapes"):
        with ingest(str(archive)):
            pass
    assert not (tmp_path.parent / "escape.rb").exists()


def test_tar_links_are_not_materialised(tmp_path):
    archive = make_tar(tmp_path / "l.tar", {"r/a.rb": b"1"}, links={"r/passwd": "/etc/passwd"})
    with ingest(str(archive)) as repo:
        assert (repo.path / "a.rb").exists()
        assert not (repo.path / "passwd").exists()


def test_zip_with_traversal_is_refused_and_normal_zip_works(tmp_path):
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w") as zf:
        zf.writestr("proj/app.rb", "puts 1\n")
    with ingest(str(good)) as repo:
        assert (repo.path / "app.rb").read_text() == "puts 1\n"
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../evil.rb", "x")
    with pytest.raises(IngestError, match="escapes"):
        with ingest(str(evil)):
            pass


@pytest.mark.parametrize("name", ["broken.tar.gz", "broken.zip"])
def test_broken_archive_gives_one_line_error(tmp_path, name):
    bad = tmp_path / name
    bad.write_bytes(b"this is not an archive at all")
    with pytest.raises(IngestError, match="unreadable archive") as exc:
        with ingest(str(bad)):
            pass
    assert "\n" not in str(exc.value)


def test_missing_path_and_unknown_file_type(tmp_path):
    with pytest.raises(IngestError, match="no such path"):
        with ingest(str(tmp_path / "nope")):
            pass
    f = tmp_path / "notes.txt"
    f.write_text("x")
    with pytest.raises(IngestError, match="not a folder, archive"):
        with ingest(str(f)):
            pass


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def test_git_url_is_cloned_at_the_requested_commit(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    _git(src, "init", "-q", "-b", "main")
    _git(src, "config", "user.email", "t@example.invalid")
    _git(src, "config", "user.name", "t")
    (src / "a.rb").write_text("first\n")
    _git(src, "add", ".")
    _git(src, "commit", "-qm", "one")
    first = _git(src, "rev-parse", "HEAD")
    (src / "a.rb").write_text("second\n")
    _git(src, "commit", "-qam", "two")
    with ingest(f"file://{src}@{first}") as repo:
        assert repo.kind == "git" and repo.commit == first
        assert (repo.path / "a.rb").read_text() == "first\n"
    with pytest.raises(IngestError, match="git checkout failed"):
        with ingest(f"file://{src}@0000000"):
            pass


def test_split_git_ref():
    assert split_git_ref("git@github.com:o/r.git") == ("git@github.com:o/r.git", None)
    assert split_git_ref("git@github.com:o/r.git@abc1234") == ("git@github.com:o/r.git", "abc1234")
    assert split_git_ref("https://u@h/x.git") == ("https://u@h/x.git", None)
    assert split_git_ref("https://h/x.git#v1.2") == ("https://h/x.git", "v1.2")
