"""`grader manifest ...`: build one release's manifest, or a gem's whole history, from its git source."""

from __future__ import annotations

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

    tags = {v: t for t, v in release_tags(source)}
    if version not in tags:
        known = ", ".join(tags) or "none"
        raise typer.BadParameter(f"no release tag for {version} in {source}; release tags: {known}")
    manifest = extract_tag(source, tags[version], gem, version)
    text = manifest.model_dump_json(indent=1, exclude_none=True)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text)
        typer.echo(f"wrote {out} ({len(manifest.namespaces)} namespaces, "
                   f"{len(manifest.config_options)} config options)")


@manifest_app.command("history")
def history(
    source: Path = typer.Option(..., "--source", exists=True, file_okay=False, help="bare git dir of the gem"),
    gem: str = typer.Option("ruby_llm", "--gem"),
    out: Path | None = typer.Option(None, "--out", help="default: static_checks/data/manifests/<gem>.json.gz"),
) -> None:
    """Regenerate the compact all-releases history file the checker loads."""
    from static_checks.manifest.generate import generate

    path = generate(source, gem, out)
    typer.echo(f"wrote {path} ({path.stat().st_size} bytes)")
