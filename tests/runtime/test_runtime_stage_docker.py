"""The runtime stage against a real Docker engine, on fixture repos (no mocked client)."""

from __future__ import annotations

import re
import subprocess
import time
import uuid

import pytest

from grader.runtime import RuntimeOptions, StepStatus, Timeouts, run_runtime

pytestmark = pytest.mark.docker


def _run(fixtures_dir, name, base_image, **kw):
    options = RuntimeOptions(base_image=base_image, timeouts=Timeouts(**kw.pop("timeouts", {})), **kw)
    return run_runtime(fixtures_dir / name, options)


def test_green_rack_app(docker_client, fixtures_dir, base_image, kit):
    report = _run(fixtures_dir, "rack_green", base_image)
    assert report.status is StepStatus.ok, report.skipped_reason
    assert report.profile == "rack-minitest"
    # The repo's own Dockerfile wants ruby:3.3-slim, which no registry can provide here.
    assert report.build.status is StepStatus.skipped and "ruby:3.3-slim" in report.build.reason
    assert report.test_image.status is StepStatus.ok
    boot = report.boot
    assert boot.status is StepStatus.ok and boot.http_status == 200
    assert boot.ready_seconds is not None and 0 < boot.ready_seconds < 30
    assert (boot.turbo, boot.stimulus, boot.chat_form) == (True, True, True)
    tests = report.tests
    assert tests.status is StepStatus.ok and tests.framework == "minitest"
    assert (tests.runs, tests.assertions, tests.failures, tests.errors, tests.skips) == (4, 8, 0, 0, 0)
    assert tests.line_coverage == 100.0 and tests.branch_coverage is not None and tests.branch_coverage < 100
    assert tests.coverage_source == "coverage/.resultset.json"  # recomputed from raw results
    assert tests.counts_source == "grader reporter" and tests.tampering == []
    rubocop = report.gates.rubocop
    assert (rubocop.status, rubocop.clean, rubocop.offenses) == (StepStatus.ok, True, 0)
    assert rubocop.files_inspected == 4
    assert report.gates.brakeman.status is StepStatus.not_applicable
    assert report.compose.status is StepStatus.ok and report.compose.file == "compose.yaml"
    kit.assert_nothing_left(docker_client, report.run_id)


def test_failing_suite_counts_and_ignores_committed_coverage(docker_client, fixtures_dir, base_image, kit):
    report = _run(fixtures_dir, "rack_failing", base_image)
    tests = report.tests
    assert tests.status is StepStatus.failed
    assert (tests.runs, tests.failures, tests.errors, tests.skips) == (4, 1, 1, 1)
    assert tests.exit_code == 1 and "ZeroDivisionError" in tests.log_tail
    # The repo ships coverage/.last_run.json claiming 100%; this run produced none.
    assert tests.line_coverage is None and tests.coverage_source is None
    assert report.boot.status is StepStatus.ok and report.boot.chat_form is False
    rubocop = report.gates.rubocop
    assert rubocop.status is StepStatus.ok and rubocop.clean is False and rubocop.offenses > 0
    kit.assert_nothing_left(docker_client, report.run_id)


def test_boot_crash_is_a_failure_with_its_log(docker_client, fixtures_dir, base_image, kit):
    report = _run(fixtures_dir, "rack_boot_crash", base_image)
    assert report.boot.status is StepStatus.failed
    assert "exited with code" in report.boot.reason
    assert "CHAT_MODEL is not configured" in report.boot.log_tail
    assert report.boot.http_status is None
    assert report.tests.status is StepStatus.skipped  # no test/ folder
    kit.assert_nothing_left(docker_client, report.run_id)


def test_never_ready_times_out_and_leaves_nothing(docker_client, fixtures_dir, base_image, kit):
    started = time.monotonic()
    report = _run(fixtures_dir, "rack_never_ready", base_image, timeouts={"boot": 4})
    assert report.boot.status is StepStatus.timeout
    assert "within 4s" in report.boot.reason
    assert 4 <= report.boot.duration_seconds < 15
    assert time.monotonic() - started < 60
    kit.assert_nothing_left(docker_client, report.run_id)


def test_http_500_is_a_boot_failure(docker_client, base_image, tmp_path, kit):
    (tmp_path / "config.ru").write_text(
        'run ->(_env) { [500, {"content-type" => "text/html"}, ["<h1>We are sorry</h1>"]] }\n')
    report = run_runtime(tmp_path, RuntimeOptions(base_image=base_image))
    assert report.boot.status is StepStatus.failed and report.boot.http_status == 500
    assert "server error" in report.boot.reason
    assert report.boot.ready_seconds is None
    kit.assert_nothing_left(docker_client, report.run_id)


