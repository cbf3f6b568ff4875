"""The judge engineer's loopback OpenAI-compatible server (tests/judge/fake_llm.py), loaded by path
under its own module name so the calibration tests run alone or within the whole suite."""

import importlib.util
import os
import sys
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

JUDGE_TESTS = Path(__file__).resolve().parents[1] / "judge"


def _load(name: str):
    key = f"calib_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, JUDGE_TESTS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


fake_llm = _load("fake_llm")
judge_repos = _load("judge_repos")
FakeLLM, Reply = fake_llm.FakeLLM, fake_llm.Reply
good_answer, criterion_of = fake_llm.good_answer, fake_llm.criterion_of
make_repo = judge_repos.make_repo
