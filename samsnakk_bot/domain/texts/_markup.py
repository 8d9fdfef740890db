"""Texts: _markup."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

BANG = "!"


def command(name: str) -> str:
    """A command as a person types it: ``møte ny`` → ``!møte ny``."""
    return name if name.startswith(BANG) else f"{BANG}{name}"


def _quoted(name: str) -> str:
    return f"«{command(name)}»"


def _code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def _html_paragraph(text: str) -> str:
    return "<p>" + escape(text).replace("\n", "<br>") + "</p>"


def _names(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " og " + names[-1]
