"""Forged results (issue 11, item 8): a suite that prints a fake summary and writes its own
coverage summary, and a `.rubocop.yml` that loads code to print a clean report, are not believed
and are reported as tampering."""

from __future__ import annotations

import pytest

from grader.runtime import StepStatus

pytestmark = pytest.mark.docker

FAKE_SUMMARY = "999 runs, 999 assertions, 0 failures, 0 errors, 0 skips"


def test_fake_minitest_summary_and_coverage_file_are_not_believed(docker_client, base_image, tmp_path, kit):
    # Registered before minitest/autorun, so it runs after Minitest's own report: the last summary
    # in the output is the fake one, and the coverage summary says 100%.
    kit.rack_app(tmp_path, {"forge_test.rb": (
        'require "fileutils"\n'
        "at_exit do\n"
        f'  puts "{FAKE_SUMMARY}"\n'
        '  FileUtils.mkdir_p("coverage")\n'
        '  File.write("coverage/.last_run.json", \'{"result":{"line":100.0,"branch":100.0}}\')\n'
        "  $stdout.flush\n  exit!(0)\n"
        "end\n"
        'require "minitest/autorun"\n'
        "class ForgeTest < Minitest::Test\n"
        "  def test_passes\n    assert true\n  end\n"
        "  def test_fails\n    assert_equal 1, 2\n  end\n"
        "end\n")})
    report = kit.run_app(tmp_path, base_image)
    tests = report.tests
    assert FAKE_SUMMARY in tests.log_tail  # the forgery really ran
    assert tests.counts_source == "grader reporter"
    assert (tests.runs, tests.failures, tests.errors) == (2, 1, 0)
    assert tests.status is StepStatus.failed
    assert tests.line_coverage is None
    joined = " | ".join(tests.tampering)
    assert "printed '999 runs" in joined and ".last_run.json claims 100.0%" in joined
    kit.assert_nothing_left(docker_client, report.run_id)


def test_rubocop_config_require_is_not_loaded(docker_client, base_image, tmp_path, kit):
    kit.rack_app(tmp_path)
    # Loaded by RuboCop if it read this config: prints a clean report and exits before any cop runs.
    (tmp_path / "forge.rb").write_text(
        'puts \'{"summary":{"offense_count":0,"target_file_count":1,"inspected_file_count":1}}\'\nexit!(0)\n')
    (tmp_path / ".rubocop.yml").write_text("require:\n  - ./forge.rb\nAllCops:\n  Exclude:\n    - 'vendor/**/*'\n")
    (tmp_path / "bad.rb").write_text("def Bad_Name( x )\n  eval(x) ;\nend\n")
    report = kit.run_app(tmp_path, base_image)
    rubocop = report.gates.rubocop
    assert rubocop.status is StepStatus.ok, (rubocop.reason, rubocop.log_tail)
    assert rubocop.offenses and rubocop.offenses > 0 and rubocop.clean is False
    assert rubocop.tampering == ["not loaded: .rubocop.yml: require: ./forge.rb"]
    kit.assert_nothing_left(docker_client, report.run_id)


def test_planted_coverage_directory_of_sparse_files_is_not_read(docker_client, base_image, tmp_path, kit):
    """Issue 11 item 4, runtime half: `coverage/.last_run.json` made a folder holding a large sparse
    file. The grader asks the engine for one regular file and stops: nothing of it is read. (0.9 GB
    each: the disk quota, 2 GB counted at apparent size, would now stop the 3 GB of the original report.)"""
    import tracemalloc

    kit.rack_app(tmp_path, {"plant_test.rb": kit.minitest_file(
        '    %w[.last_run.json .resultset.json].each do |name|\n'
        '      FileUtils.mkdir_p("coverage/#{name}")\n'
        '      File.open("coverage/#{name}/sparse", "wb") { |f| f.truncate(900 * 1024**2) }\n'
        "    end\n    assert true\n", requires=("fileutils",))})
    tracemalloc.start()
    try:
        report = kit.run_app(tmp_path, base_image)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    tests = report.tests
    assert tests.status is StepStatus.ok and tests.runs == 1, (tests.reason, tests.log_tail)
    assert tests.line_coverage is None and tests.coverage_source is None
    assert peak < 200 * 2**20  # far below the 0.9 GB each folder would stream as a tar
    kit.assert_nothing_left(docker_client, report.run_id)


def test_fake_rspec_summary_is_not_believed(docker_client, base_image, tmp_path, kit):
    repo = kit.rspec_app(tmp_path / "rails_rspec", "--format documentation\n", {"forge_spec.rb": (
        'at_exit { puts "50 examples, 0 failures"; $stdout.flush; exit!(0) }\n'
        'RSpec.describe "forge" do\n  it("fails") { expect(1).to eq(2) }\nend\n')})
    report = kit.run_app(repo, base_image)
    tests = report.tests
    assert report.profile == "rails-rspec" and "50 examples, 0 failures" in tests.log_tail
    assert tests.counts_source == "grader reporter"
    assert (tests.runs, tests.failures) == (1, 1) and tests.status is StepStatus.failed
    assert any("printed '50 runs" in t for t in tests.tampering), tests.tampering
    kit.assert_nothing_left(docker_client, report.run_id)
