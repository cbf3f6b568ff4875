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
import tempfile  # tarfile, zipfile, subprocess: imported for an archive or a git URL, not for a folder
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_MEMBERS = 50_000
MAX_TOTAL_BYTES = 1_000_000_000  # unpacked
MAX_DEPTH = 100  # path components of one member
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
    if len(p.parts) > MAX_DEPTH:
        # Deeper trees than any project has; past ~1000 levels Python's own tree walks recurse out.
        raise IngestError(f"archive nests folders more than {MAX_DEPTH} levels deep")
    return p


class _Limits:
    """Running totals checked as members stream past: nothing is trusted from headers alone."""

    def __init__(self) -> None:
        self.members = 0
        self.written = 0

    def member(self, declared_size: int) -> None:
        self.members += 1
        if self.members > MAX_MEMBERS:
            raise IngestError(f"archive has more than {MAX_MEMBERS} members")
        if declared_size < 0:  # a GNU base-256 negative size rewinds the reader: never legitimate
            raise IngestError("archive member with a negative size")
        if self.written + declared_size > MAX_TOTAL_BYTES:
            raise IngestError(f"archive unpacks to more than {MAX_TOTAL_BYTES} bytes")

    def copy(self, src, target: Path) -> None:
        """Copy a member's bytes, counting what really arrives (a header may lie)."""
        with open(target, "wb") as out:
            while chunk := src.read(1 << 20):
                self.written += len(chunk)
                if self.written > MAX_TOTAL_BYTES:
                    raise IngestError(f"archive unpacks to more than {MAX_TOTAL_BYTES} bytes")
                out.write(chunk)


def _materialise(dest: Path, rel: PurePosixPath, is_dir: bool) -> Path | None:
    """Create the member's folder (or its parent) inside dest; None for the archive root itself.
    Our own modes (0755/0644) are used, never the archive's."""
    if not rel.parts or rel.parts == (".",):
        return None
    target = dest.joinpath(*rel.parts)
    (target if is_dir else target.parent).mkdir(mode=0o755, parents=True, exist_ok=True)
    if not target.resolve().is_relative_to(dest.resolve()):
        raise IngestError(f"archive member escapes the extraction folder: {rel}")
    return target


def _extract_tar(archive: Path, dest: Path) -> None:
    """Stream the archive once ("r|*"): each header is validated before the next is read, so a
    million headers or a lying size stop at the first member over a limit."""
    import tarfile

    limits = _Limits()
    try:
        with tarfile.open(archive, mode="r|*") as tf:
            for m in tf:
                limits.member(m.size)
                rel = _safe_member_path(m.name)
                if not (m.isfile() or m.isdir()):
                    continue  # links, devices and fifos are never materialised
                target = _materialise(dest, rel, m.isdir())
                if target is None or m.isdir():
                    continue
                src = tf.extractfile(m)
                if src is not None:
                    limits.copy(src, target)
                    target.chmod(0o644)
                tf.members = []  # streamed members need no index; keeps memory flat
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise IngestError(f"unreadable archive {archive.name}: {_one_line(exc)}") from exc


def _extract_zip(archive: Path, dest: Path) -> None:
    import zipfile

    limits = _Limits()
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise IngestError(f"archive has {len(infos)} members (limit {MAX_MEMBERS})")
            if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
                raise IngestError(f"archive unpacks to more than {MAX_TOTAL_BYTES} bytes")
            for info in infos:
                rel = _safe_member_path(info.filename)
                limits.member(info.file_size)
                if stat.S_ISLNK(info.external_attr >> 16):
                    continue
                target = _materialise(dest, rel, info.is_dir())
                if target is None or info.is_dir():
                    continue
                with zf.open(info) as src:
                    limits.copy(src, target)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise IngestError(f"unreadable archive {archive.name}: {_one_line(exc)}") from exc


def _single_top_folder(dest: Path) -> Path:
    """Archives of one project usually wrap it in one folder; grade that folder."""
    entries = [e for e in dest.iterdir() if e.name not in ("__MACOSX",)]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return dest


# Protocols a clone may use (also for redirects and anything git would fetch on its own):
# https and ssh for real hosts, file for local mirrors and the tests. Not git:// or http://
# (unauthenticated, tamperable in transit) and never `ext::` (runs a command).
ALLOWED_PROTOCOLS = ("https", "ssh", "file")
_REF = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._/-]{0,200}$")
# Settings forced on every git call, whatever any config file says: no hooks, no fsmonitor
# command, no automatic gc/maintenance process, symlinks and long paths checked as git does.
_FORCED_CONFIG = (
    "core.hooksPath=/dev/null",
    "core.fsmonitor=false",
    "gc.auto=0",
    "maintenance.auto=false",
    "protocol.allow=never",
    *(f"protocol.{p}.allow=always" for p in ALLOWED_PROTOCOLS),
)


