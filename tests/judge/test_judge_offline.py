"""The judge's libraries load only when a model is asked, and nothing reaches beyond loopback:
no cost-map download, no tokenizer fetch, no telemetry."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _run(code: str, tmp_path: Path) -> dict:
    script = tmp_path / "probe.py"
    script.write_text(textwrap.dedent(code))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(HERE)}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=240, env=env,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_check_and_no_judge_grade_do_not_import_litellm(tmp_path):
    got = _run(f"""
        import json, sys
        from pathlib import Path
        from typer.testing import CliRunner
        from judge_repos import make_repo
        from grader.cli import app
        repo = make_repo(Path("{tmp_path}") / "repo")
        check = CliRunner().invoke(app, ["check", str(repo)])
        after_check = sorted(m for m in ("litellm", "instructor") if m in sys.modules)
        from grader.pipeline import GradeOptions, grade_path
        report = grade_path(repo, "rails-rubyllm-v1", GradeOptions(runtime=False, judge=False))
        import grader.judge, grader.judge.stage  # the stage module itself stays light
        print(json.dumps({{"check_exit": check.exit_code, "after_check": after_check,
                          "after_grade": sorted(m for m in ("litellm", "instructor") if m in sys.modules)}}))
    """, tmp_path)
    assert got["check_exit"] in (0, 1)
    assert got["after_check"] == [] and got["after_grade"] == []


def test_a_judged_criterion_touches_nothing_but_loopback(tmp_path):
    got = _run(f"""
        import json, socket
        attempts = []
        real_connect = socket.socket.connect
        def connect(self, addr):
            if isinstance(addr, tuple) and addr[0] not in ("127.0.0.1", "::1"):
                attempts.append(repr(addr)); raise OSError("network refused by the test")
            return real_connect(self, addr)
        socket.socket.connect = connect
        real_gai = socket.getaddrinfo
        def gai(host, *a, **k):
            if host not in ("127.0.0.1", "localhost", "::1"):
                attempts.append("dns " + str(host)); raise socket.gaierror("dns refused by the test")
            return real_gai(host, *a, **k)
        socket.getaddrinfo = gai
        from pathlib import Path
        from fake_llm import FakeLLM, Reply, good_answer
        from judge_helpers import options, run_stage
        from judge_repos import make_repo
        tmp = Path("{tmp_path}")
        fake = FakeLLM().start()
        fake.script = lambda req, n: Reply(answer=good_answer(req, 2, "chats_controller"))
        out = run_stage(make_repo(tmp / "repo"), options(fake, tmp, models=["openai/gpt-4o-mini"]))
        from grader.judge.client import load_litellm
        litellm, _ = load_litellm()
        msgs = [{{"role": "user", "content": "count these tokens"}}]
        counted = [litellm.token_counter(model=m, messages=msgs) for m in ("gpt-4o-mini", "openai/fake-judge")]
        print(json.dumps({{"attempts": attempts, "status": out.summary.verdicts[0].status,
                          "cost": out.summary.cost_usd, "counted": counted, "telemetry": litellm.telemetry}}))
    """, tmp_path)
    assert got["attempts"] == []
    assert got["status"] == "scored"
    assert got["cost"] > 0  # priced from litellm's local cost map (gpt-4o-mini is in it), not fetched
    assert all(n > 0 for n in got["counted"])  # tiktoken encodings come from litellm's bundled copy
    assert got["telemetry"] is False
