"""Command-line entry of the standalone checker (`static-checks PATH`); `grader check` adds archives,
git URLs and several paths on top of the same owner's check (static_checks/owner.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from static_checks.output import FORMATS, render


def _colour(output: Path | None) -> bool:
    if output is not None or os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def run_check(folder: Path, fmt: str, ruby_llm_version: str | None, output: Path | None, prog: str, *,
              config: Path | None = None, baseline: Path | None = None, write_baseline: bool = False,
              quiet: bool = False) -> int:
    """Check `folder` and print or write the report. Returns the exit code (0, 1 or 2)."""
    from static_checks.baseline import BaselineError, write_baseline as write
    from static_checks.engine import InputError
    from static_checks.owner import OwnerError, check_as_owner

    if fmt not in FORMATS:
        print(f"{prog}: unknown format {fmt!r}; choose one of {', '.join(FORMATS)}", file=sys.stderr)
        return 2
    try:
        report, baseline_file = check_as_owner(Path(folder), config=config, ruby_llm_version=ruby_llm_version,
                                               baseline=baseline, write_baseline=write_baseline)
        if write_baseline:
            if baseline_file is None:
                raise OwnerError("--write-baseline needs --baseline FILE (or `baseline` in the settings file)")
            count = write(baseline_file, [report])
            if not quiet:
                print(f"{prog}: wrote {count} finding(s) to baseline {baseline_file}", file=sys.stderr)
            return 0
    except (InputError, OwnerError, BaselineError, ValueError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    text = render(report, fmt, colour=_colour(output), quiet=quiet)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 1 if report.has_errors() else 0


def main(argv: list[str] | None = None) -> int:
    """`static-checks PATH [--format F] [--ruby-llm-version X] [--config FILE] [--baseline FILE
    [--write-baseline]] [-q]`: folders only, no grader stages. `static-checks --list-rules` prints
    every rule with its docs."""
    import argparse

    parser = argparse.ArgumentParser(prog="static-checks", description=main.__doc__)
    parser.add_argument("path", nargs="?")
    parser.add_argument("--format", "-f", default="text", choices=FORMATS)
    parser.add_argument("--ruby-llm-version")
    parser.add_argument("--output", "-o", type=Path)
    parser.add_argument("--config", type=Path, help="settings file (default: the folder's, else the current one's)")
    parser.add_argument("--baseline", type=Path, help="report only findings this baseline file does not list")
    parser.add_argument("--write-baseline", action="store_true", help="write the findings to the baseline file")
    parser.add_argument("--quiet", "-q", action="store_true", help="text: finding lines only")
    parser.add_argument("--list-rules", action="store_true", help="print every rule with its docs and exit")
    args = parser.parse_args(argv)
    if args.list_rules:
        from static_checks.output.rule_docs import list_text
        from static_checks.rules import all_rules
        from static_checks.text_rules import text_rules

        sys.stdout.write(list_text(all_rules()))
        sys.stdout.write(list_text(text_rules(), noun="rules over the repository's text"))
        return 0
    if args.path is None:
        parser.error("a PATH to check is required (or --list-rules)")
    return run_check(Path(args.path), args.format, args.ruby_llm_version, args.output, prog="static-checks",
                     config=args.config, baseline=args.baseline, write_baseline=args.write_baseline,
                     quiet=args.quiet)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
