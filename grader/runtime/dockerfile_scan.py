"""What a repo's Dockerfile would make the Docker daemon fetch, read before we build it.

Parsed with the `dockerfile` package (Docker's own Go parser: instructions, line continuations,
JSON form, heredocs), then ARG/ENV values expanded the way the builder does. The daemon itself
fetches `ADD <url>` and any image named by FROM, `COPY --from=<image>` or `RUN --mount=from=<image>`,
outside the build's network mode: with builds offline, such a Dockerfile is refused (remote
sources) or checked against local images (image references) before anything is sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_VAR = re.compile(r"\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|[\w.-]+@[\w.-]+:)", re.IGNORECASE)
_STAGE_INDEX = re.compile(r"^\d+$")


class DockerfileError(ValueError):
    """The Dockerfile cannot be parsed; the message is one line."""


@dataclass
class DockerfileScan:
    images: list[str] = field(default_factory=list)  # external images the build needs (FROM, --from)
    remote_sources: list[str] = field(default_factory=list)  # "line N: ADD <source>" the daemon would fetch
    unresolved_sources: list[str] = field(default_factory=list)  # ADD sources whose variables stay unknown


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def expand(text: str, scope: dict[str, str], unresolved: list[str] | None = None) -> str:
    """Shell-like expansion the builder does: $V, ${V}, ${V:-d}, ${V-d}, ${V:+a}, ${V+a}, \\$.
    Unknown names expand to their own text (recorded in `unresolved`), so they never look safe."""

    def one(m: re.Match) -> str:
        if m.group(0) == "\\$":
            return "$"
        name = m.group(1) or m.group(4)
        op, word = m.group(2), m.group(3) or ""
        value = scope.get(name)
        if op == ":-":
            return value or word
        if op == "-":
            return word if value is None else value
        if op == ":+":
            return word if value else ""
        if op == "+":
            return "" if value is None else word
        if value is None:
            if unresolved is not None:
                unresolved.append(name)
            return m.group(0)
        return value

    return _VAR.sub(one, text)


def _pairs(cmd) -> list[tuple[str, str | None]]:
    """ARG/ENV values as (name, value). ENV's parser output alternates names and values; ARG
    keeps `NAME=value` words."""
    if cmd.cmd == "ENV":
        values = list(cmd.value)
        return [(values[i], _unquote(values[i + 1])) for i in range(0, len(values) - 1, 2)]
    pairs: list[tuple[str, str | None]] = []
    for word in cmd.value:
        name, sep, value = word.partition("=")
        pairs.append((name, _unquote(value) if sep else None))
    return pairs


def _from_flag(flags: tuple[str, ...]) -> list[str]:
    found = []
    for flag in flags:
        if flag.startswith("--from="):
            found.append(flag[len("--from="):])
        elif flag.startswith("--mount="):
            for part in flag[len("--mount="):].split(","):
                if part.startswith("from="):
                    found.append(part[len("from="):])
    return found


def scan_dockerfile(text: str) -> DockerfileScan:
    import dockerfile  # the Go parser; imported here so `grader check` never loads it

    try:
        commands = dockerfile.parse_string(text)
    except dockerfile.GoParseError as exc:
        raise DockerfileError(f"Dockerfile does not parse: {' '.join(str(exc).split())[:200]}") from exc
    scan = DockerfileScan()
    global_args: dict[str, str] = {}
    scope: dict[str, str] = {}
    aliases: set[str] = set()
    stages = 0
    seen_from = False
    for cmd in commands:
        name = cmd.cmd.upper()
        if name == "ARG":
            for key, value in _pairs(cmd):
                target = scope if seen_from else global_args
                # Inside a stage, a bare `ARG X` re-imports the global default.
                target[key] = expand(value, scope) if value is not None else global_args.get(key, scope.get(key, ""))
        elif name == "ENV" and seen_from:
            for key, value in _pairs(cmd):
                scope[key] = expand(value or "", scope)
        elif name == "FROM":
            seen_from = True
            words = list(cmd.value)
            ref = expand(words[0], global_args) if words else ""
            if ref.lower() != "scratch" and ref not in aliases and ref not in scan.images:
                scan.images.append(ref)
            if len(words) >= 3 and words[1].lower() == "as":
                aliases.add(words[2].lower())
            stages += 1
            scope = {}
        elif name in ("COPY", "ADD", "RUN"):
            for ref in _from_flag(cmd.flags):
                ref = expand(ref, {**global_args, **scope})
                if ref.lower() in aliases or (_STAGE_INDEX.match(ref) and int(ref) < stages):
                    continue
                if ref not in scan.images:
                    scan.images.append(ref)  # an image reference: the daemon pulls it when missing
        _scan_add_sources(cmd, name, scope, global_args, scan)
    return scan


def _scan_add_sources(cmd, name: str, scope, global_args, scan: DockerfileScan) -> None:
    """ADD (also under ONBUILD) with a URL or git source is fetched by the daemon itself."""
    if name == "ONBUILD" and (cmd.sub_cmd or "").upper() == "ADD":
        sources = list(cmd.value[:-1])
    elif name == "ADD":
        sources = list(cmd.value[:-1])
    else:
        return
    for source in sources:
        if source.startswith("<<"):
            continue  # heredoc: inline content
        unresolved: list[str] = []
        value = expand(source, {**global_args, **scope}, unresolved)
        where = f"line {cmd.start_line}: ADD {source}"
        if _REMOTE.match(value.strip()):
            scan.remote_sources.append(where if value == source else f"{where} (= {value})")
        elif unresolved:
            scan.unresolved_sources.append(where)
