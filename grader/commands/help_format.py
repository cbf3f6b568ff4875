"""Help as people read it: `grade PATH`, `--jobs INTEGER`, `--out PATH`, nothing after a flag, and
help text shown as written.

Typer (0.29) prints `{PATH}` in usage lines, `<str>`/`<list[str]>` beside arguments, `<bool>` after
`-h`, and reads help text as Rich markup, so `URL[@commit]` loses its `[@commit]`. This is applied
once to the built command tree. Best effort: typer's internals move, and help that keeps its tags
is better than a CLI that fails to start.
"""

from __future__ import annotations

import re

from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

_TYPE_WORDS = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "Path": "PATH", "path": "PATH"}
_OPEN_BRACKET = re.compile(r"(?<!\\)\[")


class PlainArgument(TyperArgument):
    """An argument shown by its name only: `PATH`, `[PATH]` when optional, `PATHS...` when repeated."""

    def display_type_rich(self, ctx) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        if not self.required:
            name = f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")


def _flag_help(option):
    if option is not None and option.metavar is None:
        option.metavar = ""
    return option


# Two classes rather than one mixin: Python lets typer's objects take a new class only when the
# layout is the same, which a mixin base changes.
class PlainHelpCommand(TyperCommand):
    """A command whose `-h/--help` shows no `<bool>` tag."""

    def get_help_option(self, ctx):
        return _flag_help(super().get_help_option(ctx))


class PlainHelpGroup(TyperGroup):
    """A group whose `-h/--help` shows no `<bool>` tag."""

    def get_help_option(self, ctx):
        return _flag_help(super().get_help_option(ctx))


_PLAIN = {TyperCommand: PlainHelpCommand, TyperGroup: PlainHelpGroup}


def _metavar(param) -> str | None:
    if isinstance(param, TyperArgument):
        return (param.name or "arg").upper()
    if isinstance(param, TyperOption):
        if param.is_flag or param.count:
            return ""
        kind = param.bare_type()
        if kind.startswith("list[") and kind.endswith("]"):  # a repeatable option: one value per use
            kind = kind[5:-1]
        return _TYPE_WORDS.get(kind, kind.upper())
    return None


def literal_markup(text: str | None) -> str | None:
    """Help text shown as written: every `[` escaped for Rich (`\\[` prints `[`)."""
    return _OPEN_BRACKET.sub(r"\\[", text) if text else text


def _paragraphs(text: str | None) -> str | None:
    """Docstring paragraphs as flowing text (typer's rich help keeps single line breaks)."""
    if not text:
        return text
    import inspect

    blocks = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(b if b.startswith("\b") else " ".join(b.split()) for b in blocks)


def plain_help(command) -> None:
    """Apply the above to `command` and every sub-command under it."""
    try:
        if type(command) in _PLAIN:
            command.__class__ = _PLAIN[type(command)]  # same state, one method more (typer builds the objects)
        command.help = literal_markup(_paragraphs(command.help))
        for param in command.params:
            if type(param) is TyperArgument:
                param.__class__ = PlainArgument
            if param.metavar is None:
                param.metavar = _metavar(param)
            if isinstance(param, (TyperArgument, TyperOption)):
                param.help = literal_markup(param.help)
    except Exception:  # noqa: BLE001 - see the module docstring
        pass
    for sub in getattr(command, "commands", {}).values():
        plain_help(sub)
