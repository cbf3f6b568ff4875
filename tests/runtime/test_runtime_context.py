"""The build context: the repo copied (not mounted) with our Dockerfile, nothing from outside."""

import os
import tarfile

from grader.runtime.context import DOCKERFILE_NAME, build_context


def test_context_keeps_links_as_links_and_drops_stale_outputs(tmp_path):
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "a.rb").write_text("puts 1")
    (repo / "coverage").mkdir()
    (repo / "coverage" / ".last_run.json").write_text('{"result":{"line":100}}')
    (repo / ".git").mkdir()
    (repo / ".git" / "HEAD").write_text("ref")
    secret = tmp_path / "host-secret.txt"
    secret.write_text("TOP-SECRET")
    os.symlink(secret, repo / "leak.txt")
    os.symlink(tmp_path, repo / "outside-dir")
    os.mkfifo(repo / "pipe")

    with build_context(repo, "FROM scratch\n") as fh:
        with tarfile.open(fileobj=fh) as tar:
            members = {m.name: m for m in tar.getmembers()}
            assert set(members) == {"app/a.rb", "leak.txt", "outside-dir", DOCKERFILE_NAME}
            assert members["leak.txt"].issym() and members["outside-dir"].issym()
            assert tar.extractfile(DOCKERFILE_NAME).read() == b"FROM scratch\n"
            data = b"".join(tar.extractfile(m).read() for m in tar.getmembers() if m.isreg())
            assert b"TOP-SECRET" not in data
            assert members["app/a.rb"].uid == 0