def test_sandbox_has_no_network_no_root_no_host_secrets(docker_client, fixtures_dir, base_image, monkeypatch, kit):
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-v1-HOST-SECRET-must-not-leak")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "host-aws-secret")
    report = _run(fixtures_dir, "rack_network", base_image)
    tests = report.tests
    assert tests.status is StepStatus.ok, tests.log_tail
    assert (tests.runs, tests.failures, tests.errors) == (3, 0, 0)
    log = tests.log_tail
    assert "SANDBOX-TCP: blocked" in log and "SANDBOX-HTTP: blocked" in log
    assert "SANDBOX-UID: 1000" in log
    assert "SANDBOX-INTERFACES: lo\n" in log
    assert "HOST-SECRET" not in report.model_dump_json() and "AWS_SECRET" not in log
    assert "SANDBOX-KEY: sk-or-grader-dummy" in log
    kit.assert_nothing_left(docker_client, report.run_id)


def test_processes_spawned_by_tests_do_not_outlive_the_run(docker_client, fixtures_dir, base_image, kit):
    report = _run(fixtures_dir, "rack_orphan", base_image)
    assert report.tests.status is StepStatus.ok and "ORPHANS-SPAWNED" in report.tests.log_tail
    kit.assert_nothing_left(docker_client, report.run_id)
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True).stdout
    assert "sleep 4242" not in ps and "sleep 4243" not in ps


def test_container_settings_are_sandboxed(docker_client, base_image):
    from grader.runtime import engine
    from grader.runtime.options import Limits

    container = engine.create_container(docker_client, base_image, ["true"], run_id="settings-check", step="t",
                                        env={}, limits=Limits())
    try:
        host = container.attrs["HostConfig"]
        assert host["NetworkMode"] == "none"
        assert host["Memory"] == 1024**3 and host["PidsLimit"] == 256 and host["NanoCpus"] == 10**9
        assert not host.get("Binds") and not container.attrs.get("Mounts")
        assert host["CapDrop"] == ["ALL"] and "no-new-privileges" in host["SecurityOpt"]
        assert container.attrs["Config"]["User"] == "1000:1000"
        assert container.labels["grader.managed"] == "true" and container.labels["grader.run_id"] == "settings-check"
        env_names = {e.split("=", 1)[0] for e in container.attrs["Config"]["Env"]}
        assert env_names <= {"PATH", "HOME", "LANG", "SECRET_KEY_BASE", "OPENROUTER_API_KEY"}
    finally:
        container.remove(force=True)


def test_repo_dockerfile_build_ok_and_failed(docker_client, base_image, tmp_path, kit):
    ok = tmp_path / "ok"
    ok.mkdir()
    (ok / "config.ru").write_text('run ->(_e) { [200, {}, ["ok"]] }\n')
    (ok / "Dockerfile").write_text(f"FROM {base_image}\nCOPY config.ru /srv/\nRUN ruby -e 'puts 6*7'\n")
    report = run_runtime(ok, RuntimeOptions(base_image=base_image))
    assert report.build.status is StepStatus.ok and "42" in report.build.log_tail
    kit.assert_nothing_left(docker_client, report.run_id)

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "config.ru").write_text('run ->(_e) { [200, {}, ["ok"]] }\n')
    # Builds have no network unless the user asks: a RUN that downloads must fail.
    (bad / "Dockerfile").write_text(
        f"FROM {base_image}\nRUN ruby -rnet/http -e 'Net::HTTP.get(URI(\"http://deb.debian.org/\"))'\n")
    report = run_runtime(bad, RuntimeOptions(base_image=base_image))
    assert report.build.status is StepStatus.failed
    assert "returned a non-zero code" in report.build.reason
    assert "SocketError" in report.build.log_tail or "getaddrinfo" in report.build.log_tail
    assert report.boot.status is StepStatus.ok  # the test image path does not depend on the repo's Dockerfile
    kit.assert_nothing_left(docker_client, report.run_id)
    # Layers of the failed build (unlabelled: build labels come last) are removed too.
    _assert_layers_gone(docker_client, report.build.log_tail)


def _assert_layers_gone(client, build_log: str) -> list[str]:
    """Every layer the build reported after FROM no longer exists."""
    import docker

    layers = re.findall(r"^ ---> ([0-9a-f]{12})$", build_log, flags=re.MULTILINE)[1:]
    for layer in layers:
        with pytest.raises(docker.errors.ImageNotFound):
            client.images.get(layer)
    return layers


