"""The catalog and the collectors agree; every fact has the declared type and real evidence."""

from __future__ import annotations

import pytest

from static_checks.facts import catalog, collectors
from static_checks.facts import registry
from static_checks.facts.context import fact
from facts_helpers import facts_of

TYPES = {"bool": bool, "int": int, "str": str, "list": list}


def test_catalog_entries_are_well_formed():
    entries = catalog()
    assert len(entries) > 100
    for fid, entry in entries.items():
        assert entry["type"] in ("bool", "int", "str", "list", "enum"), fid
        assert entry["meaning"].strip(), fid
        if entry["type"] == "enum":
            assert entry["values"], fid


def test_every_collector_id_is_catalogued_and_every_catalogued_id_is_collected():
    declared = [i for c in collectors() for i in c.ids]
    assert len(declared) == len(set(declared)), "two collectors declare the same id"
    assert set(declared) == set(catalog())


@pytest.mark.parametrize("app", ["good_app", "rubyllm_client", "nested_folder", "class_var_store"])
def test_emitted_facts_match_catalog_types(fixture_facts, app):
    facts = fixture_facts(app)
    assert list(facts) == list(catalog()), "facts come out complete and in catalog order"
    for fid, f in facts.items():
        entry = catalog()[fid]
        if f.value is None:
            assert f.note, f"{fid} is unknown without saying why"
            continue
        if entry["type"] == "enum":
            assert f.value in entry["values"], (fid, f.value)
        else:
            assert isinstance(f.value, TYPES[entry["type"]]), (fid, f.value)
            if entry["type"] == "int":
                assert not isinstance(f.value, bool), fid


@pytest.mark.parametrize("app", ["good_app", "committed_env", "eval_calculator", "fetch_innerhtml", "nested_folder"])
def test_evidence_points_at_real_lines(fixture_repo, fixture_facts, app):
    repo = fixture_repo(app)
    for fid, f in fixture_facts(app).items():
        if f.value is True:
            assert f.evidence, f"{fid} is true with no evidence"
        for e in f.evidence:
            path = repo / e.file
            assert path.is_file(), (fid, e.file)
            assert 1 <= e.line <= max(1, len(path.read_text(errors="replace").splitlines())), (fid, e.file, e.line)


def test_a_crashing_collector_is_isolated(monkeypatch, fixture_repo):
    def broken(ctx):
        raise ValueError("boom")

    cols = collectors()
    target = next(c for c in cols if "readme.status" in c.ids)
    patched = [registry.Collector(c.family, c.ids, broken) if c is target else c for c in cols]
    monkeypatch.setattr(registry, "collectors", lambda: patched)
    facts = facts_of(fixture_repo("good_app"))
    assert facts["readme.status"].value is None
    assert "ValueError: boom" in facts["readme.status"].note
    assert facts["compose.present"].value is True  # the others still ran


def test_undeclared_ids_are_refused(monkeypatch, fixture_repo):
    cols = collectors()
    rogue = registry.Collector("rogue", ("readme.status",), lambda ctx: [fact("not.catalogued", 1, "x")])
    monkeypatch.setattr(registry, "collectors", lambda: [*cols, rogue])
    with pytest.raises(RuntimeError, match="undeclared fact id"):
        facts_of(fixture_repo("good_app"))


def test_collecting_facts_never_reparses_ruby(monkeypatch, fixture_repo):
    """Facts reuse the engine's trees: no Ruby parse happens while the collectors run."""
    from static_checks import parsing
    from static_checks.engine import parse_tree
    from static_checks.facts import collect_facts
    from static_checks.models import AppRoot, VersionSource

    repo = fixture_repo("good_app")
    _sources, parsed, findings, _skipped = parse_tree(repo)
    calls = []
    real = parsing.ruby_parser()
    monkeypatch.setattr(parsing, "ruby_parser", lambda: calls.append(1) or real)
    roots = [AppRoot(path=".", ruby_llm_version="1.9.1", version_source=VersionSource.override)]
    facts = collect_facts(repo, parsed, findings, roots)
    assert len(facts) == len(catalog()) and calls == []
