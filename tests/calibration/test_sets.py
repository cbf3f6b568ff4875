"""`grader calibrate validate`: every error named with its file and line."""

from calib_helpers import write_csv


def test_example_set_is_valid_and_marked_synthetic(cli):
    from calib_helpers import EXAMPLE_SET

    result = cli("validate", EXAMPLE_SET)
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output
    assert "8 items, 64 human scores from 2 rater(s)" in result.output


def _append(path, lines):
    with path.open("a") as fh:
        fh.write("".join(line + "\n" for line in lines))


def test_every_score_error_names_its_line(cli, example_set):
    human = example_set / "human.csv"
    n = len(human.read_text().splitlines())
    _append(human, [
        "run01,styling,3,ann,,",                 # unknown dimension
        "run01,architecture,6,carl,,",            # above max 5
        "run99,architecture,3,ann,,",             # unknown item
        "run01,persistence,3,carl,persistence_design,",  # above the criterion's 2 points
        "run01,errors,1,carl,persistence_design,",  # criterion under the wrong dimension
        "run01,architecture,x,dan,,",             # not a number
    ])
    result = cli("validate", example_set)
    assert result.exit_code == 2
    err = result.stderr
    # parse errors are reported first (the file cannot be checked further until they are fixed)
    assert f"human.csv:{n + 6}: score 'x' is not a number" in err
    _lines = human.read_text().splitlines()
    human.write_text("\n".join(_lines[:-1]) + "\n")
    result = cli("validate", example_set)
    err = result.stderr
    assert result.exit_code == 2
    assert f"human.csv:{n + 1}: unknown dimension 'styling'" in err
    assert f"human.csv:{n + 2}: score 6 above the max 5 of dimension 'architecture'" in err
    assert f"human.csv:{n + 3}: unknown item 'run99'" in err
    assert f"human.csv:{n + 4}: score 3 above the max 2 of criterion 'persistence_design'" in err
    assert f"human.csv:{n + 5}: criterion 'persistence_design' belongs to dimension 'persistence'" in err


def test_item_without_repo_and_missing_repo(cli, example_set):
    text = (example_set / "set.yaml").read_text()
    text = text.replace("- {id: run03, repo: repos/run03, notes: bounded cache store, no rescue}",
                        "- {id: run03, notes: no repo given}")
    text = text.replace("repo: repos/run05,", "repo: repos/nowhere,")
    (example_set / "set.yaml").write_text(text)
    lines = text.splitlines()
    run03 = next(i for i, line in enumerate(lines, 1) if "id: run03" in line)
    run05 = next(i for i, line in enumerate(lines, 1) if "id: run05" in line)
    result = cli("validate", example_set)
    assert result.exit_code == 2
    assert f"set.yaml:{run03}: item 'run03' has no repo" in result.stderr
    assert f"set.yaml:{run05}: item 'run05': repo 'repos/nowhere' not found" in result.stderr


def test_duplicate_rating_and_missing_columns(cli, tmp_path, example_set):
    _append(example_set / "human.csv", ["run01,architecture,3,ann,,"])
    result = cli("validate", example_set)
    assert result.exit_code == 2
    assert "run01/architecture scored twice by rater 'ann' (first on line 2)" in result.stderr
    write_csv(example_set / "human.csv", ["item", "dim", "score"], [["run01", "architecture", 3]])
    result = cli("validate", example_set)
    assert result.exit_code == 2
    assert "human.csv:1: missing column(s) dimension" in result.stderr


def test_no_set_yaml(cli, tmp_path):
    result = cli("validate", tmp_path)
    assert result.exit_code == 2
    assert "no set.yaml here" in result.stderr
    assert "Traceback" not in result.output


def test_service_export_formula_guard_is_undone(tmp_path):
    from calib_helpers import write_csv

    from calibration.scores import read_human_csv

    path = write_csv(tmp_path / "h.csv", ["item", "dimension", "score", "rater", "criterion"],
                     [["'=cmd", "errors", 1, "'@bob", "error_ui_quality"], ["'plain", "errors", 2, "ann", ""]])
    rows = read_human_csv(path)
    assert [(r.item, r.rater) for r in rows] == [("=cmd", "@bob"), ("'plain", "ann")]
