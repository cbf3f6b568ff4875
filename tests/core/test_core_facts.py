"""The kernel's facts: three-valued truth, and the old import paths still name the same types."""

from grader.core.facts import Evidence, Fact, FactLookup, FactSet, stage_of


def test_unknown_is_never_false():
    facts = FactSet([Fact(id="a", value=False, rule="r"), Fact(id="b", value=None, rule="r", note="no lock")],
                    missing_stages={"runtime"})
    assert not facts.is_unknown("a") and facts.value("a") is False
    assert facts.is_unknown("b") and facts.why_unknown("b") == "no lock"
    assert facts.is_unknown("never.reported") and facts.why_unknown("never.reported") == "not reported by any stage"
    facts_with_runtime = FactSet([Fact(id="runtime.boots", value=True, rule="r")], missing_stages={"runtime"})
    assert facts_with_runtime.is_unknown("runtime.boots")
    assert facts_with_runtime.why_unknown("runtime.boots") == "runtime stage did not run"
    assert facts.magnitude("b") is None


def test_counts_and_magnitudes():
    facts = FactSet([Fact(id="x", value=[1, 2, 3], rule="r"), Fact(id="x", value=True, rule="r"),
                     Fact(id="n", value=7, rule="r")])
    assert facts.count("x") == 4 and facts.magnitude("x") == 3 and facts.magnitude("n") == 7


def test_stage_of_prefixes():
    assert [stage_of(i) for i in ("runtime.boots", "judge.ux", "selfreview.honest", "has_readme")] == [
        "runtime", "judge", "selfreview", "static"]


def test_old_import_paths_name_the_kernel_types():
    from grader.scoring import FactSet as ScoringFactSet
    from static_checks.models import Evidence as OldEvidence
    from static_checks.models import Fact as OldFact

    assert OldFact is Fact and OldEvidence is Evidence and ScoringFactSet is FactSet
    assert isinstance(FactSet([]), FactLookup)
    assert Fact(id="a", value=1, rule="r", evidence=[Evidence(file="f.rb", line=2)]).evidence[0].line == 2


def test_kernel_facts_do_not_import_the_rubric():
    import subprocess
    import sys

    code = "import sys, grader.core.facts; print('grader.rubric' in sys.modules, 'static_checks' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]