def _git_env(home: Path) -> dict[str, str]:
    """git reads no config but its own command line: no system file, /dev/null as the global
    one, and an empty HOME/XDG folder of our own, never the repo or the shared temp dir (a
    `.gitconfig` there could set `trace2.normalTarget` or a command hook)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "/bin/false",
        "GIT_LFS_SKIP_SMUDGE": "1",
        "GIT_ALLOW_PROTOCOL": ":".join(ALLOWED_PROTOCOLS),
        "GIT_PROTOCOL_FROM_USER": "0",
        "LC_ALL": "C",
    }
    if "SSH_AUTH_SOCK" in os.environ:  # ssh clones of private repos use the user's agent, not files
        env["SSH_AUTH_SOCK"] = os.environ["SSH_AUTH_SOCK"]
    return env


GIT_MESSAGE_CHARS = 4000  # git's whole message on one line; only a flood from a remote is cut


def _git(args: list[str], home: Path, cwd: Path | None = None) -> str:
    import subprocess

    forced = [part for setting in _FORCED_CONFIG for part in ("-c", setting)]
    try:
        done = subprocess.run(
            ["git", *forced, *args],
            cwd=cwd,
            env=_git_env(home),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=GIT_TIMEOUT_S,
        )
    except FileNotFoundError as exc:
        raise IngestError("git is not installed; install git or pass a folder") from exc
    except subprocess.TimeoutExpired as exc:
        raise IngestError(f"git {args[0]} timed out after {GIT_TIMEOUT_S}s") from exc
    if done.returncode != 0:
        message = " ".join(done.stderr.split()) or "unknown error"
        if len(message) > GIT_MESSAGE_CHARS:  # a remote can send pages; say that it was cut
            message = f"{message[:GIT_MESSAGE_CHARS]} … ({len(message) - GIT_MESSAGE_CHARS} more characters)"
        raise IngestError(f"git {args[0]} failed: {message}")
    return done.stdout.strip()


def _check_git_source(url: str, ref: str | None) -> None:
    if url.startswith("-"):
        raise IngestError(f"not a git URL: {url!r}")
    scheme = url.split("://", 1)[0].lower() if "://" in url else ("ssh" if _SCP_LIKE.match(url) else "file")
    if scheme not in ALLOWED_PROTOCOLS:
        raise IngestError(f"git protocol {scheme!r} is not allowed (allowed: {', '.join(ALLOWED_PROTOCOLS)})")
    if ref is not None and not _REF.match(ref):
        raise IngestError(f"not a commit or ref name: {ref!r}")


_SCP_LIKE = re.compile(r"^[A-Za-z0-9._-]+@[^:/]+:")


def _clone(url: str, ref: str | None, dest: Path, home: Path) -> str:
    _check_git_source(url, ref)
    _git(["clone", "--quiet", "--no-checkout", "--no-recurse-submodules", "--", url, str(dest)], home)
    # `<ref> --`: the ref is a revision, never a path or an option.
    _git(["checkout", "--quiet", "--detach", ref or "HEAD", "--"], home, cwd=dest)
    return _git(["rev-parse", "--verify", "HEAD^{commit}"], home, cwd=dest)


TEMP_PREFIX = "grader-ingest-"
STALE_AFTER_S = 600  # a dead process's copy younger than this is left alone (clock skew, pid namespaces)
LEGACY_STALE_AFTER_S = 86_400  # copies named before the pid was in the name: only when a day old
_TEMP_NAME = re.compile(rf"^{TEMP_PREFIX}(?:(\d+)-)?[A-Za-z0-9_]+$")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, another user's
        return True
    return True


def sweep_stale_temp_dirs(root: Path | None = None, now: float | None = None) -> list[Path]:
    """Remove ingest copies a killed grade left (SIGKILL runs no `finally`). Only folders that are
    ours (our uid, a real folder, not a link), whose creating process is gone and that are older than
    STALE_AFTER_S; a copy of a live grade is never touched. Returns what was removed."""
    import time

    root = Path(root or tempfile.gettempdir())
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(root))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            continue
        pid = int(match.group(1)) if match.group(1) else None
        if pid == os.getpid() or (pid is not None and _pid_alive(pid)):
            continue
        if now - info.st_mtime < (STALE_AFTER_S if pid is not None else LEGACY_STALE_AFTER_S):
            continue
        shutil.rmtree(entry.path, ignore_errors=True)  # rmtree never follows links inside
        removed.append(Path(entry.path))
    return removed


@contextlib.contextmanager
def ingest(source: str) -> Iterator[IngestedRepo]:
    """Yield the repository as a folder; temporary copies are removed afterwards (and those of
    earlier grades that were killed are swept first)."""
    sweep_stale_temp_dirs()
    local = Path(source)
    if not is_git_url(source) or local.is_dir():
        if local.is_dir():
            yield IngestedRepo(path=local.resolve(), source=source, kind="folder")
            return
        if not local.exists():
            raise IngestError(f"no such path: {source}")
        if not source.lower().endswith(ARCHIVE_SUFFIXES):
            raise IngestError(f"not a folder, archive ({', '.join(ARCHIVE_SUFFIXES)}) or git URL: {source}")
    tmp = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-"))
    try:
        if is_git_url(source) and not local.exists():
            url, ref = split_git_ref(source)
            home = tmp / "home"  # git's HOME: empty, ours, outside the clone
            home.mkdir(mode=0o700)
            commit = _clone(url, ref, tmp / "repo", home)
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