def test_build_timeout_is_reported_and_cleaned(docker_client, base_image, tmp_path, kit):
    (tmp_path / "config.ru").write_text('run ->(_e) { [200, {}, ["ok"]] }\n')
    # A layer of its own (not shared through the build cache with a parallel run on the engine).
    (tmp_path / "Dockerfile").write_text(f"FROM {base_image}\nRUN echo layer-one {uuid.uuid4().hex} > /one\n"
                                         "RUN sleep 60\n")
    started = time.monotonic()
    report = run_runtime(tmp_path, RuntimeOptions(base_image=base_image, timeouts=Timeouts(build=3)))
    assert report.build.status is StepStatus.timeout
    assert time.monotonic() - started < 45
    kit.assert_nothing_left(docker_client, report.run_id)
    assert len(_assert_layers_gone(docker_client, report.build.log_tail)) == 1  # the layer-one step
    # The aborted build's step container is gone too (the engine cancelled it; the layer it ran on
    # could not have been removed otherwise). Checked by its command: other runs may share the engine.
    time.sleep(1)
    # Low-level listing (plain dicts): the high-level one inspects each container, and one of
    # another run can be removed in between (NotFound).
    leftovers = [c for c in docker_client.api.containers(all=True) if c.get("Command") == "/bin/sh -c 'sleep 60'"]
    assert not leftovers


def test_missing_base_image_makes_later_steps_not_applicable(docker_client, fixtures_dir, kit):
    report = run_runtime(fixtures_dir / "rack_green", RuntimeOptions(base_image="grader-no-such-image:1"))
    assert report.test_image.status is StepStatus.skipped and "--base-image" in report.test_image.reason
    # Nothing about the app was measured: the stage as a whole is skipped (points pending, not lost).
    # The reason names the step that stopped it (it used to be the bare test-image reason here, and the
    # "nothing booted" sentence one level up when the repo's Dockerfile had built: one rule now).
    assert report.status is StepStatus.skipped
    assert report.skipped_reason == f"nothing booted, tested or gated: test image skipped: {report.test_image.reason}"
    for step in (report.boot, report.tests, report.gates.rubocop):
        assert step.status is StepStatus.not_applicable
    kit.assert_nothing_left(docker_client, report.run_id)


def test_a_run_whose_test_image_broke_is_failed_though_the_repo_image_built(docker_client, base_image, tmp_path,
                                                                            kit):
    """run_runtime says it itself: this run used to come back `ok` (every container call succeeded) and was
    turned `failed` only by the grade stage and `runtime run` on top of it."""
    (tmp_path / "config.ru").write_text("run ->(_e) { [200, {}, ['ok']] }\n")
    (tmp_path / "Dockerfile").write_text(f"FROM {base_image}\nRUN true\n")
    report = run_runtime(tmp_path, RuntimeOptions(base_image=base_image, timeouts=Timeouts(test_image=0.001)))
    assert report.build.status is StepStatus.ok, (report.build.reason, report.build.log_tail)
    assert report.test_image.status is StepStatus.timeout
    assert report.boot.status is StepStatus.not_applicable and not report.measured_the_app()
    assert report.status is StepStatus.failed
    assert report.skipped_reason == f"nothing booted, tested or gated: test image timeout: {report.test_image.reason}"
    kit.assert_nothing_left(docker_client, report.run_id)


def test_budget_exhaustion_skips_remaining_steps(docker_client, fixtures_dir, base_image, kit):
    report = _run(fixtures_dir, "rack_never_ready", base_image, budget=6, timeouts={"boot": 60})
    assert report.boot.status is StepStatus.timeout
    assert report.status is StepStatus.timeout
    assert report.gates.rubocop.status is StepStatus.skipped and report.gates.rubocop.reason == "stage budget exhausted"
    kit.assert_nothing_left(docker_client, report.run_id)


def test_missing_tool_gate_is_not_run(docker_client, base_image, tmp_path, kit):
    (tmp_path / "config.ru").write_text('run ->(_e) { [200, {}, ["ok"]] }\n')
    (tmp_path / "Gemfile").write_text('source "https://rubygems.org"\n')
    (tmp_path / "Gemfile.lock").write_text("GEM\n  remote: https://rubygems.org/\n  specs:\n\nPLATFORMS\n  ruby\n\n"
                                           "DEPENDENCIES\n\nBUNDLED WITH\n   2.3.15\n")
    report = run_runtime(tmp_path, RuntimeOptions(base_image=base_image))
    audit = report.gates.bundle_audit
    assert audit.status is StepStatus.not_run and audit.clean is None and audit.exit_code == 127
    assert "not installed" in audit.reason
    kit.assert_nothing_left(docker_client, report.run_id)


