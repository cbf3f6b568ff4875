"""Runtime profiles are data: detection, Ruby version, Dockerfile rendering."""

from pathlib import Path

import pytest

from grader.runtime.profiles import ProfileError, load_gates, load_profiles, ruby_version, select_profile

FIXTURES = Path(__file__).parents[1] / "fixtures" / "runtime"


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_shipped_profiles_load_and_name_known_gates():
    profiles = load_profiles()
    assert {"rails-minitest", "rails-rspec", "rack-minitest"} <= set(profiles)
    gates = load_gates()
    for profile in profiles.values():
        assert set(profile.gates) <= set(gates), profile.name


def test_detection(tmp_path):
    assert select_profile(FIXTURES / "rack_green").name == "rack-minitest"
    rails = _repo(tmp_path / "r", {"config/application.rb": "", "config.ru": "", "test/x_test.rb": ""})
    assert select_profile(rails).name == "rails-minitest"
    rspec = _repo(tmp_path / "s", {"config/application.rb": "", "config.ru": "", "spec/rails_helper.rb": ""})
    assert select_profile(rspec).name == "rails-rspec"
    with pytest.raises(ProfileError, match="no runtime profile"):
        select_profile(_repo(tmp_path / "e", {"README.md": "hi"}))
    with pytest.raises(ProfileError, match="unknown profile"):
        select_profile(rails, "django")


def test_ruby_version_sources(tmp_path):
    assert ruby_version(_repo(tmp_path / "a", {".ruby-version": "ruby-3.4.1\n"})) == "3.4.1"
    assert ruby_version(_repo(tmp_path / "b", {"Gemfile": 'source "x"\nruby "~> 3.3.0"\n'})) == "3.3.0"
    lock = "GEM\n  specs:\n\nRUBY VERSION\n   ruby 3.2.2p53\n"
    assert ruby_version(_repo(tmp_path / "c", {"Gemfile.lock": lock})) == "3.2.2"
    assert ruby_version(_repo(tmp_path / "d", {"Gemfile": 'gem "rails"\n'})) is None


def test_default_base_image_follows_the_repo(tmp_path):
    profile = load_profiles()["rails-minitest"]
    assert profile.default_base_image(_repo(tmp_path, {".ruby-version": "3.4.1"})) == "ruby:3.4.1-slim"


def test_rendered_dockerfile_copies_labels_and_drops_root(tmp_path):
    profile = load_profiles()["rack-minitest"]
    labels = {"grader.managed": "true", "grader.run_id": "r1"}
    text = profile.render_dockerfile("grader-base:bookworm", tmp_path, labels)
    lines = text.splitlines()
    assert lines[1] == "FROM grader-base:bookworm"
    assert lines[2] == 'LABEL grader.managed="true" grader.run_id="r1"'  # right after FROM: every layer has it
    assert "COPY --chown=1000:1000 . /app" in text
    assert lines[-1] == "USER 1000:1000"
    assert 'RACK_ENV="development"' in text
    assert "bundle install" not in text  # setup step only when the repo has a Gemfile
    (tmp_path / "Gemfile").write_text('source "https://rubygems.org"\n')
    assert "RUN bundle install --local || bundle install" in profile.render_dockerfile("b", tmp_path)


def test_rails_setup_builds_tailwind_only_when_the_app_uses_it(tmp_path):
    profile = load_profiles()["rails-minitest"]
    repo = _repo(tmp_path, {"Gemfile": "", "config/application.rb": ""})
    assert "tailwindcss:build" not in profile.render_dockerfile("b", repo)
    _repo(tmp_path, {"config/tailwind.config.js": ""})
    text = profile.render_dockerfile("b", repo)
    assert text.index("bundle install") < text.index("tailwindcss:build")
