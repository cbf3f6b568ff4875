"""Command-line entry of the static checker, shared by `grader check` and `static-checks`."""

from __future__ import annotations

import sys
from pathlib import Path

from static_checks.output import FORMATS, render


def run_check(folder: Path, fmt: str, ruby_llm_version: str | None, output: Path | None, prog: str) -> int:
    """Check `folder` and print or write the report. Returns the exit code (0, 1 or 2)."""
    from static_checks.engine import InputError, check_path

    if fmt not in FORMATS:
        print(f"{prog}: unknown format {fmt!r}; choose one of {', '.join(FORMATS)}", file=sys.stderr)
        return 2
    try:
        report = check_path(Path(folder), ruby_llm_version=ruby_llm_version)
    except (InputError, ValueError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    text = render(report, fmt)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 1 if report.has_errors() else 0


def main(argv: list[str] | None = None) -> int:
    """`static-checks PATH [--format F] [--ruby-llm-version X]`: folders only, no grader stages.
    `static-checks --list-rules` prints every rule with its docs."""
    import argparse

    parser = argparse.ArgumentParser(prog="static-checks", description=__doc__)
    parser.add_argument("path", nargs="?")
    parser.add_argument("--format", "-f", default="text", choices=FORMATS)
    parser.add_argument("--ruby-llm-version")
    parser.add_argument("--output", "-o", type=Path)
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
    return run_check(Path(args.path), args.format, args.ruby_llm_version, args.output, prog="static-checks")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
