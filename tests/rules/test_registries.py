"""Rules and fact families are found by discovery; fact catalogues through the stage registry."""

from __future__ import annotations

from grader.rubric import catalogs
from static_checks.facts import catalog, collectors


def test_fact_families_are_the_modules_that_register_collectors():
    families = {c.family for c in collectors()}
    assert {"layout", "gemfile", "tests", "v2_goals"} <= families
    assert "registry" not in families and "context" not in families
    for c in collectors():
        assert c.fn.__module__ == f"static_checks.facts.{c.family}"


def test_catalogues_come_from_the_registry_of_stages():
    loaders = catalogs.catalog_loaders()
    assert set(loaders) >= {"static", "runtime", "self_review"}
    ids, unread = catalogs.known_fact_ids()
    assert unread == []
    assert set(catalog()) <= ids
    assert any(i.startswith("runtime.") for i in ids) and any(i.startswith("selfreview.") for i in ids)


def test_a_stage_whose_catalogue_cannot_be_read_is_named(monkeypatch):
    monkeypatch.setattr(catalogs, "_CATALOGS", dict(catalogs._CATALOGS))

    def broken():
        raise OSError("gone")

    catalogs.register_catalog("judge", broken)
    ids, unread = catalogs.known_fact_ids()
    assert unread == ["judge (OSError: gone)"] and set(catalog()) <= ids
