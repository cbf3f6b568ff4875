"""Which folder the runtime stage runs in (pure, no engine)."""

import os

from grader.runtime.app_root import find_app_root


def test_top_folder_app_is_used_as_is(tmp_path):
    (tmp_path / "config.ru").write_text("run ->(_e) { [200, {}, ['ok']] }\n")
    assert find_app_root(tmp_path) == (tmp_path, None)


def test_app_in_a_sub_folder_is_found_and_said(tmp_path):
    (tmp_path / "chat_app" / "config").mkdir(parents=True)
    (tmp_path / "chat_app" / "config" / "application.rb").write_text("module ChatApp; end\n")
    (tmp_path / "docs").mkdir()
    root, note = find_app_root(tmp_path)
    assert root == tmp_path / "chat_app"
    assert note == "app root chat_app/: the repo's top folder holds no app"


def test_no_app_anywhere_and_links_are_not_followed(tmp_path):
    outside = tmp_path / "outside"
    (outside / "config").mkdir(parents=True)
    (outside / "config" / "application.rb").write_text("x\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    os.symlink(outside, repo / "linked")
    assert find_app_root(repo) == (repo, None)
