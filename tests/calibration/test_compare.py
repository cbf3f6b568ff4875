"""`grader calibrate compare`: the JSON contract, notes instead of NaN, bad input."""

import json

import numpy as np
import pytest
from calib_helpers import EXAMPLE_SET, write_csv

FIGS = ["n", "qwk", "alpha_interval", "alpha_ordinal", "spearman", "kendall", "pearson", "mae", "bias",
        "within_1", "pairwise_accuracy", "ci"]
HUMAN_HEADER = ["item", "dimension", "score", "rater", "criterion"]
JUDGE_HEADER = ["item", "dimension", "score", "model", "sample", "criterion"]


def _judge_from_human(path, shift=0.0, noise=0, seed=0):
    """Judge rows that follow the example set's human scores (consensus + shift + noise)."""
    import csv

    rng = np.random.default_rng(seed)
    seen = {}
    for r in csv.DictReader((EXAMPLE_SET / "human.csv").open()):
        seen.setdefault((r["item"], r["dimension"], r["criterion"]), float(r["score"]))
    rows = []
    for (item, dim, crit), score in seen.items():
        top = 2 if crit else 5
        for k in range(3):
            val = float(np.clip(score + shift + rng.integers(-noise, noise + 1), 0, top))
            rows.append([item, dim, val, "m1", k, crit])
    return write_csv(path, JUDGE_HEADER, rows)


def test_json_contract_on_example(cli, tmp_path):
    judge = _judge_from_human(tmp_path / "judge.csv", noise=1)
    result = cli("compare", EXAMPLE_SET / "human.csv", judge, "--format", "json", "-B", "300")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["items"] == 8
    assert set(report["dimensions"]) == {"architecture", "production"}
    assert set(report["criteria"]) == {"persistence_design", "error_ui_quality"}
    for block in [*report["dimensions"].values(), report["total"]]:
        for key in FIGS:
            assert key in block
        assert block["n"] == 8
        for fig, ci in block["ci"].items():
            if ci is not None and block[fig] is not None:
                assert ci[0] <= ci[1]
    assert report["total"]["over"] == {"dimensions": ["architecture", "production"]}
    assert report["total"]["max"] == 10
    assert report["settings"]["rubric"] == "rails-rubyllm-v1"  # found through set.yaml beside human.csv
    assert report["ceiling"]["keys_with_two_raters"] == 32
    assert set(report["ceiling"]["alpha_all_raters"]) == {"architecture", "production", "persistence_design",
                                                           "error_ui_quality"}
    assert report["test_retest"]["m1"]["architecture"]["keys"] == 8


def test_figures_respond_to_the_judge(cli, tmp_path):
    """A judge equal to the human consensus agrees perfectly; a lenient one shows its bias."""
    exact = _judge_from_human(tmp_path / "exact.csv")
    lenient = _judge_from_human(tmp_path / "lenient.csv", shift=1)
    a = json.loads(cli("compare", EXAMPLE_SET / "human.csv", exact, "-f", "json", "-B", "50").stdout)
    b = json.loads(cli("compare", EXAMPLE_SET / "human.csv", lenient, "-f", "json", "-B", "50").stdout)
    # human scores of one rater pair were mean-ed: the exact judge took the first rater's score
    assert a["criteria"]["error_ui_quality"]["mae"] < 0.2
    assert b["dimensions"]["architecture"]["bias"] > 0.5
    assert b["dimensions"]["architecture"]["mae"] > a["dimensions"]["architecture"]["mae"]


def test_seeded_bootstrap_is_reproducible(cli, tmp_path):
    judge = _judge_from_human(tmp_path / "judge.csv", noise=1)
    runs = [cli("compare", EXAMPLE_SET / "human.csv", judge, "-f", "json", "-B", "200", "--seed", s).stdout
            for s in (3, 3, 4)]
    assert runs[0] == runs[1]
    ci = [json.loads(r)["dimensions"]["architecture"]["ci"]["qwk"] for r in runs]
    assert ci[0] != ci[2]


def test_constant_scores_say_undefined_not_nan(cli, tmp_path):
    human = write_csv(tmp_path / "h.csv", HUMAN_HEADER, [[f"i{k}", "architecture", 3, "", ""] for k in range(6)])
    judge = write_csv(tmp_path / "j.csv", JUDGE_HEADER, [[f"i{k}", "architecture", 3, "m", 0, ""] for k in range(6)])
    result = cli("compare", human, judge, "-f", "json", "-B", "100", "--rubric", "rails-rubyllm-v1")
    assert result.exit_code == 0, result.output
    assert "NaN" not in result.stdout
    block = json.loads(result.stdout)["dimensions"]["architecture"]
    assert block["qwk"] is None and block["spearman"] is None and block["mae"] == 0
    assert any("qwk undefined" in n and "same score" in n for n in block["notes"])
    text = cli("compare", human, judge, "-B", "100", "--rubric", "rails-rubyllm-v1").stdout
    assert "undefined" in text and "nan" not in text.lower()


