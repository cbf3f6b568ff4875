import os
from pathlib import Path

from static_checks.sources import discover, read_source, source_kind


def write(root: Path, rel: str, data: str | bytes = "") -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        p.write_bytes(data)
    else:
        p.write_text(data)
    return p


def test_source_kinds():
    assert source_kind("Gemfile") == "ruby"
    assert source_kind("config.ru") == "ruby"
    assert source_kind("tasks.rake") == "ruby"
    assert source_kind("x.gemspec") == "ruby"
    assert source_kind("show.html.erb") == "erb"
    assert source_kind("Gemfile.lock") is None
    assert source_kind("app.js") is None


def test_discover_finds_sources_roots_and_skips_vendor(tmp_path):
    write(tmp_path, "Gemfile", "source 'x'\n")
    write(tmp_path, "app/models/a.rb", "class A; end\n")
    write(tmp_path, "app/views/a/index.html.erb", "<%= 1 %>")
    write(tmp_path, "chat_app/Gemfile", "")
    write(tmp_path, "chat_app/app/b.rb", "")
    write(tmp_path, "vendor/bundle/gems/x.rb", "")
    write(tmp_path, "node_modules/y/z.rb", "")
    write(tmp_path, "tmp/cache.rb", "")
    write(tmp_path, "README.md", "")
    found = discover(tmp_path)
    rels = sorted(f.rel for f in found.files)
    assert rels == ["Gemfile", "app/models/a.rb", "app/views/a/index.html.erb", "chat_app/Gemfile", "chat_app/app/b.rb"]
    assert sorted(found.app_roots) == [".", "chat_app"]


def test_links_are_never_followed_and_loops_do_not_hang(tmp_path):
    write(tmp_path, "app/a.rb", "")
    secret = write(tmp_path.parent / f"{tmp_path.name}-outside", "secret.rb", "SECRET = 1\n")
    os.symlink(secret, tmp_path / "app" / "leak.rb")
    os.symlink(tmp_path / "app", tmp_path / "app" / "loop")
    found = discover(tmp_path)
    assert [f.rel for f in found.files] == ["app/a.rb"]
    reasons = {s.file: s.reason for s in found.skipped}
    assert reasons["app/leak.rb"] == "symbolic link not followed"
    assert reasons["app/loop"] == "symbolic link not followed"


def test_oversized_files_are_reported_not_dropped(tmp_path):
    write(tmp_path, "big.rb", "x = 1\n" * 100)
    found = discover(tmp_path, max_bytes=50)
    assert found.files == []
    assert found.skipped[0].file == "big.rb"
    assert "larger than 50 bytes" in found.skipped[0].reason


def test_binary_file_is_refused_with_reason(tmp_path):
    write(tmp_path, "bin.rb", b"\x00\x01\x02ELF")
    (src,) = discover(tmp_path).files
    data, reason = read_source(src)
    assert data is None and reason == "binary file"


def test_committed_gem_home_is_skipped_and_reported(tmp_path):
    write(tmp_path, "Gemfile", "")
    write(tmp_path, "app/a.rb", "")
    write(tmp_path, ".gems/ruby/3.3.0/gems/ruby_llm-1.6.2/lib/ruby_llm.rb", "module RubyLLM; end\n")
    write(tmp_path, ".gems/ruby/3.3.0/gems/ruby_llm-1.6.2/Gemfile", "")
    write(tmp_path, ".gems/ruby/3.3.0/specifications/ruby_llm-1.6.2.gemspec", "")
    # an app folder that merely has a `gems` folder is still the app's own code
    write(tmp_path, "lib/gems/local.rb", "")
    found = discover(tmp_path)
    assert sorted(f.rel for f in found.files) == ["Gemfile", "app/a.rb", "lib/gems/local.rb"]
    assert found.app_roots == ["."]
    assert {s.file: s.reason for s in found.skipped} == {".gems/ruby/3.3.0": "installed gems (GEM_HOME layout)"}


