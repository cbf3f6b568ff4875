"""Container files of an app: their names, and just enough of a Dockerfile to read which Ruby it
builds on (the runtime sandbox has its own guards; this only reads instructions)."""

from __future__ import annotations

import re
from dataclasses import dataclass

DOCKERFILE_NAMES = ["Dockerfile", "Containerfile"]
# Rails 8 generates compose.yaml; older guides use docker-compose.yml. All four are valid.
COMPOSE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


@dataclass
class Instruction:
    keyword: str  # upper case
    value: str
    line: int  # first line of the instruction


def dockerfile_instructions(text: str) -> list[Instruction]:
    """Instructions with backslash continuations joined; comments and parser directives dropped."""
    out: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if not pending:
            start = n
        cont = line.endswith("\\")
        pending.append(line[:-1].strip() if cont else line)
        if not cont:
            joined = " ".join(p for p in pending if p)
            pending = []
            keyword, _, value = joined.partition(" ")
            out.append(Instruction(keyword.upper(), value.strip(), start))
    return out


def _expand(value: str, args_: dict[str, str]) -> str:
    return _VAR.sub(lambda m: args_.get(m.group(1), m.group(0)), value)


def dockerfile_ruby(instrs: list[Instruction]) -> tuple[str | None, str, int]:
    """(version, source, line): ARG RUBY_VERSION default first, else the tag of a ruby base image."""
    args_: dict[str, str] = {}
    arg_hit: tuple[str, int] | None = None
    for ins in instrs:
        if ins.keyword == "ARG":
            name, _, default = ins.value.partition("=")
            default = default.strip().strip("\"'")
            if default:
                args_[name.strip()] = default
                if name.strip() == "RUBY_VERSION" and arg_hit is None:
                    arg_hit = (default, ins.line)
    if arg_hit:
        return arg_hit[0], "dockerfile_arg", arg_hit[1]
    for ins in instrs:
        if ins.keyword != "FROM":
            continue
        image = _expand(ins.value.split()[0] if ins.value else "", args_)
        name, _, tag = image.rpartition(":") if ":" in image.split("/")[-1] else (image, "", "")
        if name.split("/")[-1] == "ruby":
            return (tag or "latest"), "dockerfile_from", ins.line
    return None, "none", 0