def test_fewer_than_five_items_warns_but_prints(cli, tmp_path):
    pairs = list(zip("abc", (1, 3, 5), (2, 3, 4)))
    human = write_csv(tmp_path / "h.csv", HUMAN_HEADER, [[i, "architecture", h, "", ""] for i, h, _ in pairs])
    judge = write_csv(tmp_path / "j.csv", JUDGE_HEADER, [[i, "architecture", j, "m", 0, ""] for i, _, j in pairs])
    result = cli("compare", human, judge, "-B", "100", "--rubric", "rails-rubyllm-v1")
    assert result.exit_code == 0
    assert "fewer than 5" in result.stdout
    assert "quadratic-weighted kappa" in result.stdout


@pytest.mark.parametrize("case,needle", [
    ("ids", "no item id appears in both files"),
    ("dimension", "dimension(s) styling not in rubric rails-rubyllm-v1"),
    ("missing", "file not found"),
])
def test_unusable_input_exits_2(cli, tmp_path, case, needle):
    human = write_csv(tmp_path / "h.csv", HUMAN_HEADER, [["a", "architecture", 1, "", ""]])
    rows = {"ids": [["zz", "architecture", 2, "m", 0, ""]], "dimension": [["a", "styling", 2, "m", 0, ""]],
            "missing": []}[case]
    judge = write_csv(tmp_path / "j.csv", JUDGE_HEADER, rows) if case != "missing" else tmp_path / "none.csv"
    result = cli("compare", human, judge, "--rubric", "rails-rubyllm-v1")
    assert result.exit_code == 2
    assert needle in result.stderr
    assert "Traceback" not in result.output


def test_partly_mismatched_ids_are_named(cli, tmp_path):
    judge = _judge_from_human(tmp_path / "judge.csv")
    lines = [line for line in judge.read_text().splitlines() if not line.startswith("run08")]
    lines.append("run99,architecture,3,m1,0,")
    judge.write_text("\n".join(lines) + "\n")
    report = json.loads(cli("compare", EXAMPLE_SET / "human.csv", judge, "-f", "json", "-B", "20").stdout)
    assert report["items"] == 7
    assert report["unpaired"]["human_only_items"] == ["run08"]
    assert report["unpaired"]["judge_only_items"] == ["run99"]
    assert any("run08" in n for n in report["notes"])


def test_panel_models_and_test_retest(cli, tmp_path):
    """Two judge models: each gets its own blocks, the pair its agreement, samples their spread."""
    rows = []
    for k in range(8):
        human = k % 6
        rows += [[f"i{k}", "architecture", min(5, human), "m-steady", s, ""] for s in range(3)]
        rows += [[f"i{k}", "architecture", min(5, human + s), "m-jumpy", s, ""] for s in range(3)]
    judge = write_csv(tmp_path / "j.csv", JUDGE_HEADER, rows)
    human = write_csv(tmp_path / "h.csv", HUMAN_HEADER, [[f"i{k}", "architecture", k % 6, "", ""] for k in range(8)])
    report = json.loads(cli("compare", human, judge, "-f", "json", "-B", "50", "--rubric", "rails-rubyllm-v1").stdout)
    assert report["judge_models"] == ["m-jumpy", "m-steady"]
    assert report["models"]["m-steady"]["dimensions"]["architecture"]["mae"] == 0
    assert report["models"]["m-jumpy"]["dimensions"]["architecture"]["bias"] > 0
    pair = report["panel"]["m-jumpy vs m-steady"]["dimensions"]["architecture"]
    assert pair["n"] == 8 and pair["mae"] > 0
    steady = report["test_retest"]["m-steady"]["architecture"]
    jumpy = report["test_retest"]["m-jumpy"]["architecture"]
    assert steady["mean_range"] == 0 and steady["identical_share"] == 1 and steady["alpha_interval"] == 1
    assert jumpy["max_range"] == 2 and jumpy["identical_share"] < 1
    assert report["ceiling"] is None


def test_service_export_criteria_only_against_a_judge_with_holistic_scores(cli, tmp_path):
    """The service exports criterion rows only: they pair with criterion verdicts, the total sums
    criteria, and the judge's holistic dimensions are named as having no human counterpart."""
    human = write_csv(tmp_path / "h.csv", HUMAN_HEADER,
                      [[f"i{k}", "errors", k % 3, "ann", "error_ui_quality"] for k in range(6)])
    rows = [[f"i{k}", "errors", min(2, k % 3 + (k == 4)), "m", 0, "error_ui_quality"] for k in range(6)]
    rows += [[f"i{k}", "architecture", 3, "m", 0, ""] for k in range(6)]
    judge = write_csv(tmp_path / "j.csv", JUDGE_HEADER, rows)
    result = cli("compare", human, judge, "-f", "json", "-B", "50", "--rubric", "rails-rubyllm-v1")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert list(report["criteria"]) == ["error_ui_quality"] and report["dimensions"] == {}
    assert report["total"]["over"] == {"criteria": ["error_ui_quality"]}
    assert report["unpaired"]["judge_only_scored"] == ["architecture"]
    assert any("scored by the judge but never by humans: architecture" in n for n in report["notes"])
