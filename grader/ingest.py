"""Stage 1: bring a repository onto disk, safely, as a folder.

Accepts a folder, a .tar[.gz|.bz2|.xz]/.tgz/.zip archive, or a git URL pinned with
`@<commit>` (or `#<commit>`). Archives are hostile: no absolute paths, no `..`, no links
or devices, and size/member limits against bombs.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import subprocess
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_MEMBERS = 50_000
MAX_TOTAL_BYTES = 1_000_000_000  # unpacked
GIT_TIMEOUT_S = 300
ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".zip")
_GIT_URL = re.compile(r"^(https?://|ssh://|git://|file://|git@[^:]+:)")


class IngestError(Exception):
    """The source cannot be turned into a folder; the message is one line for the user."""


@dataclass(frozen=True)
class IngestedRepo:
    path: Path  # the folder to grade
    source: str  # what the user gave
    kind: str  # "folder", "archive" or "git"
    commit: str | None = None


def is_git_url(source: str) -> bool:
    return bool(_GIT_URL.match(source)) or source.endswith(".git")


def split_git_ref(source: str) -> tuple[str, str | None]:
    """`URL@commit` or `URL#commit` -> (URL, commit). `git@host:` is not a ref marker."""
    if "#" in source:
        url, ref = source.rsplit("#", 1)
        return url, ref or None
    head, sep, tail = source.rpartition("@")
    # `user@host` and `git@host:path` put a host or path after the @; a ref has neither.
    if sep and head and tail and "/" not in tail and ":" not in tail:
        return head, tail
    return source, None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _safe_member_path(name: str) -> PurePosixPath:
    p = PurePosixPath(name.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or name.startswith("/"):
        raise IngestError(f"archive member escapes the extraction folder: {name!r}")
    return p


def _extract_tar(archive: Path, dest: Path) -> None:
    try:
        with tarfile.open(archive) as tf:
            members = tf.getmembers()
            if len(members) > MAX_MEMBERS:
                raise IngestError(f"archive has {len(members)} members (limit {MAX_MEMBERS})")
            total = 0
            safe = []
            for m in members:
                _safe_member_path(m.name)
                if not (m.isfile() or m.isdir()):
                    continue  # links, devices and fifos are never materialised
                total += m.size
                if total > MAX_TOTAL_BYTES:
                    raise IngestError(f"archive unpacks to more than {MAX_TOTAL_BYTES} bytes")
                safe.append(m)
            tf.extractall(dest, members=safe, filter="data")
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise IngestError(f"unreadable archive {archive.name}: {_one_line(exc)}") from exc


def _extract_zip(archive: Path, dest: Path) -> None:
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise IngestError(f"archive has {len(infos)} members (limit {MAX_MEMBERS})")
            if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
                raise IngestError(f"archive unpacks to more than {MAX_TOTAL_BYTES} bytes")
            for info in infos:
                rel = _safe_member_path(info.filename)
                mode = info.external_attr >> 16
                if stat.S_ISLNK(mode):
                    continue
                target = dest.joinpath(*rel.parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise IngestError(f"unreadable archive {archive.name}: {_one_line(exc)}") from exc


def _single_top_folder(dest: Path) -> Path:
    """Archives of one project usually wrap it in one folder; grade that folder."""
    entries = [e for e in dest.iterdir() if e.name not in ("__MACOSX",)]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return dest


def _git(args: list[str], cwd: Path | None = None) -> str:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(cwd or tempfile.gettempdir()),
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_LFS_SKIP_SMUDGE": "1",
    }
    try:
        done = subprocess.run(
            ["git", "-c", "core.hooksPath=/dev/null", "-c", "protocol.file.allow=always", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_S,
        )
    except FileNotFoundError as exc:
        raise IngestError("git is not installed; install git or pass a folder") from exc
    except subprocess.TimeoutExpired as exc:
        raise IngestError(f"git {args[0]} timed out after {GIT_TIMEOUT_S}s") from exc
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["unknown error"])[-1]
        raise IngestError(f"git {args[0]} failed: {last}")
    return done.stdout.strip()


def _clone(url: str, ref: str | None, dest: Path) -> str:
    _git(["clone", "--quiet", "--no-checkout", "--no-recurse-submodules", url, str(dest)])
    _git(["checkout", "--quiet", "--detach", ref or "HEAD"], cwd=dest)
    return _git(["rev-parse", "HEAD"], cwd=dest)


@contextlib.contextmanager
def ingest(source: str) -> Iterator[IngestedRepo]:
    """Yield the repository as a folder; temporary copies are removed afterwards."""
    local = Path(source)
    if not is_git_url(source) or local.is_dir():
        if local.is_dir():
            yield IngestedRepo(path=local.resolve(), source=source, kind="folder")
            return
        if not local.exists():
            raise IngestError(f"no such path: {source}")
        if not source.lower().endswith(ARCHIVE_SUFFIXES):
            raise IngestError(f"not a folder, archive ({', '.join(ARCHIVE_SUFFIXES)}) or git URL: {source}")
    tmp = Path(tempfile.mkdtemp(prefix="grader-ingest-"))
    try:
        if is_git_url(source) and not local.exists():
            url, ref = split_git_ref(source)
            commit = _clone(url, ref, tmp / "repo")
            yield IngestedRepo(path=tmp / "repo", source=source, kind="git", commit=commit)
        else:
            dest = tmp / "unpacked"
            dest.mkdir()
            if source.lower().endswith(".zip"):
                _extract_zip(local, dest)
            else:
                _extract_tar(local, dest)
            yield IngestedRepo(path=_single_top_folder(dest), source=source, kind="archive")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
