"""Apps in sub-folders are run; a repo with no app is never `ok` (issue 12, item 1)."""

from __future__ import annotations

import pytest

from grader.runtime import RuntimeOptions, StepStatus, run_runtime

pytestmark = pytest.mark.docker


def test_app_in_a_sub_folder_is_built_booted_and_tested(docker_client, base_image, tmp_path, kit):
    app = tmp_path / "my_app"
    (app / "test").mkdir(parents=True)
    (app / "config.ru").write_text("run ->(_e) { [200, {'content-type' => 'text/html'}, ['<h1>hi</h1>']] }\n")
    (app / "test" / "one_test.rb").write_text(
        'require "minitest/autorun"\nclass OneTest < Minitest::Test\n  def test_one\n    assert true\n  end\nend\n')
    (tmp_path / "README.md").write_text("the app is in my_app/\n")
    report = run_runtime(tmp_path, RuntimeOptions(base_image=base_image))
    assert report.app_root == "my_app" and "my_app/" in report.app_root_note
    assert report.profile == "rack-minitest"
    assert report.boot.status is StepStatus.ok and report.boot.http_status == 200
    assert report.tests.status is StepStatus.ok and report.tests.runs == 1
    assert report.status is StepStatus.ok
    kit.assert_nothing_left(docker_client, report.run_id)


def test_a_repo_with_no_app_is_skipped_never_ok(docker_client, base_image, tmp_path, kit):
    (tmp_path / "main.py").write_text("print('not a Rails app')\n")
    report = run_runtime(tmp_path, RuntimeOptions(base_image=base_image))
    assert report.status is StepStatus.skipped
    assert "no runtime profile matches" in report.skipped_reason
    assert "pass --profile" not in report.skipped_reason  # `grade` has no such flag
    assert report.test_image.status is StepStatus.not_applicable
    assert report.boot.status is StepStatus.not_applicable and report.tests.status is StepStatus.not_applicable
    kit.assert_nothing_left(docker_client, report.run_id)
