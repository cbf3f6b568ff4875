"""Paths that try to leave the graded repo are refused by the reader, most on the string alone."""

from __future__ import annotations

import os

import pytest

from grader.core.repo import RepoReader, SkipKind, normalize_rel


@pytest.fixture()
def repo(tmp_path):
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "app" / "a.rb").write_text("puts 1\n")
    secret = tmp_path / "host-secret"
    secret.write_text("root:x:0:0\n")
    return root, secret


@pytest.mark.parametrize("rel", ["../host-secret", "app/../../host-secret", "app/../../../../etc/passwd",
                                 "/etc/passwd", "a\0b", "app/./../../host-secret"])
def test_climbing_and_absolute_paths_are_refused_without_touching_the_host(repo, rel, monkeypatch):
    root, _ = repo
    reader = RepoReader(root)
    touched: list[str] = []
    real_lstat = os.lstat
    monkeypatch.setattr(os, "lstat", lambda p, *a, **k: touched.append(str(p)) or real_lstat(p, *a, **k))
    got = reader.read(rel)
    assert got.data is None and got.skip is not None and got.skip.kind is SkipKind.bad_path
    assert touched == []  # decided on the string: the host file was never stat'ed
    assert not reader.is_file(rel)


def test_normalize_keeps_inner_dots_out():
    assert normalize_rel("./app//models/./x.rb") == "app/models/x.rb"
    assert normalize_rel(".") == "." and normalize_rel("") == "."
    assert normalize_rel("app/..") is None and normalize_rel("/x") is None


def test_a_link_leaving_the_root_is_refused_even_when_links_are_followed(repo):
    root, secret = repo
    (root / "Gemfile.lock").symlink_to(secret)
    (root / "config").symlink_to(secret.parent)  # a folder link: config/host-secret is the host file
    for follow in (False, True):
        reader = RepoReader(root, follow_links=follow)
        for rel in ("Gemfile.lock", "config/host-secret"):
            got = reader.read(rel)
            assert got.data is None and got.skip is not None
            assert got.skip.kind is (SkipKind.outside_root if follow else SkipKind.link)
            assert "root:x" not in got.skip.reason


def test_a_link_inside_the_root_is_read_only_when_asked(repo):
    root, _ = repo
    (root / "Dockerfile").symlink_to(root / "app" / "a.rb")
    assert RepoReader(root).read("Dockerfile").skip.kind is SkipKind.link
    assert RepoReader(root, follow_links=True).text("Dockerfile") == "puts 1\n"


def test_similar_names_are_distinct_files(repo):
    root, _ = repo
    (root / "package.json").write_text("{}\n")
    reader = RepoReader(root)
    assert reader.is_file("package.json") and not reader.is_file("package.js")
    assert reader.read("package.js").skip.kind is SkipKind.missing
