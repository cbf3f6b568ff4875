"""--gem-mirror for real (issue 12, item 1): gems built here from small gemspecs (offline, in a
container of the base image), indexed with `gem generate_index`, served from 127.0.0.1 by a Python
HTTP server; a fixture app whose Gemfile needs them builds through the mirror while its run and test
containers stay on network none. A second run of the same lockfile reuses the bundle image."""

from __future__ import annotations

import functools
import io
import tarfile
import threading
import uuid
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from grader.runtime import RuntimeOptions, StepStatus, run_runtime

pytestmark = pytest.mark.docker

GEMS = {
    "grader_toy_a": ("1.0.0", "module GraderToyA\n  def self.answer = 42\nend\n", ""),
    "grader_toy_b": ("2.0.0",
                     'require "grader_toy_a"\nmodule GraderToyB\n  def self.answer = GraderToyA.answer + 1\nend\n',
                     '  s.add_dependency "grader_toy_a", ">= 1.0"\n'),
}
LOCK = """GEM
  remote: https://rubygems.org/
  specs:
    grader_toy_a (1.0.0)
    grader_toy_b (2.0.0)
      grader_toy_a (>= 1.0)

PLATFORMS
  ruby

DEPENDENCIES
  grader_toy_b

BUNDLED WITH
   2.3.15
"""


def _gem_index(docker_client, base_image, dest):
    """Build the .gem files and the index inside a network-less container; copy the index out."""
    script = ["set -e", "mkdir -p /tmp/src /tmp/idx/gems", "cd /tmp/src"]
    for name, (version, code, deps) in GEMS.items():
        spec = (f'Gem::Specification.new do |s|\n  s.name = "{name}"\n  s.version = "{version}"\n'
                f'  s.summary = "toy"\n  s.authors = ["grader"]\n  s.license = "MIT"\n'
                f'  s.files = ["lib/{name}.rb"]\n{deps}end\n')
        script += [f"mkdir -p {name}/lib", f"printf '%s' '{spec}' > {name}/{name}.gemspec",
                   f"printf '%s' '{code}' > {name}/lib/{name}.rb",
                   f"(cd {name} && gem build -q {name}.gemspec && cp *.gem /tmp/idx/gems/)"]
    script.append("gem generate_index -q -d /tmp/idx")
    container = docker_client.containers.create(base_image, ["sh", "-c", "\n".join(script)], network_mode="none",
                                                labels={"grader.managed": "true", "grader.run_id": "gem-index"})
    try:
        container.start()
        assert container.wait(timeout=120)["StatusCode"] == 0, container.logs().decode()
        stream, _ = container.get_archive("/tmp/idx")
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
            tar.extractall(dest, filter="data")
    finally:
        container.remove(force=True)
    return dest / "idx"


@pytest.fixture
def gem_mirror(docker_client, base_image, tmp_path):
    root = _gem_index(docker_client, base_image, tmp_path / "mirror")
    requested: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            requested.append(self.path)

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requested
    finally:
        server.shutdown()
        server.server_close()


def _app(folder):
    (folder / "test").mkdir(parents=True)
    (folder / "config.ru").write_text("run ->(_e) { [200, {}, ['ok']] }\n")
    # A line of its own makes this test's bundle image key unique: parallel runs on one engine
    # (another checkout's test run) must not share or remove each other's cache image.
    (folder / "Gemfile").write_text(f'# {folder.name}\nsource "https://rubygems.org"\ngem "grader_toy_b"\n')
    (folder / "Gemfile.lock").write_text(LOCK)
    (folder / "test" / "toy_test.rb").write_text(
        'require "minitest/autorun"\nrequire "grader_toy_b"\n'
        "class ToyTest < Minitest::Test\n  def test_gem_from_the_mirror\n    assert_equal 43, GraderToyB.answer\n"
        "  end\n\n  def test_no_network_at_test_time\n"
        '    require "socket"\n    assert_raises(SystemCallError, SocketError) { TCPSocket.new("1.1.1.1", 80) }\n'
        "  end\nend\n")
    return folder


def _remove_bundle_image(docker_client, app, base_image):
    from grader.runtime.builds import bundle_cache_key

    key, _ = bundle_cache_key(app, docker_client.images.get(base_image).id, mirror=True)
    for image in docker_client.images.list(filters={"label": f"grader.cache_key={key}"}):
        docker_client.images.remove(image.id, force=True)


def test_build_through_a_loopback_gem_mirror_then_run_offline(docker_client, base_image, gem_mirror, tmp_path, kit):
    mirror, requested = gem_mirror
    app = _app(tmp_path / f"app-{uuid.uuid4().hex[:6]}")
    # Offline and without a mirror the gems cannot be installed: skipped, and the hint names real flags.
    offline = run_runtime(app, RuntimeOptions(base_image=base_image, build_repo_dockerfile=False))
    assert offline.test_image.status is StepStatus.skipped, offline.test_image.reason
    assert "--gem-mirror URL" in offline.test_image.reason
    try:
        report = run_runtime(app, RuntimeOptions(base_image=base_image, gem_mirror=mirror,
                                                 build_repo_dockerfile=False))
        assert report.test_image.status is StepStatus.ok, (report.test_image.reason, report.test_image.log_tail)
        assert report.test_image.cached is False
        assert any(path.endswith("grader_toy_b-2.0.0.gem") for path in requested), requested
        tests = report.tests
        assert tests.status is StepStatus.ok, (tests.reason, tests.log_tail)
        assert (tests.runs, tests.failures, tests.errors) == (2, 0, 0)
        kit.assert_nothing_left(docker_client, report.run_id)
        # Same lockfile, same base: the bundle image is reused and the mirror is not asked again.
        requested.clear()
        again = run_runtime(app, RuntimeOptions(base_image=base_image, gem_mirror=mirror,
                                                build_repo_dockerfile=False))
        assert again.test_image.status is StepStatus.ok and again.test_image.cached is True
        assert not any(path.endswith(".gem") for path in requested), requested
        assert again.tests.status is StepStatus.ok
    finally:
        _remove_bundle_image(docker_client, app, base_image)
