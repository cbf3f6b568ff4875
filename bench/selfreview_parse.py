"""Read every SELF_REVIEW.md under DIR (one folder per run) and print what the tolerant parser
made of it: rows read, rows left unreadable, verdicts, invented goal numbering, parse time.

The public benchmark keeps its agents' reviews under results-v2/<run>/SELF_REVIEW.md; copy them
out (e.g. `git show HEAD:results-v2/<run>/SELF_REVIEW.md > DIR/<run>/SELF_REVIEW.md`) and run

    python bench/selfreview_parse.py DIR
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grader.rubric import load_rubric  # noqa: E402
from grader.scoring import FactSet  # noqa: E402
from grader.selfreview import assess, read_self_review  # noqa: E402


def main(folder: Path) -> None:
    goals = load_rubric("rails-rubyllm-v2").goals
    runs = sorted(p for p in folder.iterdir() if p.is_dir())
    rows = malformed = invented = empty = 0
    started = time.perf_counter()
    for run in runs:
        review = read_self_review(run)
        fid = assess(review, goals, FactSet([]), run)
        rows += len(review.rows)
        malformed += len(review.malformed)
        invented += fid.invented_numbering
        empty += not review.rows
        verdicts = "".join((r.verdict or "?")[0] for r in review.rows)
        flag = ("  invented numbering: " + "; ".join(fid.invented_reasons))[:160] if fid.invented_numbering else ""
        print(f"{run.name:42} rows {len(review.rows):2}  unreadable {len(review.malformed):2}  {verdicts}{flag}")
    ms = (time.perf_counter() - started) * 1000
    print(f"\n{len(runs)} reviews: {rows} goal rows read, {malformed} unreadable, {empty} with no readable row, "
          f"{invented} with invented goal numbering; {ms:.0f} ms in all")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
