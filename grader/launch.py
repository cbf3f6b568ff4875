"""The `grader` console entry, and the one reader of `grader check`'s command line.

Typer (0.29) imports pydantic and builds a pydantic adapter for every parameter of every command
before it runs one: about 0.15 s, half of what checking a small app costs. So `check`'s options are
declared here once and read with argparse (standard library, a few ms), from the console entry and
from typer's `check` command alike (grader/cli.py hands it its arguments untouched): help, usage
errors and requests are the same whichever way `check` is reached. Every other command is typer's.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from pathlib import Path

CHECK_SUMMARY = "Audit RubyLLM API use (invented calls, wrong signatures, bypasses). Exit 1 on error findings."
CHECK_DETAILS = ("With several paths, text reports follow each other, `json` is a list of reports and `sarif` one log "
                 "with a run per path; the exit code is the worst of them. Honours the settings file, "
                 "`# grader:disable RULE -- reason` comments (listed in the output) and --baseline.")
PATHS_HELP = "Repository folders, .tar/.tar.gz/.zip archives, or git URL[@commit]."
# check's options: (flags, CheckRequest field, metavar (None: a flag), help)
CHECK_OPTIONS: tuple[tuple[tuple[str, ...], str, str | None, str], ...] = (
    (("--format", "-f"), "fmt", "TEXT", "text, json or sarif. [default: text]"),
    (("--ruby-llm-version",), "ruby_llm_version", "TEXT",
     "Check against this ruby_llm release instead of the locked one."),
    (("--output", "-o"), "output", "PATH", "Write the report here instead of stdout."),
    (("--config",), "config", "PATH", "Settings file (default: the checked folder's .grader.toml or pyproject.toml, "
                                      "else the current folder's)."),
    (("--baseline",), "baseline", "PATH", "Report only findings this baseline file does not list."),
    (("--write-baseline",), "write_baseline", None, "Write the current findings to the baseline file and exit 0."),
    (("--quiet", "-q"), "quiet", None, "Text: finding lines only; no notes on stderr."),
    (("--untrusted",), "untrusted", None,
     "Someone else's repo: ignore its settings file and grader:disable comments."),
    (("--jobs", "-j"), "jobs", "TEXT", "Processes to parse and analyse with: a number >= 1, or auto (the default: "
                                       "every core for a big tree, one for a small one)."),
)
_PATH_OPTIONS = ("output", "config", "baseline")
USAGE_ERROR = 2


class CheckUsageError(Exception):
    """A `check` command line that cannot be read: one line for the user, exit 2."""


class _StrictParser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print usage and exit; we say one line
        raise CheckUsageError(message)


class _HelpFormat(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="Usage: ")


def _parser() -> argparse.ArgumentParser:
    parser = _StrictParser(prog="grader check", usage="grader check [OPTIONS] PATHS...", add_help=False,
                           allow_abbrev=False, formatter_class=_HelpFormat,
                           description=f"{CHECK_SUMMARY}\n\n{CHECK_DETAILS}")
    arguments = parser.add_argument_group("Arguments")
    arguments.add_argument("paths", nargs="*", metavar="PATHS", help=PATHS_HELP)
    options = parser.add_argument_group("Options")
    for flags, dest, metavar, text in CHECK_OPTIONS:
        if metavar is None:
            options.add_argument(*flags, dest=dest, action="store_true", help=text)
        else:
            options.add_argument(*flags, dest=dest, metavar=metavar, default=None, help=text)
    options.add_argument("-h", "--help", action="store_true", help="Show this message and exit.")
    return parser


def check_help() -> str:
    return _parser().format_help()


def check_request(args: list[str]):
    """The CheckRequest of `grader check ARGS...`; None when ARGS ask for help. Raises CheckUsageError."""
    cut = args.index("--") if "--" in args else len(args)  # after `--`, every word is a path
    options, after = args[:cut], args[cut + 1:]
    if "-h" in options or "--help" in options:
        return None
    parsed = _parser().parse_intermixed_args(options)
    odd = [p for p in parsed.paths if p.startswith("-") and p != "-"]
    if odd:  # argparse reads `-1` as a path when no option looks like a number
        raise CheckUsageError(f"no such option: {odd[0]}")
    parsed.paths += after
    if not parsed.paths:
        raise CheckUsageError("missing PATHS: a folder, archive or git URL to check")
    from grader.commands.check import CheckRequest

    values = vars(parsed)
    del values["help"]
    for name in _PATH_OPTIONS:
        if values[name] is not None:
            values[name] = Path(values[name])
    values["fmt"] = values["fmt"] if values["fmt"] is not None else "text"
    return CheckRequest(**values)


def check_command(args: list[str]) -> int:
    """`grader check ARGS...` from either entry: its exit code."""
    try:
        request = check_request(args)
    except CheckUsageError as exc:
        from grader.report.escape import terminal_text

        print(f"grader: {terminal_text(str(exc))} (see grader check -h)", file=sys.stderr)
        return USAGE_ERROR
    if request is None:
        print(check_help(), end="")
        return 0
    # pydantic looks up plugins of other installed packages (importlib.metadata over every package of
    # the environment) before its first model: a check has no use for them, and it saves ~15 ms.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from grader.commands.check import run_check

    return run_check(request)


def main() -> None:
    args = sys.argv[1:]
    if args[:1] != ["check"] or any(name.startswith("_GRADER") and name.endswith("_COMPLETE") for name in os.environ):
        from grader.cli import app  # every other command, and shell completion, are typer's

        app()
        return
    try:
        code = check_command(args[1:])
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
