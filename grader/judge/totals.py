"""What the judge cost over a grade-many run: the sum of the `judge` sections of its reports."""

from __future__ import annotations

import json
from pathlib import Path


def run_totals(report_files: list[Path]) -> dict:
    total = {"repos": 0, "calls": 0, "cached_calls": 0, "tokens_in": 0, "tokens_out": 0, "cost_usd": 0.0}
    for path in report_files:
        try:
            judge = json.loads(Path(path).read_text(encoding="utf-8")).get("judge") or {}
        except (OSError, ValueError, AttributeError):
            continue
        if not judge or judge.get("status") == "skipped":
            continue
        total["repos"] += 1
        for key in ("calls", "cached_calls", "tokens_in", "tokens_out"):
            total[key] += int(judge.get(key) or 0)
        total["cost_usd"] += float(judge.get("cost_usd") or 0.0)
    total["cost_usd"] = round(total["cost_usd"], 6)
    return total


def totals_line(total: dict) -> str:
    return (f"judge over {total['repos']} repos: {total['calls']} calls ({total['cached_calls']} cached), "
            f"{total['tokens_in']} tokens in / {total['tokens_out']} out, ${total['cost_usd']:.4f}")
