"""Calls of RubyLLM-chat-only names whose receiver the inferer leaves untyped, counted by why.

    python bench/untyped_receivers.py APP_DIR [APP_DIR ...] [--paths FILE] [--json OUT] [--examples N]

Each APP_DIR is checked alone (one process, jobs=1). For every call of a name only a RubyLLM chat-like
object answers (`ask`, `with_instructions`, `on_end_message`...) whose receiver has no type, the receiver
is put in one cause: a partial's local, a block parameter (by the iterating call), a parameter (private
helper, public method, constructor), an instance variable (controller, other class, template), a local,
a method call. The counts are the recall work left: a receiver typed here could be checked by the rules.
Prints the count per cause, then up to N examples of each (file:line and the line).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

NAMES = frozenset({
    "ask", "with_instructions", "with_tool", "with_tools", "with_model", "with_temperature", "with_schema",
    "with_params", "on_new_message", "on_end_message", "on_tool_call", "on_tool_result", "with_headers",
    "with_context", "input_tokens", "output_tokens", "model_id", "tool_calls", "vectors",
})


def cause(fs, recv, scope) -> str:
    """Why `recv` could be untyped: its syntactic kind, refined by where its value comes from."""
    from static_checks.types.syntax import text
    from static_checks.types.views import partial_key

    kind = recv.type
    name = text(recv)
    erb = fs.pf.rel.endswith(".erb")
    if kind == "identifier":
        bound = scope.block_binding(name, recv.start_byte)
        if bound is not None:
            block = bound[0]
            call = block.parent
            called = fs.name_of(call) if call is not None and call.type == "call" else None
            return f"block param of .{called}" if called else f"block param ({block.type})"
        if name in scope.locals:
            before = [rhs for end, rhs in scope.locals[name] if end <= recv.start_byte]
            rhs = before[-1] if before else None
            if rhs is not None and rhs.type == "call":
                return f"local = .{fs.name_of(rhs) or '?'}"
            return f"local = {rhs.type if rhs is not None else '?'}"
        if name in scope.params:
            m = scope.method
            if m is None:
                return "param (no method)"
            where = "top-level def" if m.cls is None else f"{'self.' if m.singleton else ''}{m.visibility} def"
            entry = m.name if m.name in ("initialize", "perform", "call") else "x"
            return f"param of {where} {entry}"
        if erb and scope.cls is None:
            return "partial local" if partial_key(fs.pf.rel) else "template local/helper"
        return "bare method"
    if kind == "instance_variable":
        if erb:
            return "ivar in partial" if partial_key(fs.pf.rel) else "ivar in template"
        cls = scope.cls.fq if scope.cls is not None else ""
        return "ivar in controller" if cls.endswith("Controller") else "ivar in class" if cls else "ivar at top level"
    if kind == "call":
        return f"call .{fs.name_of(recv) or '?'}"
    return kind


def untyped_in(app: Path) -> list[dict]:
    from static_checks.engine import check_path
    import static_checks.rules as rules
    from static_checks.types import analyze

    found: list[dict] = []
    original = rules.run_rules

    def run(ctx, incomplete=None, **kw):
        result = original(ctx, incomplete=incomplete, **kw)
        model = analyze(ctx)
        for fs in model.project.scans:
            for call, scope in fs.calls:
                if fs.name_of(call) not in NAMES:
                    continue
                recv = fs.receiver_of(call)
                if recv is None or model.infer.type_of(recv, scope) is not None:
                    continue
                line = call.start_point[0] + 1
                found.append({"app": app.name, "root": str(ctx.root.path), "file": fs.pf.rel, "line": line,
                              "name": fs.name_of(call), "cause": cause(fs, recv, scope), "test": fs.is_test,
                              "text": fs.pf.line_text(line).strip()[:110]})
        return result

    rules.run_rules = run
    try:
        check_path(app, jobs=1)
    finally:
        rules.run_rules = original
    return found


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("apps", nargs="*", type=Path)
    ap.add_argument("--paths", type=Path, help="a file listing app folders, one a line")
    ap.add_argument("--json", type=Path, help="write every untyped call here")
    ap.add_argument("--examples", type=int, default=3)
    ap.add_argument("--tests", action="store_true", help="count calls in test files too (left out by default)")
    args = ap.parse_args(argv)
    apps = list(args.apps)
    if args.paths:
        apps += [Path(line.strip()) for line in args.paths.read_text().splitlines() if line.strip()]
    if not apps:
        ap.error("no app folders given")
    rows: list[dict] = []
    for app in apps:
        try:
            rows += untyped_in(app)
        except Exception as exc:  # one broken app must not stop the count of the others
            print(f"skipped {app}: {exc}", file=sys.stderr)
    if not args.tests:
        rows = [r for r in rows if not r["test"]]
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    counts = Counter(r["cause"] for r in rows)
    by_cause = defaultdict(list)
    for r in rows:
        by_cause[r["cause"]].append(r)
    print(f"{len(rows)} untyped receivers of chat-only names in {len(apps)} apps "
          f"({len({r['app'] for r in rows})} apps with one)")
    for name, n in counts.most_common():
        print(f"{n:5d}  {name}")
    if args.examples:
        for name, n in counts.most_common():
            print(f"\n== {name} ({n})")
            for r in by_cause[name][: args.examples]:
                print(f"   {r['app']}/{r['file']}:{r['line']}  {r['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
