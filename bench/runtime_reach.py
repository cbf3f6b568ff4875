"""How far the runtime stage gets on real apps: `grader grade` (the README's main job, runtime on) on
each app folder, then one row per app from its report.json: the base image, each step's status, and
where and why it stopped.

    python bench/runtime_reach.py APP_DIR... [--base-image IMAGE] [--out DIR]

Without --base-image the grader chooses per app (grader/runtime/base_choice.py). Runs one app at a
time (each grade is one process, as a user runs it); prints a Markdown table, then the wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STEPS = (("bundle", "test_image"), ("boot", "boot"), ("tests", "tests"))
GATES = ("rubocop", "brakeman", "bundle_audit")
_RAILS = re.compile(r"^    railties \(([^)]+)\)", re.MULTILINE)


def _rails(app: Path) -> str:
    lock = app / "Gemfile.lock"
    found = _RAILS.search(lock.read_text(errors="replace")) if lock.is_file() else None
    return found.group(1) if found else "?"


def _short(status: str | None) -> str:
    return {"not_applicable": "n/a", None: "-"}.get(status, str(status))


def _row(app: Path, report: dict) -> str:
    rt = report.get("runtime") or {}
    image = rt.get("test_image") or {}
    cells = [app.name, _rails(app), str(image.get("base_image") or "-")]
    stop = ""
    for label, key in STEPS:
        step = rt.get(key) or {}
        cells.append(_short(step.get("status")))
        if not stop and step.get("status") not in ("ok", None):
            stop = f"{label}: {step.get('reason') or step.get('status')}"
    gates = rt.get("gates") or {}
    cells.append(", ".join(f"{g} {_short((gates.get(g) or {}).get('status'))}" for g in GATES))
    stop = stop.split(" (builds have no network")[0]  # the flags that help are the same for every app
    cells.append(stop.replace("|", "\\|")[:300] or "-")
    return "| " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("apps", nargs="+", type=Path)
    parser.add_argument("--base-image", default=None)
    parser.add_argument("--rubric", default="rails-rubyllm-v2")
    parser.add_argument("--out", type=Path, default=None, help="where the reports go (default: a temp folder)")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="runtime-reach-"))
    grader = Path(sys.executable).with_name("grader")
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    print("| app | rails | base image | bundle | boot | tests | gates | stopped at |")
    print("|---|---|---|---|---|---|---|---|")
    started = time.monotonic()
    for app in args.apps:
        dest = out / app.name
        command = [str(grader), "grade", str(app), "--rubric", args.rubric, "--out", str(dest)]
        command += ["--base-image", args.base_image] if args.base_image else []
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        report = dest / "report.json"
        if not report.is_file():
            print(f"| {app.name} | - | - | - | - | - | - | grade exit {done.returncode}: "
                  f"{(done.stderr.strip().splitlines() or ['?'])[-1][:200]} |")
            continue
        print(_row(app, json.loads(report.read_text())), flush=True)
    print(f"\n{len(args.apps)} apps in {time.monotonic() - started:.0f} s wall; reports in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
