"""The `grader` console entry: `grader check ...` starts without typer; everything else goes to typer.

Typer (0.29) imports pydantic and builds a pydantic adapter for every parameter of every command
before it runs one: about 0.15 s, half of what checking a small app costs. So a `check` command line
is read here with argparse (standard library, a few ms), and only when it is plainly well formed:
help, completion, `--`, unknown or odd tokens, anything argparse refuses, all go to grader.cli's typer
app, whose messages and exit codes stay the only ones users see for bad usage. A test checks that
both readings give the same request for the command lines taken here, and that they declare the
same options.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

# check's options as typer declares them in grader/cli.py: (flags, destination, takes a value)
CHECK_OPTIONS: tuple[tuple[tuple[str, ...], str, bool], ...] = (
    (("--format", "-f"), "fmt", True),
    (("--ruby-llm-version",), "ruby_llm_version", True),
    (("--output", "-o"), "output", True),
    (("--config",), "config", True),
    (("--baseline",), "baseline", True),
    (("--write-baseline",), "write_baseline", False),
    (("--quiet", "-q"), "quiet", False),
    (("--untrusted",), "untrusted", False),
    (("--jobs", "-j"), "jobs", True),
)
_PATH_OPTIONS = ("output", "config", "baseline")


class _Refused(Exception):
    """argparse did not accept the command line: typer reads it and says what is wrong."""


class _StrictParser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print usage and exit; typer's message is the one we keep
        raise _Refused(message)


def _parser() -> argparse.ArgumentParser:
    parser = _StrictParser(prog="grader check", add_help=False, allow_abbrev=False)
    parser.add_argument("paths", nargs="+")
    for flags, dest, takes_value in CHECK_OPTIONS:
        if takes_value:
            parser.add_argument(*flags, dest=dest, default=None)
        else:
            parser.add_argument(*flags, dest=dest, action="store_true")
    return parser


def _plain(tokens: list[str]) -> bool:
    """Tokens both readers understand alike. Left to typer: help, `--` (argparse and click differ on
    what follows), a short option written `-f=x` (click keeps the `=`), empty values."""
    for token in tokens:
        if token in ("-h", "--help", "--") or token == "":
            return False
        if token.startswith("-") and not token.startswith("--") and "=" in token:
            return False
    return True


def check_request(args: list[str]):
    """The CheckRequest of `grader check ARGS...`, or None when typer should read the command line."""
    if not args or args[0] != "check" or not _plain(args[1:]):
        return None
    if any(name.startswith("_GRADER") and name.endswith("_COMPLETE") for name in os.environ):
        return None  # shell completion is typer's
    try:
        parsed = _parser().parse_intermixed_args(args[1:])
    except _Refused:
        return None
    if any(p.startswith("-") and p != "-" for p in parsed.paths):
        return None  # argparse takes `-1` for a path; click says no such option
    from grader.commands.check import CheckRequest

    values = vars(parsed)
    for name in _PATH_OPTIONS:
        if values[name] is not None:
            values[name] = Path(values[name])
    values["fmt"] = values["fmt"] if values["fmt"] is not None else "text"
    return CheckRequest(**values)


def main() -> None:
    request = check_request(sys.argv[1:])
    if request is None:
        from grader.cli import app

        app()
        return
    # pydantic looks up plugins of other installed packages (importlib.metadata over every package of
    # the environment) before its first model: a check has no use for them, and it saves ~15 ms.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from grader.commands.check import run_check

    try:
        code = run_check(request)
    except KeyboardInterrupt:  # as typer exits on Ctrl-C
        sys.exit(130)
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        # a closed pipe (`grader check . | head`): quiet, exit 1, as typer does
        _quiet_streams()
        sys.exit(1)
    sys.exit(code)


def _quiet_streams() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    main()
