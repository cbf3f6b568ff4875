"""The one safe reader of a graded repository.

Graded repos are hostile. Every stage reads repo content through `RepoReader`, which:

- takes paths relative to the root only, and refuses `..`, absolute paths and NUL bytes on the
  string alone, before touching the file system (`app/../../../../etc/x` never reaches `stat`);
- never follows a symbolic link by default, and with `follow_links=True` only one that stays inside
  the root (a `Gemfile.lock -> /etc/shadow` is refused either way);
- reads regular files only: FIFOs, devices and sockets are refused from `lstat`, without opening;
  the open is non-blocking and re-checked with `fstat` before the first byte is read;
- checks the size cap before reading and never reads past it (a 2 GB sparse `Gemfile.lock` costs
  one `stat`);
- decodes UTF-8 with a BOM stripped and invalid bytes replaced, and turns file NAMES that are not
  UTF-8 into printable text (`display_name`) so JSON output cannot fail on them;
- walks directories iteratively (no recursion limit), never into links, with the skip rules of
  the analysis (`SKIP_DIRS`, a committed GEM_HOME);
- loads YAML with alias expansion capped (a 500-byte alias bomb fails fast with a clear error).

Nothing here raises for bad repo content: every refusal is a typed `Skip` with a one-line reason.
"""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import IO, Any, NamedTuple

# yaml is imported when YAML is read (a tenth of `grader check`'s start-up otherwise, for an app with none)

DEFAULT_MAX_BYTES = 1_000_000
# Folders that hold no code of the app's own: dependencies, caches, VCS data, build output.
SKIP_DIRS = frozenset({"vendor", "node_modules", "tmp", "log", ".git", ".bundle", "coverage"})
BINARY_SNIFF_BYTES = 8192
_CHUNK = 65536
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(
    os, "O_NOCTTY", 0)


RelPath = str | os.PathLike[str]


class SkipKind(str, Enum):
    bad_path = "bad-path"  # absolute, `..`, NUL: refused on the string alone
    outside_root = "outside-root"  # a link that leads out of the repository
    link = "link"  # a symbolic link, not followed
    missing = "missing"
    not_regular = "not-regular"  # FIFO, device, socket, folder
    too_large = "too-large"
    binary = "binary"
    unreadable = "unreadable"  # permissions, I/O errors, names too long
    yaml = "yaml"  # not YAML, nested too deeply, or aliases expanding past the cap


@dataclass(frozen=True)
class Skip:
    """Why a path was not read: a typed kind and one line for a report."""

    path: str  # display-safe (see display_name)
    kind: SkipKind
    reason: str


@dataclass(frozen=True)
class FileRead:
    """The bytes of one repo file, or the skip that explains why there are none."""

    path: str
    data: bytes | None = None
    skip: Skip | None = None
    size: int = 0  # st_size when the file was a regular one
    truncated: bool = False  # only with truncate=True: the file was longer than the limit

    @property
    def ok(self) -> bool:
        return self.data is not None

    def text(self) -> str | None:
        return None if self.data is None else decode_text(self.data)


class Entry(NamedTuple):
    """One directory entry found by `RepoReader.walk` / `list_dir` (links are not followed). A named
    tuple: a walk makes one per name in the tree, and a tuple is made in a third of a frozen
    dataclass's time."""

    rel: str  # relative to the root as the file system spells it (may carry surrogate escapes)
    name: str
    is_dir: bool  # a directory, or a link to one (as os.walk reports it)
    is_link: bool
    is_file: bool  # a regular file, not through a link

    @property
    def display(self) -> str:
        return display_name(self.rel)


Walked = tuple[str, list[Entry], list[Entry]]  # (folder, dirs, files) as os.walk yields them


@functools.cache  # made once, on first use: the class needs yaml, which is imported only to read YAML
def _unsafe_yaml_class() -> type[Exception]:
    import yaml

    class UnsafeYaml(yaml.YAMLError, ValueError):
        """A YAML document the grader refuses to build: alias expansion or nesting past the caps.
        A YAMLError, so code that already handles bad YAML handles this too."""

    UnsafeYaml.__module__ = __name__
    return UnsafeYaml


