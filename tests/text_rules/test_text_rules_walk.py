"""text_rules.repo_files tells a committed GEM_HOME from the walk's own listing of it, and yields exactly the
files the walk that asked the reader about `specifications/` and `gems/` of every folder yielded."""

from __future__ import annotations

import os

from grader.core.repo import SKIP_DIRS, is_installed_gems
from static_checks.sources import PassReader
from static_checks.text_rules import repo_files


def _asked_walk(reader) -> list[str]:
    """The walk as it was: each folder's gem layout asked of the reader from its parent."""
    found = []
    for _here, dirs, files in reader.walk():
        dirs[:] = [d for d in dirs
                   if d.name not in SKIP_DIRS and not d.is_link and not is_installed_gems(reader, d.rel)]
        found.extend(f.rel for f in files if f.is_file)
    return found


def _tree(root) -> None:
    files = [
        "Gemfile", "app/models/a.rb", "README.md",
        ".gems/ruby/3.3.0/specifications/x.gemspec", ".gems/ruby/3.3.0/gems/x-1/lib/x.rb", ".gems/ruby/3.3.0/b.txt",
        "lib/gems/y-1/y.rb",  # gems/ without specifications/: the app's own folder
        "deep/a/b/specifications/s.gemspec", "deep/a/b/gems/z/z.rb", "deep/a/keep.md",
        "half/specifications/only.gemspec", "half/x.md",
        "linked/gems/g.rb", "linked/target/t.gemspec", "node_modules/m.js", "vendor/v.rb", "log/l.md",
        "specifications/top.gemspec", "gems/top.rb",  # at the root: the repo itself is never left out
    ]
    for rel in files:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n")
    os.symlink("target", root / "linked" / "specifications")  # a link is not a GEM_HOME's folder
    os.symlink("app", root / "app_link")
    os.symlink("README.md", root / "README_link.md")


def test_the_walk_leaves_out_exactly_what_asking_the_reader_left_out(tmp_path):
    _tree(tmp_path)
    now = [e.rel for e in repo_files(PassReader(tmp_path))]
    assert now == _asked_walk(PassReader(tmp_path))
    assert ".gems/ruby/3.3.0/b.txt" not in now and "deep/a/b/gems/z/z.rb" not in now
    assert {"lib/gems/y-1/y.rb", "deep/a/keep.md", "half/x.md", "linked/gems/g.rb", "gems/top.rb"} <= set(now)
