"""Differential harness for the API rules: what they decide, per app root, dumped so two versions compare.

    python bench/rules_sameness.py dump OUT.json [TREE ...]   # default trees: see DEFAULT_TREES
    python bench/rules_sameness.py compare A.json B.json

A dump holds, for every app root of every tree: the rules' findings (as the JSON report has them), the
shared type model the rubric facts read (every call on a RubyLLM object with its receiver type, the calls
the manifest judges, the files scanned and the app classes built on RubyLLM). A change meant to be
behaviour-neutral (a speed-up) must leave two dumps equal: `compare` names each root that differs and
exits 1. It also prints the rules' CPU time, a rough figure (use bench/static_speed.py or callgrind for
speed claims).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
REPO = Path(__file__).resolve().parent.parent
# The labelled corpora, the unseen sets' exports when present, the whole app cache, Ruby's own library.
DEFAULT_TREES = [
    *sorted(glob.glob(f"{REPO}/tests/corpus/*/")),
    *sorted(glob.glob(f"{REPO}/tests/verdicts/*/")),
    "/tmp/set_a", "/tmp/set_b", "/tmp/set_c", "/tmp/setd", "/tmp/setd2", "/tmp/setd3", "/tmp/setE",
    str(Path.home() / ".cache/grader/bench/apps"),
    "/usr/lib/ruby",
]


def _type(t) -> list | None:
    return None if t is None else [t.name, t.singleton, t.app_class, t.open, t.plain, t.collection, t.invented]


def _order(item) -> str:
    return json.dumps(item, sort_keys=True)


def _root_signature(ctx, findings) -> dict:
    from static_checks.typed_calls import rubyllm_calls

    # Lists sorted: the order of the scans (and so of calls and findings) may vary between processes (a set of
    # partials is scanned in hash order); reports sort findings, and no consumer reads the calls' order.
    sig: dict = {"findings": sorted((f.model_dump(mode="json") for f in findings), key=_order)}
    model = ctx.cache.get("types")
    if model is None:
        return sig
    project = model.project
    sig["scanned"] = sorted(fs.pf.rel for fs in project.scans)
    sig["classes"] = {fq: [_type(app.base), app.acts_as, app.parent.fq if app.parent else None]
                      for fq, app in sorted(project.classes.items())}
    sig["typed"] = sorted(([tc.pf.rel, tc.call.start_byte, tc.call.end_byte, tc.name, _type(tc.rtype)]
                           for tc in rubyllm_calls(project, model.infer)), key=_order)
    an = ctx.cache.get("analysis")
    if an is not None:
        sig["checked"] = sorted(([tc.pf.rel, tc.node.start_byte, tc.name, _type(tc.rtype), tc.explicit, tc.in_block]
                                 for tc in an.typed_calls), key=_order)
    return sig


def _named(base: Path) -> str:
    """A tree's name in the dump: relative to the checkout for its own corpora, so two checkouts compare."""
    return str(base.relative_to(REPO)) if base.is_relative_to(REPO) else str(base)


def root_contexts(base: Path):
    """(root name, ProjectContext) of every app root under `base`, parsed in this process: what `grader check`
    hands the API rules, without the rest of the command (bench/rules_cpu.py times the same roots)."""
    from static_checks import engine
    from static_checks.context import ProjectContext
    from static_checks.manifest.index import ManifestIndex
    from static_checks.manifest.versions import resolve_schema_version, resolve_version
    from static_checks.models import AppRoot
    from static_checks.roots import owner_root, root_names

    sources, parsed, _findings, _skipped = engine.parse_tree(base, jobs=1)
    names = root_names(sources.app_roots, [pf.rel for pf in parsed])
    known = set(sources.app_roots)
    by_root: dict[str, list] = {name: [] for name in names}
    for pf in parsed:
        by_root[owner_root(pf.rel, known)].append(pf)
    for name in names:
        root_dir = base if name == "." else base / name
        version, source, detail = resolve_version(root_dir)
        root = AppRoot(path=name, ruby_llm_version=version, version_source=source, version_detail=detail)
        index = ManifestIndex.load(version, schema_version=resolve_schema_version(root_dir))
        yield name, ProjectContext(root=root, files=by_root[name], index=index, root_dir=root_dir)


def dump(out: Path, trees: list[str]) -> None:
    from static_checks.rules import run_rules

    result: dict[str, dict] = {}
    rules_cpu = 0.0
    for tree in trees:
        base = Path(tree).resolve()
        if not base.is_dir():
            print(f"(absent, skipped: {tree})", file=sys.stderr)
            continue
        for name, ctx in root_contexts(base):
            started = time.process_time()
            found = run_rules(ctx)
            rules_cpu += time.process_time() - started
            result[f"{_named(base)}::{name}"] = _root_signature(ctx, found)
    out.write_text(json.dumps(result, indent=0, sort_keys=True))
    print(f"{len(result)} roots, {sum(len(v['findings']) for v in result.values())} findings, "
          f"{sum(len(v.get('typed', ())) for v in result.values())} typed calls, "
          f"{sum(len(v.get('checked', ())) for v in result.values())} checked calls; rules CPU {rules_cpu:.2f} s")


def compare(a: Path, b: Path) -> int:
    left, right = json.loads(a.read_text()), json.loads(b.read_text())
    differing = 0
    for key in sorted(set(left) | set(right)):
        x, y = left.get(key), right.get(key)
        if x == y:
            continue
        differing += 1
        if x is None or y is None:
            print(f"{key}: only in {'B' if x is None else 'A'}")
            continue
        parts = [p for p in sorted(set(x) | set(y)) if x.get(p) != y.get(p)]
        print(f"{key}: differs in {', '.join(parts)}")
    print(f"{len(set(left) | set(right))} roots compared, {differing} differ")
    return 1 if differing else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("trees", nargs="*")
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = ap.parse_args()
    if args.cmd == "dump":
        dump(args.out, args.trees or DEFAULT_TREES)
        return 0
    return compare(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
