from static_checks.engine import _owner_root


def test_a_file_belongs_to_the_deepest_root_holding_it():
    roots = {"web", "web/admin", "services/bot", "."}
    assert _owner_root("web/app/models/chat.rb", roots) == "web"
    assert _owner_root("web/admin/app/x.rb", roots) == "web/admin"
    assert _owner_root("web/administrator/x.rb", roots) == "web"  # a name that only starts like a root
    assert _owner_root("services/bot/bot.rb", roots) == "services/bot"
    assert _owner_root("services/other/x.rb", roots) == "."
    assert _owner_root("Gemfile", roots) == "."
    assert _owner_root("scripts/run.rb", set()) == "."


def test_the_collector_runs_less_often_during_a_check_and_as_before_after(tmp_path, monkeypatch):
    import gc

    from static_checks import engine

    (tmp_path / "a.rb").write_text("RubyLLM.chat.ask('hi')\n")
    monkeypatch.setattr(engine, "_only_thread", lambda: True)  # threads other tests left keep it off
    seen = []
    real = engine.parse_tree
    monkeypatch.setattr(engine, "parse_tree", lambda *a, **kw: seen.append(gc.get_threshold()) or real(*a, **kw))
    before = gc.get_threshold()
    engine.check_path(tmp_path)
    assert gc.get_threshold() == before
    assert seen and seen[0][0] >= 50_000
    monkeypatch.setattr(engine, "_only_thread", lambda: False)  # a server's threads: the setting is not touched
    seen.clear()
    engine.check_path(tmp_path)
    assert seen == [before]
