"""Rails 7.1+ apps on the trixie base image (Ruby 3.3, Bundler 2.6), chosen per app when --base-image
is not given. The fixture is written the way current Rails generators write it (`platforms: %i[ windows
jruby ]`, `.ruby-version` 3.3), which the bookworm image's Bundler 2.3 cannot even read."""

from __future__ import annotations

import pytest

from grader.runtime import RuntimeOptions, StepStatus, run_runtime

pytestmark = pytest.mark.docker


def test_a_modern_rails_app_gets_the_trixie_image_and_boots_and_tests(docker_client, fixtures_dir, new_base_image,
                                                                       base_image, kit):
    report = run_runtime(fixtures_dir / "rails_modern", RuntimeOptions(build_repo_dockerfile=False))
    image = report.test_image
    assert image.status is StepStatus.ok, image.reason
    assert image.base_image == new_base_image
    assert image.base_choice.startswith(f"{new_base_image} (Ruby 3.3")
    assert "the repo asks for Ruby 3.3 (.ruby-version)" in image.base_choice
    boot = report.boot
    assert boot.status is StepStatus.ok and boot.http_status == 200 and boot.chat_form
    tests = report.tests
    assert tests.status is StepStatus.ok, tests.log_tail
    assert (tests.runs, tests.failures, tests.errors) == (3, 0, 0) and tests.line_coverage == 100.0
    kit.assert_nothing_left(docker_client, report.run_id)


def test_the_same_app_on_bookworm_says_bundler_cannot_read_its_gemfile(docker_client, fixtures_dir, base_image, kit):
    report = run_runtime(fixtures_dir / "rails_modern", RuntimeOptions(base_image=base_image,
                                                                       build_repo_dockerfile=False))
    image = report.test_image
    assert image.status is StepStatus.skipped and image.base_choice is None  # named by --base-image: no choice
    assert "Bundler cannot read the Gemfile: `windows` is not a valid platform" in image.reason
    assert "(Gemfile line 6)" in image.reason and "builds have no network" in image.reason
    assert report.boot.status is StepStatus.not_applicable
    kit.assert_nothing_left(docker_client, report.run_id)


def test_an_exact_ruby_pin_of_another_patch_release_is_widened_in_the_build_copy_only(docker_client, fixtures_dir,
                                                                                    new_base_image, tmp_path, kit):
    """Generators pin the author's Ruby exactly; trixie has 3.3.8. The copy we build asks for ~> 3.3.0,
    the report says so, and the repo's own Gemfile is not touched."""
    import shutil

    repo = shutil.copytree(fixtures_dir / "rails_modern", tmp_path / "pinned")
    gemfile = repo / "Gemfile"
    gemfile.write_text(gemfile.read_text().replace('source "https://rubygems.org"\n',
                                                   'source "https://rubygems.org"\n\nruby "3.3.0"\n'))
    before = gemfile.read_text()
    report = run_runtime(repo, RuntimeOptions(build_repo_dockerfile=False))
    image = report.test_image
    assert image.status is StepStatus.ok, image.reason
    assert image.ruby_widened.startswith("the Gemfile asks for Ruby 3.3.0 exactly (Gemfile line 3); built and run "
                                         "on Ruby 3.3.")
    assert report.boot.status is StepStatus.ok and report.tests.status is StepStatus.ok, report.tests.log_tail
    assert gemfile.read_text() == before
    kit.assert_nothing_left(docker_client, report.run_id)
