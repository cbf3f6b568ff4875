"""Per-app choice of the local base image (no --base-image): the repo's Ruby and BUNDLED WITH decide
between the bookworm image (Ruby 3.1, Bundler 2.3) and the trixie image (Ruby 3.3, Bundler 2.6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.runtime.base_choice import BaseImage, RepoAsks, choose_base, labelled_images, repo_asks, version_tuple

BOOKWORM = BaseImage("grader-base:bookworm", (3, 1, 2), (2, 3, 15))
TRIXIE = BaseImage("grader-base:trixie", (3, 3, 8), (2, 6, 7))
BOTH = [BOOKWORM, TRIXIE]
FIXTURES = Path(__file__).parents[1] / "fixtures" / "runtime"


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def _lock(bundler: str, ruby: str | None = None) -> str:
    ruby_part = f"RUBY VERSION\n   ruby {ruby}p0\n\n" if ruby else ""
    return ("GEM\n  remote: https://rubygems.org/\n  specs:\n    rake (13.0.6)\n\nPLATFORMS\n  ruby\n\n"
            f"DEPENDENCIES\n  rake\n\n{ruby_part}BUNDLED WITH\n   {bundler}\n")


@pytest.mark.parametrize("asks, expected", [
    (RepoAsks(ruby=(3, 1), ruby_from=".ruby-version", bundler=(2, 3, 15)), BOOKWORM),  # a Rails 6.1-era app
    (RepoAsks(ruby=(3, 0, 6), ruby_from="Gemfile ruby"), BOOKWORM),  # oldest image that runs it
    (RepoAsks(ruby=(3, 3, 6), ruby_from=".ruby-version", bundler=(2, 5, 22)), TRIXIE),
    (RepoAsks(ruby=(3, 2, 2), ruby_from="Gemfile ruby"), TRIXIE),  # Rails 7.1 apps: 3.1 is too old
    (RepoAsks(ruby=(3, 4, 1), ruby_from=".ruby-version"), TRIXIE),  # none has it: the newest, said so
    (RepoAsks(bundler=(2, 5, 9)), TRIXIE),  # Bundler 2.3 cannot read what 2.5 wrote
    (RepoAsks(bundler=(2, 3, 15)), BOOKWORM),
    (RepoAsks(ruby=(3, 1, 4), ruby_from="Dockerfile", bundler=(2, 5, 6)), TRIXIE),  # Bundler outranks the minor
    (RepoAsks(), TRIXIE),  # says nothing: the newest
])
def test_the_repo_s_versions_choose_the_image(asks, expected):
    chosen, why = choose_base(BOTH, asks)
    assert chosen == expected
    assert why.startswith(f"{expected.tag} (Ruby {'.'.join(map(str, expected.ruby))}, Bundler ")


def test_the_reason_names_what_the_repo_asked_and_when_nothing_has_it():
    _, why = choose_base(BOTH, RepoAsks(ruby=(3, 4, 1), ruby_from=".ruby-version"))
    assert why == ("grader-base:trixie (Ruby 3.3.8, Bundler 2.6.7): the repo asks for Ruby 3.4.1 (.ruby-version): "
                   "no local base image has it; the closest")
    _, why = choose_base(BOTH, RepoAsks(ruby=(3, 1), ruby_from=".ruby-version", bundler=(2, 3, 15)))
    assert why.endswith("the repo asks for Ruby 3.1 (.ruby-version) and Bundler 2.3.15 (Gemfile.lock BUNDLED WITH)")
    _, why = choose_base(BOTH, RepoAsks())
    assert why.endswith("the repo asks for no Ruby or Bundler version: the newest local base image")
    assert choose_base([], RepoAsks()) is None
    assert choose_base([BOOKWORM], RepoAsks(ruby=(3, 3)))[0] == BOOKWORM  # the only one is the closest


def test_repo_asks_reads_ruby_version_and_bundled_with(tmp_path):
    modern = _write(tmp_path / "m", {".ruby-version": "ruby-3.3.6\n", "Gemfile": 'source "https://rubygems.org"\n',
                                     "Gemfile.lock": _lock("2.5.22")})
    assert repo_asks(modern) == RepoAsks((3, 3, 6), ".ruby-version", (2, 5, 22))
    locked = _write(tmp_path / "l", {"Gemfile": "gem 'rake'\n", "Gemfile.lock": _lock("2.3.15", ruby="3.1.2")})
    assert repo_asks(locked) == RepoAsks((3, 1, 2), "Gemfile.lock", (2, 3, 15))
    assert repo_asks(_write(tmp_path / "bare", {"config.ru": "run ->(e) { [200, {}, []] }\n"})) == RepoAsks()
    # the fixtures the docker tests grade: the old lock goes to bookworm, the modern Gemfile to trixie
    assert choose_base(BOTH, repo_asks(FIXTURES / "rails_chat"))[0] == BOOKWORM
    assert choose_base(BOTH, repo_asks(FIXTURES / "rails_modern"))[0] == TRIXIE


def test_only_images_with_version_labels_are_candidates():
    listing = [(["grader-base:trixie"], {"grader.base": "true", "grader.ruby": "3.3.8", "grader.bundler": "2.6.7"}),
               (["grader-base:old"], {"grader.base": "true"}),  # built by an older script: no versions
               (["<none>:<none>"], {"grader.ruby": "3.1.2", "grader.bundler": "2.3.15"}),
               # a run's test image built on the base inherits its labels: never a base itself
               (["grader-run-5c53b52334d4:test"], {"grader.base": "true", "grader.ruby": "3.3.8",
                                                   "grader.bundler": "2.6.7", "grader.managed": "true"})]
    assert labelled_images(listing) == [TRIXIE]
    assert version_tuple("3.3-slim") == (3, 3) and version_tuple("latest") is None


def test_the_gemfile_s_ruby_outranks_the_dockerfile_s(tmp_path):
    """Bundler enforces the Gemfile's Ruby; the app's own Dockerfile may lag behind it."""
    repo = _write(tmp_path / "r", {"Dockerfile": "ARG RUBY_VERSION=3.1.2\nFROM ruby:$RUBY_VERSION-slim\n",
                                   ".ruby-version": "3.3.5\n", "Gemfile": 'ruby "3.3.5"\ngem "rails"\n',
                                   "Gemfile.lock": _lock("2.5.16")})
    assert repo_asks(repo) == RepoAsks((3, 3, 5), "Gemfile ruby", (2, 5, 16))
    (repo / "Gemfile").write_text('gem "rails"\n')
    assert repo_asks(repo).ruby_from == ".ruby-version"


def test_versions_of_thousands_of_digits_are_read_not_raised(tmp_path):
    # the repo writes these files; int() refuses a number of more than 4300 digits
    huge = _write(tmp_path / "h", {".ruby-version": "3.3." + "9" * 5000 + "\n",
                                   "Gemfile": 'source "https://rubygems.org"\n',
                                   "Gemfile.lock": _lock("2." + "2" * 5000)})
    asks = repo_asks(huge)
    assert asks.ruby is not None and asks.ruby[:2] == (3, 3)