def test_real_rails_app_boots_and_its_tests_run(docker_client, fixtures_dir, base_image, kit):
    """A Rails 6.1 app on Debian's rails: bundle resolved offline, `bin/rails server`, `bin/rails test`."""
    report = _run(fixtures_dir, "rails_chat", base_image)
    assert report.profile == "rails-minitest"
    assert report.test_image.status is StepStatus.ok and "Bundle complete" in report.test_image.log_tail
    boot = report.boot
    assert boot.status is StepStatus.ok and boot.http_status == 200
    assert boot.turbo and boot.stimulus and boot.chat_form
    assert "Processing by ChatsController#show" in boot.log_tail
    tests = report.tests
    assert tests.status is StepStatus.ok, tests.log_tail
    assert (tests.runs, tests.assertions, tests.failures, tests.errors) == (3, 5, 0, 0)
    assert tests.line_coverage == 100.0
    # Tools Debian does not package for bookworm: never reported as a pass.
    assert report.gates.brakeman.status is StepStatus.not_run and report.gates.brakeman.clean is None
    assert report.gates.bundle_audit.status is StepStatus.not_run
    assert report.gates.rubocop.status is StepStatus.ok and report.gates.rubocop.offenses > 0
    kit.assert_nothing_left(docker_client, report.run_id)


def test_rspec_suite_is_detected_and_counted(docker_client, base_image, tmp_path, kit):
    repo = kit.rspec_app(tmp_path / "rails_rspec", "--require spec_helper\n", {
        "spec_helper.rb": 'require_relative "../app/models/reply"\n',
        "reply_spec.rb": (
            'RSpec.describe Reply do\n'
            '  it("asks for text") { expect(Reply.for(" ")).to eq("Say something.") }\n'
            '  it("echoes") { expect(Reply.for("hi")).to eq("You said: hi") }\n'
            '  it("is wrong on purpose") { expect(Reply.for("hi")).to eq("nope") }\n'
            '  it("is pending") { pending("later"); raise "x" }\n'
            'end\n')})
    report = run_runtime(repo, RuntimeOptions(base_image=base_image))
    assert report.profile == "rails-rspec"
    tests = report.tests
    assert tests.framework == "rspec" and tests.status is StepStatus.failed
    assert (tests.runs, tests.failures, tests.skips, tests.errors, tests.assertions) == (4, 1, 1, 0, None)
    assert tests.counts_source == "grader reporter" and tests.tampering == []
    kit.assert_nothing_left(docker_client, report.run_id)


def test_compose_web_service_comes_up_in_the_sandbox(docker_client, base_image, tmp_path, monkeypatch, kit):
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-v1-HOST-SECRET")
    (tmp_path / "config.ru").write_text(
        '$stdout.puts "KEY=#{ENV["OPENROUTER_API_KEY"]} MODE=#{ENV["APP_MODE"]} UID=#{Process.uid}"\n'
        '$stdout.flush\n'
        'run ->(_e) { [200, {"content-type" => "text/html"}, ["ok"]] }\n')
    (tmp_path / "Dockerfile").write_text(f"FROM {base_image}\nCOPY config.ru /srv/config.ru\nWORKDIR /srv\n")
    (tmp_path / "compose.yml").write_text(
        "services:\n  web:\n    build: .\n    command: puma -b tcp://0.0.0.0:9292 config.ru\n    ports: ['8080:9292']\n"
        "    environment:\n      OPENROUTER_API_KEY: ${OPENROUTER_API_KEY}\n      APP_MODE: demo\n")
    report = run_runtime(tmp_path, RuntimeOptions(base_image=base_image, compose_up=True))
    up = report.compose.up
    assert report.build.status is StepStatus.ok
    assert up.status is StepStatus.ok, (up.reason, up.log_tail)
    assert up.http_status == 200 and up.ready_seconds is not None
    assert "KEY=sk-or-grader-dummy-key-not-valid MODE=demo UID=1000" in up.log_tail
    assert "HOST-SECRET" not in report.model_dump_json()
    kit.assert_nothing_left(docker_client, report.run_id)


