"""Parsers of tool output (what tests, SimpleCov and gates print inside the sandbox)."""

import json

from grader.runtime.results import (
    coverage_from_last_run,
    coverage_from_resultset,
    parse_brakeman,
    parse_bundle_audit,
    parse_minitest,
    parse_rspec,
    parse_rubocop,
    tail,
)


def test_minitest_summary_counts():
    out = "Run options: --seed 1\n...\n12 runs, 30 assertions, 2 failures, 1 errors, 3 skips\n"
    c = parse_minitest(out)
    assert (c.runs, c.assertions, c.failures, c.errors, c.skips) == (12, 30, 2, 1, 3)


def test_minitest_last_summary_wins_and_rails_wording():
    out = ("1 runs, 1 assertions, 0 failures, 0 errors, 0 skips\n...\n"
           "7 tests, 9 assertions, 1 failures, 0 errors, 0 skips")
    assert parse_minitest(out).runs == 7


def test_minitest_without_summary_is_unknown_not_zero():
    assert parse_minitest("LoadError: cannot load such file -- test_helper") is None


def test_rspec_summary_with_pending_and_outside_errors():
    c = parse_rspec("Finished in 0.2 seconds\n5 examples, 2 failures, 1 pending\n")
    assert (c.runs, c.failures, c.skips, c.errors, c.assertions) == (5, 2, 1, 0, None)
    c = parse_rspec("0 examples, 0 failures, 1 error occurred outside of examples")
    assert (c.runs, c.errors) == (0, 1)


def test_simplecov_last_run_new_and_old_formats():
    new = coverage_from_last_run(b'{"result": {"line": 91.234, "branch": 70.0}}')
    assert (new.line, new.branch) == (91.23, 70.0)
    old = coverage_from_last_run(b'{"result": {"covered_percent": 88.5}}')
    assert (old.line, old.branch) == (88.5, None)
    assert coverage_from_last_run(b"not json") is None
    assert coverage_from_last_run(b'{"result": {}}') is None


def test_simplecov_resultset_merges_commands():
    resultset = {
        "Minitest": {"coverage": {"/app/a.rb": {"lines": [1, 0, None, 2],
                                                "branches": {"[:if, 0, 1]": {"[:then, 1]": 1, "[:else, 2]": 0}}}}},
        "RSpec": {"coverage": {"/app/a.rb": {"lines": [0, 1, None, 0]}}},
    }
    cov = coverage_from_resultset(json.dumps(resultset).encode())
    assert cov.line == 100.0  # every relevant line hit by one command or the other
    assert cov.branch == 50.0
    legacy = coverage_from_resultset(json.dumps({"x": {"coverage": {"/b.rb": [1, 0]}}}).encode())
    assert (legacy.line, legacy.branch) == (50.0, None)


def test_rubocop_json_with_noise_around_it():
    out = 'warning: parser/current\n{"metadata":{},"files":[],"summary":{"offense_count":3,"inspected_file_count":9}}\n'
    c = parse_rubocop(out)
    assert (c.clean, c.offenses, c.files_inspected) == (False, 3, 9)
    assert parse_rubocop('{"summary":{"offense_count":0,"inspected_file_count":2}}').clean is True
    assert parse_rubocop("Error: RuboCop found unknown Ruby version 3.4") is None
    # Crashed on every file, still printed a zero count: not a pass.
    crashed = ('An error occurred while Lint cop was inspecting /app/a.rb {oops}\n'
               '{"files":[],"summary":{"offense_count":0,"target_file_count":3,"inspected_file_count":0}}\n')
    assert parse_rubocop(crashed) is None


def test_brakeman_counts_ignored_warnings_against_clean():
    assert parse_brakeman('{"warnings": [], "ignored_warnings": [], "errors": []}').clean is True
    c = parse_brakeman('{"warnings": [{"warning_type": "XSS"}], "ignored_warnings": [{}, {}], "errors": []}')
    assert (c.clean, c.warnings, c.ignored_warnings) == (False, 1, 2)
    assert parse_brakeman('{"warnings": [], "ignored_warnings": [{}]}').clean is False
    assert parse_brakeman("Please supply the path to a Rails application") is None


def test_bundle_audit_json_and_text():
    assert parse_bundle_audit('{"version":"0.9.1","results":[]}').vulnerabilities == 0
    assert parse_bundle_audit('{"results":[{"type":"unpatched_gem"},{"type":"unpatched_gem"}]}').vulnerabilities == 2
    assert parse_bundle_audit("No vulnerabilities found\n").clean is True
    text = "Name: rack\nVersion: 2.0\nName: nokogiri\nVersion: 1.0\nVulnerabilities found!\n"
    assert parse_bundle_audit(text).vulnerabilities == 2
    assert parse_bundle_audit("ruby-advisory-db not found") is None


def test_tail_keeps_the_end():
    text = "\n".join(f"line {i}" for i in range(200))
    kept = tail(text, lines=5)
    assert kept.splitlines() == [f"line {i}" for i in range(195, 200)]


def test_tail_strips_terminal_colours():
    assert tail("\x1b[91mCould not reach host\x1b[0m\n") == "Could not reach host"
