"""Where reports land: one run at a time per output folder, every file whole or not at all.

- a lock file (`.grader.lock`, flock) held for the whole run: a second run into the same folder
  stops at once with a one-line error instead of mixing its files with the first one's. The file
  is removed on release (still locked, so no one else holds it); whoever opened it just before
  checks after locking that the name still leads to the inode it locked, and retries otherwise;
- each file written to a temp file in the same folder, flushed, then renamed over the target:
  a reader, a full disk or a kill never sees half a report, and a symlink planted where a report
  goes is replaced, never followed;
- any OS error (read-only folder, disk full) becomes OutputError: one line, exit 2.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

LOCK_NAME = ".grader.lock"


class OutputError(Exception):
    """The output folder cannot take the reports; the message says why in one line."""


def _why(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "no space left (disk full or file size limit)"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "not writable (read-only or no permission)"
    if exc.errno == errno.ELOOP:
        return "a symbolic link is in the way (not followed)"
    return exc.strerror or type(exc).__name__


def ensure_dir(out_dir: Path) -> Path:
    """`out_dir` as a folder (created with its parents); OutputError when it cannot be."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"output path is not a folder: {out_dir}")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output folder {out_dir}: {_why(exc)}") from None
    return out_dir


@contextlib.contextmanager
def locked_output_dir(out_dir: Path) -> Iterator[Path]:
    """Create `out_dir` if needed and hold its lock until the block ends; the lock file goes with it."""
    created = not Path(out_dir).exists()
    out_dir = ensure_dir(out_dir)
    lock = out_dir / LOCK_NAME
    fd = _acquire(lock)
    failed = True
    try:
        yield out_dir
        failed = False
    finally:
        with contextlib.suppress(OSError):
            if _names_same_file(lock, fd):
                os.unlink(lock)  # while still locked: nobody else can hold this inode now
        os.close(fd)  # closing releases the lock
        if failed:
            _drop_if_unused(out_dir, created)


def _acquire(lock: Path, attempts: int = 5) -> int:
    """An fd holding the flock on `lock`. A run that released just before may have unlinked the
    file we opened: a lock on that orphan inode excludes nobody, so open the name again."""
    for _ in range(attempts):
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot write to output folder {lock.parent}: {_why(exc)}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputError(
                f"another grader run is writing to {lock.parent}: wait for it or use another --out") from None
        if _names_same_file(lock, fd):
            return fd
        os.close(fd)
    raise OutputError(f"cannot lock output folder {lock.parent}: its lock file keeps changing")


def _names_same_file(path: Path, fd: int) -> bool:
    try:
        named, held = os.lstat(path), os.fstat(fd)
    except OSError:
        return False
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _drop_if_unused(out_dir: Path, created: bool) -> None:
    """A run that failed before writing anything leaves no folder it made itself behind."""
    if not created:
        return
    with contextlib.suppress(OSError):
        out_dir.rmdir()  # only when empty


def write_atomic(path: Path, text: str) -> Path:
    """Write `text` to `path` via a temp file + rename; OutputError on failure, the old file intact.

    A target that exists and is neither a regular file nor a link (`-o /dev/stdout`, `/dev/null`, a
    FIFO) is written in place: renaming over it would replace the device node itself."""
    path = Path(path)
    data = text.encode("utf-8")
    if _is_special(path):
        return _write_in_place(path, data)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_why(exc)}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; reports are meant to be read
        if path.is_dir() and not path.is_symlink():
            raise OutputError(f"cannot write {path}: a folder is in the way")
        os.replace(tmp, path)  # replaces a planted symlink itself, never its target
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"cannot write {path}: {_why(exc)}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def _is_special(path: Path) -> bool:
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISLNK(mode) or stat.S_ISDIR(mode))


def _write_in_place(path: Path, data: bytes) -> Path:
    try:
        with open(path, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_why(exc)}") from None
    return path
