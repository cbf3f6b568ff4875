"""Leaderboard order, ties within the rubric's stated noise, failures kept at the bottom."""

from __future__ import annotations

from grader.report.leaderboard import Leaderboard, LeaderRow, to_csv, to_markdown


def _row(name, total, pending=0.0, error=None):
    return LeaderRow(name=name, source=name, total=None if error else total, max_total=100,
                     pending_points=None if error else pending, tier=None if error else "B", error=error,
                     report_dir=name)


def test_sort_ranks_ties_and_keeps_failures():
    board = Leaderboard(rubric="r", rubric_title="R", max_total=100, tie_gap=1, rows=[
        _row("c", 70), _row("broken", 0, error="IngestError: bad archive"), _row("a", 80, 5), _row("b", 79.5),
        _row("d", 80, 2),
    ])
    board.sort()
    assert [(r.name, r.rank) for r in board.rows] == [("d", 1), ("a", 1), ("b", 1), ("c", 4), ("broken", None)]
    csv_text = to_csv(board)
    assert csv_text.splitlines()[-1].startswith(",broken,,100.0,,,False,,IngestError: bad archive")
    assert "**not graded**: IngestError: bad archive" in to_markdown(board)


def test_tier_says_up_to_only_when_pending_points_can_lift_it():
    from grader.report.leaderboard import to_html

    rows = [_row("a", 70, 11), _row("b", 85, 11)]
    rows[0].tier, rows[0].tier_provisional, rows[0].tier_best_case = "B", True, "A"
    rows[1].tier, rows[1].tier_provisional, rows[1].tier_best_case = "A", True, "A"
    board = Leaderboard(rubric="r", rubric_title="R", max_total=100, tie_gap=1, rows=rows)
    board.sort()
    md = to_markdown(board)
    assert "| 85/100 | 11 | A |" in md and "| 70/100 | 11 | B (provisional, up to A) |" in md
    html = to_html(board)
    assert html.count("up to A") == 1


def test_ties_do_not_chain_beyond_the_gap():
    board = Leaderboard(rubric="r", rubric_title="R", max_total=100, tie_gap=1, rows=[
        _row("a", 80), _row("b", 79), _row("c", 78), _row("d", 77), _row("e", 70)])
    board.sort()
    # 78 is 2 points below 80: not a tie with it, though 1 below 79.
    assert [(r.name, r.rank) for r in board.rows] == [("a", 1), ("b", 1), ("c", 3), ("d", 3), ("e", 5)]
    board = Leaderboard(rubric="r", rubric_title="R", max_total=100, tie_gap=0,
                        rows=[_row("a", 80), _row("b", 80), _row("c", 79.5)])
    board.sort()
    assert [r.rank for r in board.rows] == [1, 1, 3]  # no stated noise: only equal scores tie
