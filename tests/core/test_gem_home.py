"""One definition of a committed GEM_HOME (grader.core.repo.is_gem_home over a folder's listing), asked the
same way by discovery (before entering a folder), the text rules' walk (of the listing it yields) and
is_installed_gems (the reader's listing of a folder)."""

from __future__ import annotations

import os

from grader.core.repo import Entry, RepoReader, is_gem_home, is_installed_gems
from static_checks.sources import PassReader, discover
from static_checks.text_rules import repo_files


def _dir(name: str, link: bool = False) -> Entry:
    return Entry(name, name, True, link, False)


def _file(name: str) -> Entry:
    return Entry(name, name, False, False, True)


def test_gem_home_needs_both_folders_as_real_folders():
    assert is_gem_home([_dir("gems"), _dir("specifications"), _dir("extensions"), _file("README")])
    assert not is_gem_home([_dir("gems")])
    assert not is_gem_home([_dir("specifications")])
    assert not is_gem_home([_dir("gems"), _file("specifications")])  # a file of that name is no folder
    assert not is_gem_home([_dir("gems"), _dir("specifications", link=True)])  # nor a link to one
    assert not is_gem_home([])


def _tree(root) -> None:
    for rel in ("Gemfile", "app/a.rb", ".gems/ruby/3.3.0/specifications/x.gemspec", ".gems/ruby/3.3.0/gems/x/x.rb",
                "bundle/specifications/y.gemspec", "bundle/gems/y/y.rb", "lib/gems/own.rb",
                "half/specifications/h.gemspec", "linked/gems/g.rb", "linked/target/t.gemspec", "filed/gems/f.rb"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x = 1\n")
    (root / "filed" / "specifications").write_text("not a folder\n")
    os.symlink("target", root / "linked" / "specifications")


def test_discovery_the_text_walk_and_the_reader_agree(tmp_path):
    _tree(tmp_path)
    reader = RepoReader(tmp_path)
    installed = {rel for rel in (".gems/ruby/3.3.0", "bundle", "lib", "half", "linked", "filed", ".gems/ruby")
                 if is_installed_gems(reader, rel)}
    assert installed == {".gems/ruby/3.3.0", "bundle"}
    assert not is_installed_gems(reader, "linked/specifications") and not is_installed_gems(reader, "no/such")
    found = discover(tmp_path)
    assert {s.file for s in found.skipped if s.reason == "installed gems (GEM_HOME layout)"} == installed
    rubies = {f.rel for f in found.files}
    assert rubies == {"Gemfile", "app/a.rb", "lib/gems/own.rb", "half/specifications/h.gemspec", "linked/gems/g.rb",
                      "linked/target/t.gemspec", "filed/gems/f.rb"}
    walked = [e.rel for e in repo_files(PassReader(tmp_path))]
    assert [e.rel for e in found.text_files] == walked


def test_discovery_lists_each_folder_once(tmp_path, monkeypatch):
    _tree(tmp_path)
    scanned: list[str] = []
    real = RepoReader._scan
    monkeypatch.setattr(RepoReader, "_scan", lambda self, rel: scanned.append(rel) or real(self, rel))
    discover(tmp_path)
    assert len(scanned) == len(set(scanned))  # looked into before it is entered, and not listed again
    assert {".", "app", ".gems/ruby/3.3.0", "bundle", "lib/gems"} <= set(scanned)
    assert not any(rel.startswith((".gems/ruby/3.3.0/", "bundle/")) for rel in scanned)  # never entered