def test_vendored_fake_gate_tool_is_not_trusted(docker_client, base_image, tmp_path, kit):
    """A repo bundling its own `rubocop` that always prints a clean report gets the real one."""
    fake = tmp_path / "vendor" / "fake"
    (fake / "exe").mkdir(parents=True)
    (fake / "rubocop.gemspec").write_text(
        'Gem::Specification.new do |s|\n  s.name = "rubocop"\n  s.version = "9.9.9"\n  s.summary = "fake"\n'
        '  s.authors = ["x"]\n  s.files = ["exe/rubocop"]\n  s.bindir = "exe"\n  s.executables = ["rubocop"]\nend\n')
    exe = fake / "exe" / "rubocop"
    exe.write_text('#!/usr/bin/env ruby\nputs \'{"summary":{"offense_count":0,"inspected_file_count":1}}\'\n')
    exe.chmod(0o755)
    (tmp_path / "Gemfile").write_text('source "https://rubygems.org"\ngem "rubocop", path: "vendor/fake"\n')
    (tmp_path / "Gemfile.lock").write_text(
        "PATH\n  remote: vendor/fake\n  specs:\n    rubocop (9.9.9)\n\nGEM\n  remote: https://rubygems.org/\n"
        "  specs:\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  rubocop!\n\nBUNDLED WITH\n   2.3.15\n")
    (tmp_path / "config.ru").write_text("run ->(_e) { [200, {}, ['ok']] }\n")
    report = run_runtime(tmp_path, RuntimeOptions(base_image=base_image))
    assert report.test_image.status is StepStatus.ok, report.test_image.log_tail
    assert "rubocop 9.9.9" in report.test_image.log_tail  # the fake really is in the bundle
    rubocop = report.gates.rubocop
    assert rubocop.status is StepStatus.ok and rubocop.offenses > 0 and rubocop.clean is False
    kit.assert_nothing_left(docker_client, report.run_id)


def test_compose_up_does_not_depend_on_a_runtime_profile(docker_client, base_image, tmp_path, kit):
    (tmp_path / "srv").mkdir()
    (tmp_path / "srv" / "app.ru").write_text("run ->(_e) { [200, {}, ['from compose']] }\n")
    (tmp_path / "Dockerfile").write_text(f"FROM {base_image}\nCOPY srv /srv\nWORKDIR /srv\n"
                                         'CMD ["puma", "-b", "tcp://0.0.0.0:4000", "app.ru"]\n')
    (tmp_path / "docker-compose.yaml").write_text("services:\n  app:\n    build: .\n    ports: ['4000:4000']\n")
    report = run_runtime(tmp_path, RuntimeOptions(base_image=base_image, compose_up=True))
    assert report.test_image.status is StepStatus.not_applicable and "no runtime profile" in report.test_image.reason
    assert report.boot.status is StepStatus.not_applicable
    assert report.compose.up.status is StepStatus.ok and report.compose.up.http_status == 200
    kit.assert_nothing_left(docker_client, report.run_id)


def test_gate_tool_crash_is_failed_with_its_error_not_clean(docker_client, base_image, tmp_path, kit):
    """Debian's RuboCop 1.39 does not know Ruby 3.4: the gate failed (unknown), never clean."""
    (tmp_path / "config.ru").write_text("run ->(_e) { [200, {}, ['ok']] }\n")
    (tmp_path / ".ruby-version").write_text("3.4.1\n")
    report = run_runtime(tmp_path, RuntimeOptions(base_image=base_image))
    rubocop = report.gates.rubocop
    assert rubocop.status is StepStatus.failed and rubocop.clean is None and rubocop.offenses is None
    assert rubocop.exit_code == 2 and "rubocop failed (exit 2)" in rubocop.reason
    assert "unknown Ruby version: 3.4" in rubocop.reason
    kit.assert_nothing_left(docker_client, report.run_id)


def _suite(repo, body: str):
    (repo / "test").mkdir(parents=True, exist_ok=True)
    (repo / "config.ru").write_text("run ->(_e) { [200, {}, ['ok']] }\n")
    (repo / "test" / "limits_test.rb").write_text(
        'require "minitest/autorun"\n\nclass LimitsTest < Minitest::Test\n' + body + "end\n")
    return repo


