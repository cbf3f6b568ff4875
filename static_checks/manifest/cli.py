"""`grader manifest ...`: build one release's manifest, or a gem's whole history, from its git source."""

from __future__ import annotations

import subprocess
from pathlib import Path

import typer

manifest_app = typer.Typer(help="RubyLLM API manifests generated from the gem source.", no_args_is_help=True)


@manifest_app.command("build")
def build(
    source: Path = typer.Option(..., "--source", exists=True, file_okay=False,
                                help="bare git dir (or work tree) of the gem"),
    gem: str = typer.Option("ruby_llm", "--gem"),
    version: str = typer.Option(..., "--version", help="release tag, e.g. 1.6.2 (v1.6.2 also found)"),
    out: Path | None = typer.Option(None, "--out", help="write JSON here instead of stdout"),
) -> None:
    """Extract one release's manifest as JSON."""
    from static_checks.manifest.generate import extract_tag, release_tags

    tags = {v: t for t, v in _read_git(source, release_tags)}
    if version not in tags:
        known = ", ".join(tags) or "none"
        raise typer.BadParameter(f"no release tag for {version} in {source}; release tags: {known}")
    manifest = _read_git(source, extract_tag, tags[version], gem, version)
    text = manifest.model_dump_json(indent=1, exclude_none=True)
    if out is None:
        typer.echo(text)
    else:
        _write(out, text)
        typer.echo(f"wrote {out} ({len(manifest.namespaces)} namespaces, "
                   f"{len(manifest.config_options)} config options)")


@manifest_app.command("history")
def history(
    source: Path = typer.Option(..., "--source", exists=True, file_okay=False, help="bare git dir of the gem"),
    gem: str = typer.Option("ruby_llm", "--gem"),
    out: Path | None = typer.Option(None, "--out", help="default: static_checks/data/manifests/<gem>.json.gz"),
) -> None:
    """Regenerate the compact all-releases history file the checker loads."""
    from static_checks.manifest.generate import generate, release_tags

    # No release tag would write an empty history, over the shipped one by default: refuse instead.
    if not _read_git(source, release_tags):
        raise _fail(f"--source {source} has no release tags (x.y.z or vx.y.z): nothing to build a history from")
    if out is not None:
        _make_parent(out)
    path = _read_git(source, generate, gem, out)
    typer.echo(f"wrote {path} ({path.stat().st_size} bytes)")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"grader: {message}", err=True)
    return typer.Exit(code=2)


def _read_git(source: Path, read, *args):
    """Call a reader of the gem's git source; a folder git cannot read is one line and exit 2."""
    try:
        return read(source, *args)
    except subprocess.CalledProcessError as exc:
        said = " ".join((exc.stderr or b"").decode(errors="replace").split()) or f"exit status {exc.returncode}"
        raise _fail(f"--source {source}: git cannot read it as the gem's repository: {said}") from None
    except FileNotFoundError as exc:
        raise _fail(f"git is not installed ({exc.filename})") from None


def _make_parent(out: Path) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(f"--out {out}: cannot create its folder: {exc.strerror}") from None
    if out.is_dir():
        raise _fail(f"--out {out} is a folder; give a file name")


def _write(out: Path, text: str) -> None:
    _make_parent(out)
    try:
        out.write_text(text)
    except OSError as exc:
        raise _fail(f"--out {out}: cannot write: {exc.strerror}") from None