def test_pass_reader_gives_the_answers_of_a_repo_reader(tmp_path):
    import os

    from grader.core.repo import RepoReader
    from static_checks.sources import PassReader

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.rb").write_text("SECRET = 1\n")
    repo = tmp_path / "repo"
    (repo / "app" / "models").mkdir(parents=True)
    (repo / "app" / "models" / "chat.rb").write_text("class Chat; end\n")
    (repo / "app" / "big.rb").write_text("x" * 500)
    (repo / "app" / "bin.rb").write_bytes(b"\0\1")
    (repo / "app" / "to_outside.rb").symlink_to(outside / "secret.rb")
    (repo / "app" / "to_inside.rb").symlink_to(repo / "app" / "models" / "chat.rb")
    (repo / "linked_dir").symlink_to(outside)
    (repo / "app" / "models_link").symlink_to(repo / "app" / "models")
    os.mkfifo(repo / "app" / "pipe.rb")
    deep = repo / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    (deep / "deep.rb").write_text("x = 1\n")
    (repo / "a" / "b" / "c" / "via").symlink_to(outside)  # a link in the middle of a deep path
    (repo / "a" / "file.rb").write_text("")
    rels = ["app/models/chat.rb", "app/big.rb", "app/bin.rb", "app/to_outside.rb", "app/to_inside.rb",
            "linked_dir/secret.rb", "app/models_link/chat.rb", "app/pipe.rb", "app/missing.rb",
            "nowhere/missing.rb", "../outside/secret.rb", "/etc/passwd", "app/./models/../models/chat.rb", ".",
            "a/b/c/d/deep.rb", "a/b/c/via/secret.rb", "a/file.rb/x.rb", "a/b/c/d/gone/x.rb", "a/b/c/d"]
    for follow in (False, True):
        plain = RepoReader(repo, max_bytes=100, follow_links=follow)
        fast = PassReader(repo, max_bytes=100, follow_links=follow)
        for _ in range(2):  # the second round answers from what the first learnt about folders
            for rel in rels:
                assert fast.read(rel) == plain.read(rel), (follow, rel)
                assert fast.locate(rel) == plain.locate(rel), (follow, rel)
                assert fast.is_file(rel) == plain.is_file(rel) and fast.size(rel) == plain.size(rel), (follow, rel)
    assert PassReader(repo).read("linked_dir/secret.rb").skip.reason == "symbolic link not followed"


def test_the_walk_lists_every_file_the_text_rules_read(tmp_path):
    """discover's walk also lists the text files, so the tree is walked once: the same files, in the
    same order, as the text rules' own walk (skipped folders, links, a GEM_HOME and FIFOs left out)."""
    from static_checks.sources import PassReader
    from static_checks.text_rules import repo_files

    write(tmp_path, "Gemfile", "")
    write(tmp_path, "README.md", "# hi\n")
    write(tmp_path, "app/a.rb", "")
    write(tmp_path, "app/views/x.html.erb", "<%= 1 %>")
    write(tmp_path, "config/settings.yml", "a: 1\n")
    write(tmp_path, "big.rb", "x = 1\n" * 100)  # over the cap: skipped as Ruby, still a text file
    write(tmp_path, "vendor/lib/v.rb", "")
    write(tmp_path, "sub/Gemfile", "")
    write(tmp_path, "sub/notes.txt", "n")
    write(tmp_path, ".gems/ruby/3.3.0/gems/x/lib/x.rb", "")
    write(tmp_path, ".gems/ruby/3.3.0/specifications/x.gemspec", "")
    os.symlink(tmp_path / "README.md", tmp_path / "app" / "link.md")
    os.symlink(tmp_path / "app", tmp_path / "loop")
    os.mkfifo(tmp_path / "app" / "pipe.rb")
    found = discover(tmp_path, max_bytes=50)
    walked = [e.rel for e in repo_files(PassReader(tmp_path))]
    assert [e.rel for e in found.text_files] == walked
    assert "big.rb" in walked and "app/link.md" not in walked and "app/pipe.rb" not in walked
    assert not any(rel.startswith((".gems", "vendor")) for rel in walked)
    assert {f.rel: f.size for f in found.files}["app/views/x.html.erb"] == 8