def test_fork_bomb_hits_the_pids_limit(docker_client, base_image, tmp_path, kit):
    # Ruby retries a refused fork instead of raising, so the suite hangs at the limit until the
    # step timeout kills it; the count it printed shows where the kernel said no.
    repo = _suite(tmp_path, """  def test_forks_without_end
    400.times do |i|
      fork { sleep 60 }
      $stdout.puts("FORKED #{i + 1}")
      $stdout.flush
    end
  end
""")
    report = run_runtime(repo, RuntimeOptions(base_image=base_image, timeouts=Timeouts(tests=8)))
    tests = report.tests
    assert tests.status is StepStatus.timeout, tests.log_tail
    forked = max(int(n) for n in re.findall(r"FORKED (\d+)", tests.log_tail))
    assert 100 < forked < 256  # pids_limit 256, counting the suite's own processes
    kit.assert_nothing_left(docker_client, report.run_id)


def test_memory_hog_is_killed_by_the_memory_limit(docker_client, base_image, tmp_path, kit):
    from grader.runtime import Limits

    repo = _suite(tmp_path, """  def test_allocates_far_too_much
    hog = "x" * (600 * 1024 * 1024)
    assert hog.size.positive?
  end
""")
    report = run_runtime(repo, RuntimeOptions(base_image=base_image, limits=Limits(memory="256m")))
    tests = report.tests
    assert tests.status is StepStatus.failed and tests.exit_code == 137  # SIGKILL from the OOM killer
    assert tests.runs is None  # no summary: unknown, not zero
    kit.assert_nothing_left(docker_client, report.run_id)


def test_probe_follows_same_app_redirects_only(docker_client, base_image, tmp_path, kit):
    (tmp_path / "config.ru").write_text(
        "run lambda { |env|\n"
        "  case env['PATH_INFO']\n"
        "  when '/' then [302, {'location' => '/chats/new'}, []]\n"
        "  when '/chats/new' then [200, {'content-type' => 'text/html'}, ['<form><textarea></textarea></form>']]\n"
        "  else [302, {'location' => 'https://evil.example/x'}, []]\n"
        "  end\n"
        "}\n")
    report = run_runtime(tmp_path, RuntimeOptions(base_image=base_image))
    boot = report.boot
    assert (boot.status, boot.http_status, boot.final_path, boot.chat_form) == (StepStatus.ok, 200, "/chats/new", True)
    kit.assert_nothing_left(docker_client, report.run_id)


def test_repo_dockerfile_with_unresolvable_base_is_skipped(docker_client, base_image, tmp_path, kit):
    (tmp_path / "config.ru").write_text("run ->(_e) { [200, {}, ['ok']] }\n")
    (tmp_path / "Dockerfile").write_text("ARG RUBY_VERSION=3.4.7\nFROM ruby:$RUBY_VERSION-slim\nFROM ${NOPE}\n")
    report = run_runtime(tmp_path, RuntimeOptions(base_image=base_image))
    assert report.build.status is StepStatus.skipped
    assert "ruby:3.4.7-slim" in report.build.reason and "${NOPE}" in report.build.reason
    assert report.status is StepStatus.ok and report.boot.status is StepStatus.ok
    kit.assert_nothing_left(docker_client, report.run_id)


@pytest.mark.parametrize("gemfile_tail,said", [
    ('gem "rails", "~> 8.0"\n', "bundle install failed: the image lacks gem rails (~> 8.0) ("),
    # What `rails new` writes since 7.1: the base image's older Bundler cannot read it (the grader used to
    # call this "gems missing").
    ('gem "rails", "~> 8.0"\ngem "tzinfo-data", platforms: %i[ windows jruby ]\n',
     "bundle install failed: Bundler cannot read the Gemfile: `windows` is not a valid platform (Gemfile line 3)"),
])
def test_offline_bundle_the_base_image_lacks_is_skipped_not_failed(docker_client, base_image, tmp_path, kit,
                                                                   gemfile_tail, said):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "application.rb").write_text("# Rails 8 app\n")
    (tmp_path / "Gemfile").write_text('source "https://rubygems.org"\n' + gemfile_tail)
    report = run_runtime(tmp_path, RuntimeOptions(base_image=base_image))
    assert report.test_image.status is StepStatus.skipped
    assert "Could not" in report.test_image.log_tail or "Bundler cannot continue" in report.test_image.log_tail
    assert report.test_image.reason.startswith(said), report.test_image.reason  # Bundler's reason, not Docker's
    assert "--build-network" in report.test_image.reason
    assert report.status is StepStatus.skipped  # nothing measured: runtime points stay pending
    assert report.skipped_reason.startswith("nothing booted, tested or gated: test image skipped: ")
    assert report.boot.status is StepStatus.not_applicable
    kit.assert_nothing_left(docker_client, report.run_id)
