"""The judge stage's own overhead: wall time and prompt tokens per repo, against a loopback
OpenAI-compatible server that answers at once (latency 0), so what is measured is the grader
(context building, redaction, litellm + instructor, verification, aggregation), not a provider.

    python bench/judge_overhead.py [--apps good_app class_var_store] [--samples 3] [--budget 24000]

Goal: under 0.5 s per criterion beyond the server's time; every prompt under the token budget.
Prints one line per (app, rubric): criteria, calls, wall seconds, seconds per criterion, the
server's own seconds, the largest prompt (our estimate and the tokens litellm counts), files cut;
then the same grade again from the cache (no calls).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "judge"))  # the loopback server of the judge tests

from fake_llm import FakeLLM, Reply, good_answer  # noqa: E402

from grader.core.stage import StageContext  # noqa: E402
from grader.judge import JudgeOptions  # noqa: E402
from grader.judge.client import load_litellm  # noqa: E402
from grader.judge.stage import JudgeStage  # noqa: E402
from grader.rubric import load_rubric  # noqa: E402
from grader.scoring import FactSet  # noqa: E402
from static_checks.engine import check_path  # noqa: E402

DEFAULT_APPS = ["good_app", "class_var_store", "rubyllm_client", "committed_env"]


def _fixture_apps():
    spec = importlib.util.spec_from_file_location("fixture_apps", ROOT / "tests/fixtures/apps/fixture_apps.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _server() -> tuple[FakeLLM, list[float]]:
    spent: list[float] = []
    fake = FakeLLM().start()

    def script(req, n):
        t = time.perf_counter()
        reply = Reply(answer=good_answer(req, 1))
        spent.append(time.perf_counter() - t)
        return reply

    fake.script = script
    return fake, spent


def _count_tokens(messages: list[dict]) -> int:
    litellm, _ = load_litellm()
    return litellm.token_counter(model="gpt-4o-mini", messages=messages)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--apps", nargs="*", default=DEFAULT_APPS)
    ap.add_argument("--rubrics", nargs="*", default=["rails-rubyllm-v1", "rails-rubyllm-v2"])
    ap.add_argument("--samples", type=int, default=3)
    ap.add_argument("--budget", type=int, default=24_000)
    args = ap.parse_args()
    apps = _fixture_apps()
    fake, spent = _server()
    t = time.perf_counter()
    load_litellm()
    print(f"litellm + instructor import (once per process): {time.perf_counter() - t:.2f} s")
    with tempfile.TemporaryDirectory() as tmp:  # litellm loads provider code on its first call: time it apart
        warm = apps.materialize("good_app", Path(tmp))
        opts = JudgeOptions(models=["openai/fake-judge"], api_base=fake.base, samples=1, cache_path=None,
                            criteria=["error_ui_quality"], holistic=False)
        t = time.perf_counter()
        JudgeStage(opts).run(StageContext(repo=warm, rubric=load_rubric("rails-rubyllm-v1"), facts=FactSet([])))
        print(f"first provider call of the process (litellm warm-up): {time.perf_counter() - t:.2f} s")
    print(f"{'app':<18} {'rubric':<17} {'crit':>4} {'calls':>5} {'wall s':>7} {'s/crit':>7} {'server s':>8} "
          f"{'max prompt est':>14} {'max prompt tok':>14} {'cut':>4} {'cached s':>8}")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.apps:
            repo = apps.materialize(name, Path(tmp) / "apps")
            facts = FactSet(check_path(repo, with_facts=True).facts, missing_stages={"runtime", "selfreview"})
            for rubric_name in args.rubrics:
                rubric = load_rubric(rubric_name)
                opts = JudgeOptions(models=["openai/fake-judge"], api_base=fake.base, samples=args.samples,
                                    cache_path=Path(tmp) / f"{name}-{rubric_name}.sqlite3", token_budget=args.budget)
                stage = JudgeStage(opts)
                ctx = StageContext(repo=repo, rubric=rubric, facts=facts)
                spent.clear()
                calls0 = fake.calls
                t = time.perf_counter()
                out = stage.run(ctx)
                wall = time.perf_counter() - t
                calls = fake.calls - calls0
                server = sum(spent)
                report = out.summary
                n = len(report.verdicts)
                per = (wall - server) / max(n, 1)
                worst = max(worst, per)
                est = max((c.tokens_estimate for c in report.context), default=0)
                counted = max((_count_tokens(p.messages) for p in stage_prompts(stage, ctx)), default=0)
                cut = max((len(c.cut) for c in report.context), default=0)
                t = time.perf_counter()
                again = stage.run(ctx)
                cached = time.perf_counter() - t
                assert fake.calls == calls0 + calls and again.summary.calls == 0, "the cached run asked the server"
                print(f"{name:<18} {rubric_name:<17} {n:>4} {calls:>5} {wall:>7.2f} {per:>7.3f} {server:>8.3f} "
                      f"{est:>14} {counted:>14} {cut:>4} {cached:>8.2f}")
    fake.stop()
    verdict = "met" if worst < 0.5 else "NOT met"
    print(f"worst overhead per criterion ({args.samples} samples each): {worst:.3f} s -> goal < 0.5 s {verdict}; "
          f"prompt budget {args.budget} tokens per criterion")


def stage_prompts(stage: JudgeStage, ctx: StageContext):
    """The prompts the stage sends, rebuilt (cheap) so litellm's own counter can size them."""
    from grader.judge.criteria import criterion_specs
    from grader.judge.prompt import prompt_version
    from grader.judge.repo_view import RepoView
    from grader.judge.sanitize import Sanitized

    view = RepoView(ctx.repo)
    opts = stage.options
    for spec in criterion_specs(ctx.rubric, ctx.facts, opts.criteria, opts.holistic):
        yield stage._prepare(spec, view, opts, prompt_version(), Sanitized())


if __name__ == "__main__":
    main()