def __getattr__(name: str) -> Any:
    # `from grader.core.repo import UnsafeYaml` works as ever; the class is made (and yaml imported) then
    if name == "UnsafeYaml":
        return _unsafe_yaml_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class TooLarge(ValueError):
    """A stream longer than the cap its reader was given."""


def display_name(name: str) -> str:
    """`name` as valid UTF-8 text: undecodable bytes (surrogate escapes) become U+FFFD."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def decode_text(data: bytes) -> str:
    """UTF-8 with a leading BOM dropped and invalid bytes replaced."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", "replace")


def normalize_rel(rel: RelPath) -> str | None:
    """`rel` with `.` and empty parts dropped ("." for the root); None when it is absolute,
    climbs with `..`, or carries a NUL byte. Decided on the string alone."""
    text = os.fspath(rel)
    if not isinstance(text, str) or "\0" in text or text.startswith(("/", "\\")) or os.path.isabs(text):
        return None
    parts = text.split("/")
    if ".." in parts:
        return None
    if "" in parts or "." in parts:
        return "/".join(p for p in parts if p not in ("", ".")) or "."
    return text  # most paths: already in that form


def _mode_name(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a regular file"


def _shown(rel: RelPath) -> str:
    text = os.fspath(rel)
    return display_name(text) if isinstance(text, str) else repr(text)


def _strerror(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__


def read_capped(stream: IO[bytes], limit: int) -> bytes:
    """At most `limit` bytes of a stream (a tar member, a pipe); TooLarge when it holds more.
    Memory stays bounded by `limit` whatever the stream claims its size is."""
    parts: list[bytes] = []
    got = 0
    while got <= limit:
        chunk = stream.read(min(_CHUNK, limit + 1 - got))
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
        got += len(chunk)
    raise TooLarge(f"more than {limit} bytes")


def collect_capped(chunks: Iterable[bytes], limit: int) -> bytes:
    """Join an iterator of chunks (e.g. a container archive stream) up to `limit` bytes; TooLarge
    as soon as it would pass the cap, without reading the rest."""
    parts: list[bytes] = []
    got = 0
    for chunk in chunks:
        got += len(chunk)
        if got > limit:
            raise TooLarge(f"more than {limit} bytes")
        parts.append(chunk)
    return b"".join(parts)


@dataclass
class RepoReader:
    """Reads files of the repository at `root`; see the module docstring for the rules."""

    root: Path
    max_bytes: int = DEFAULT_MAX_BYTES
    follow_links: bool = False  # follow links that stay inside the root
    _real_root: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._real_root = os.path.realpath(os.fspath(self.root))
        self.root = Path(self._real_root)

    # ---- paths ------------------------------------------------------------------------
    def _inside(self, real: str) -> bool:
        return real == self._real_root or real.startswith(self._real_root.rstrip("/") + "/")

    def locate(self, rel: RelPath, follow_links: bool | None = None) -> str | Skip:
        """The real path of `rel` under the root, or why it is refused (the target may not exist)."""
        follow = self.follow_links if follow_links is None else follow_links
        norm = normalize_rel(rel)
        shown = _shown(rel)
        if norm is None:
            return Skip(shown, SkipKind.bad_path, "path is absolute or leaves the repository")
        joined = self._real_root if norm == "." else os.path.join(self._real_root, norm)
        try:
            real = os.path.realpath(joined)
        except (OSError, ValueError) as exc:  # a name too long, a loop on some platforms
            return Skip(shown, SkipKind.unreadable, f"unreadable: {exc}")
        if real == joined:
            return real
        if not follow:
            return Skip(shown, SkipKind.link, "symbolic link not followed")
        if not self._inside(real):
            return Skip(shown, SkipKind.outside_root, "symbolic link leads outside the repository")
        return real

    def _lstat(self, rel: RelPath, follow_links: bool | None = None) -> tuple[str, os.stat_result] | Skip:
        where = self.locate(rel, follow_links)
        if isinstance(where, Skip):
            return where
        try:
            return where, os.lstat(where)
        except FileNotFoundError:
            return Skip(_shown(rel), SkipKind.missing, "no such file")
        except (OSError, ValueError) as exc:
            reason = f"unreadable: {_strerror(exc) if isinstance(exc, OSError) else exc}"
            return Skip(_shown(rel), SkipKind.unreadable, reason)

    def is_file(self, rel: RelPath, follow_links: bool | None = None) -> bool:
        """A regular file inside the root (through no link unless links are followed)."""
        found = self._lstat(rel, follow_links)
        return not isinstance(found, Skip) and stat.S_ISREG(found[1].st_mode)

    def is_dir(self, rel: RelPath, follow_links: bool | None = None) -> bool:
        found = self._lstat(rel, follow_links)
        return not isinstance(found, Skip) and stat.S_ISDIR(found[1].st_mode)

    def size(self, rel: RelPath) -> int | None:
        found = self._lstat(rel)
        return None if isinstance(found, Skip) or not stat.S_ISREG(found[1].st_mode) else found[1].st_size

    # ---- reading ----------------------------------------------------------------------
    def read(
        self,
        rel: RelPath,
        *,
        limit: int | None = None,
        truncate: bool = False,
        allow_binary: bool = False,
        follow_links: bool | None = None,
    ) -> FileRead:
        """The bytes of a regular file, at most `limit` (default max_bytes). Over the limit the file
        is refused (checked from its size before reading) unless `truncate`, which reads its head."""
        cap = self.max_bytes if limit is None else limit
        shown = _shown(rel)
        found = self._lstat(rel, follow_links)
        if isinstance(found, Skip):
            return FileRead(shown, skip=found)
        real, st = found
        if not stat.S_ISREG(st.st_mode):
            what = f"not a regular file ({_mode_name(st.st_mode)})"
            return FileRead(shown, skip=Skip(shown, SkipKind.not_regular, what))
        if st.st_size > cap and not truncate:
            return FileRead(shown, skip=Skip(shown, SkipKind.too_large, f"larger than {cap} bytes ({st.st_size})"))
        try:
            fd = os.open(real, _OPEN_FLAGS)
        except OSError as exc:
            return FileRead(shown, skip=Skip(shown, SkipKind.unreadable, f"unreadable: {_strerror(exc)}"))
        try:
            opened = os.fstat(fd)
            if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (st.st_dev, st.st_ino):
                return FileRead(shown, skip=Skip(shown, SkipKind.not_regular, "changed while being opened"))
            data = self._read_fd(fd, cap + 1, opened.st_size)
        except OSError as exc:
            return FileRead(shown, skip=Skip(shown, SkipKind.unreadable, f"unreadable: {_strerror(exc)}"))
        finally:
            os.close(fd)
        truncated = len(data) > cap
        if truncated and not truncate:  # it grew after the stat
            return FileRead(shown, skip=Skip(shown, SkipKind.too_large, f"larger than {cap} bytes"))
        data = data[:cap]
        if not allow_binary and b"\0" in data[:BINARY_SNIFF_BYTES]:
            return FileRead(shown, skip=Skip(shown, SkipKind.binary, "binary file"), size=st.st_size)
        return FileRead(shown, data=data, size=st.st_size, truncated=truncated)

    @staticmethod
    def _read_fd(fd: int, most: int, size: int | None = None) -> bytes:
        """At most `most` bytes. size: the file's size from fstat, when it is below `most`: asked for
        with one byte more, a file that still has that size is read in one call, its end seen in the
        same answer (instead of a second read that returns nothing)."""
        parts: list[bytes] = []
        got = 0
        if size is not None and size < most:
            first = os.read(fd, size + 1)
            if len(first) == size:
                return first
            parts.append(first)  # it changed since the fstat: read on to its end, as for any file
            got = len(first)
        while got < most:
            chunk = os.read(fd, min(_CHUNK, most - got))
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
        return b"".join(parts)

    def read_bytes(self, rel: RelPath, **kw: Any) -> bytes | None:
        return self.read(rel, **kw).data

    def text(self, rel: RelPath, **kw: Any) -> str | None:
        """Decoded text of a regular, non-binary file under the cap; None with any skip."""
        return self.read(rel, **kw).text()

    def lines(self, rel: RelPath, **kw: Any) -> list[str] | None:
        text = self.text(rel, **kw)
        return None if text is None else text.splitlines()

    def excerpt(self, rel: RelPath, start: int, end: int, *, max_line_chars: int = 300,
                limit: int = 2_000_000) -> list[tuple[int, str]] | None:
        """Lines start..end (1-based, inclusive, clamped to the file) as (number, text), each cut at
        max_line_chars; None when the file is skipped or `start` is past its end."""
        lines = self.lines(rel, limit=limit)
        if lines is None or start > len(lines) or end < start or end < 1:
            return None
        lo, hi = max(1, start), min(len(lines), end)
        return [(n, lines[n - 1][:max_line_chars]) for n in range(lo, hi + 1)]

    def yaml(self, rel: RelPath, *, max_nodes: int = 100_000, **kw: Any) -> tuple[Any, Skip | None]:
        """(document, None) or (None, skip) for a YAML file of the repo."""
        got = self.read(rel, **kw)
        if got.skip is not None:
            return None, got.skip
        import yaml

        try:
            return load_yaml(got.text() or "", max_nodes=max_nodes), None
        except _unsafe_yaml_class() as exc:
            return None, Skip(got.path, SkipKind.yaml, str(exc))
        except yaml.YAMLError as exc:
            return None, Skip(got.path, SkipKind.yaml, f"not valid YAML: {str(exc).splitlines()[0]}")

    # ---- listing ----------------------------------------------------------------------
    def list_dir(self, rel: RelPath = ".") -> list[Entry]:
        """Entries of one folder, sorted by name; [] when it is not a folder inside the root."""
        where = self.locate(rel, follow_links=False)
        if isinstance(where, Skip):
            return []
        base = normalize_rel(rel) or "."
        try:
            with os.scandir(where) as it:
                found = [self._entry(base, e) for e in it]
        except (OSError, ValueError):
            return []
        return sorted(found, key=lambda e: e.name)

    @staticmethod
    def _entry(base: str, e: os.DirEntry[str]) -> Entry:
        rel = e.name if base == "." else f"{base}/{e.name}"
        try:
            is_link = e.is_symlink()
            is_dir = e.is_dir()  # follows links, like os.walk's dirnames
            is_file = not is_link and e.is_file(follow_symlinks=False)
        except OSError:
            is_link, is_dir, is_file = False, False, False
        return Entry(rel, e.name, is_dir, is_link, is_file)

    def listing(self, rel: str) -> list[Entry] | None:
        """Entries of a folder the walk reached (`rel` as the walk spells it, "." for the root), sorted by
        name; None when it cannot be listed. No checks of the path: for walk() and its callers only."""
        try:
            return self._scan(rel)
        except (OSError, ValueError):
            return None

    def _scan(self, rel: str) -> list[Entry]:
        where = self._real_root if rel == "." else os.path.join(self._real_root, rel)
        with os.scandir(where) as it:
            return sorted((self._entry(rel, e) for e in it), key=lambda e: e.name)

    def walk(self, top: str = ".", on_error: list[Skip] | None = None,
             listed: dict[str, list[Entry]] | None = None) -> Iterator[Walked]:
        """Top-down like os.walk(followlinks=False), without recursion: yields (folder, dirs, files)
        with entries sorted by name; the caller may prune `dirs` in place. Links to folders are
        listed in dirs but never entered. Folders that cannot be listed are added to on_error.
        listed: listings the caller made ahead (with listing(), to look into a folder before it is
        entered, e.g. for is_gem_home), used instead of listing the folder again."""
        stack = [normalize_rel(top) or "."]
        while stack:
            here = stack.pop()
            entries = listed.pop(here, None) if listed else None
            if entries is None:
                try:
                    entries = self._scan(here)
                except (OSError, ValueError) as exc:
                    if on_error is not None:
                        reason = _strerror(exc) if isinstance(exc, OSError) else str(exc)
                        on_error.append(Skip(display_name(here), SkipKind.unreadable, f"unreadable folder: {reason}"))
                    continue
            dirs = [e for e in entries if e.is_dir]
            files = [e for e in entries if not e.is_dir]
            yield here, dirs, files
            stack.extend(d.rel for d in reversed(dirs) if not d.is_link)

    def files(self, skip_dirs: frozenset[str] = SKIP_DIRS) -> Iterator[Entry]:
        """Every regular file of the repo outside skipped folders, links never followed."""
        for _here, dirs, files in self.walk():
            dirs[:] = [d for d in dirs if d.name not in skip_dirs and not d.is_link]
            yield from (f for f in files if f.is_file)


GEM_HOME_FOLDERS = frozenset({"specifications", "gems"})


def is_gem_home(listing: Iterable[Entry]) -> bool:
    """A folder whose listing holds `specifications/` and `gems/` folders (not links): a bundle or
    GEM_HOME committed into the repo (e.g. `.gems/ruby/3.3.0`), wherever BUNDLE_PATH pointed:
    third-party code, not the app's own, so it is not graded. The one definition: discovery asks it of
    a folder's listing before entering it, the text rules' walk of the listing it yields."""
    return GEM_HOME_FOLDERS <= {e.name for e in listing if e.is_dir and not e.is_link}


def is_installed_gems(reader: RepoReader, rel: str) -> bool:
    """is_gem_home of the folder `rel` (False when it is no folder inside the root, or a link)."""
    return is_gem_home(reader.list_dir(rel))


# ---- YAML --------------------------------------------------------------------------------
def load_yaml(text: str, *, max_nodes: int = 100_000) -> Any:
    """yaml.safe_load with the document's expanded size capped at max_nodes nodes (aliases count
    as often as they are used) and its nesting bounded: UnsafeYaml past the caps, yaml.YAMLError
    for what is not YAML."""
    loader = _CappedLoader(text, max_nodes)
    try:
        return loader.get_single_data()
    except RecursionError:
        raise _unsafe_yaml_class()("YAML nested too deeply") from None
    finally:
        loader.dispose()


@functools.cache
def _capped_loader_class() -> type:
    import yaml

    unsafe = _unsafe_yaml_class()

    class CappedLoader(yaml.SafeLoader):
        """Measures every composed node's expanded size once (an alias reuses its anchor's node,
        so a bomb is measured, never expanded): linear in the document, not in its expansion."""

        def __init__(self, text: str, max_nodes: int) -> None:
            super().__init__(text)
            self._max_nodes = max_nodes
            self._sizes: dict[int, int] = {}
            self._kept: list[Any] = []  # keeps measured nodes alive so their ids stay unique

        def compose_node(self, parent: Any, index: Any) -> Any:
            node = super().compose_node(parent, index)
            known = self._sizes.get(id(node))
            if known is None:  # first time: its children are composed and measured already
                known = 1
                if isinstance(node, yaml.SequenceNode):
                    known += sum(self._sizes.get(id(c), 1) for c in node.value)
                elif isinstance(node, yaml.MappingNode):
                    known += sum(self._sizes.get(id(k), 1) + self._sizes.get(id(v), 1) for k, v in node.value)
                self._sizes[id(node)] = known
                self._kept.append(node)
            if known > self._max_nodes:
                raise unsafe(f"YAML expands to more than {self._max_nodes} nodes (alias expansion capped)")
            return node

    return CappedLoader


def _CappedLoader(text: str, max_nodes: int) -> Any:  # noqa: N802 - a factory standing for the class
    return _capped_loader_class()(text, max_nodes)
