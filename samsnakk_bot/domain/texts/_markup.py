"""One source per message, rendered to the plain body and to Element's HTML subset (D130).

A message is a list of blocks built from translated templates in a light markup:
``**bold**`` (plain: the words alone), ``«`code`»`` (plain: «code», HTML: ``<code>``) and
```code``` (plain: the code alone, as in lists of commands).
Markup is read from the template *before* values are put in, and every value is escaped for
HTML, so a value can neither add markup nor HTML. Blocks: :func:`para` (lines break with
``<br>``), :func:`bullets` (``• `` lines / ``<ul>``) and :func:`example` (``<pre><code>``). In
the plain body, blocks are separated by a blank line, and a list or an example follows the block
before it on the next line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from samsnakk_bot.domain.replies import Reply

BANG = "!"

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_QUOTED_CODE = re.compile(r"«`(.+?)`»")
_CODE = re.compile(r"`(.+?)`")


@dataclass(frozen=True, slots=True)
class Inline:
    """A piece of running text in both renderings."""

    plain: str
    html: str


def text(value: str) -> Inline:
    """A value as it is: escaped in HTML, no markup read from it."""
    return Inline(value, escape(value))


def code(value: str) -> Inline:
    """A command or example: «value» in plain text, ``<code>`` in HTML."""
    return Inline(f"«{value}»", f"<code>{escape(value)}</code>")


def rich(template: str, **values: str | int | Inline) -> Inline:
    """A translated template with markup, then its values (Inline values keep their HTML)."""
    plain_template = _CODE.sub(r"\1", _QUOTED_CODE.sub(r"«\1»", _BOLD.sub(r"\1", template)))
    html_template = _CODE.sub(
        r"<code>\1</code>",
        _QUOTED_CODE.sub(r"`\1`", _BOLD.sub(r"<strong>\1</strong>", escape(template, quote=False))),
    )
    plain = {k: v.plain if isinstance(v, Inline) else v for k, v in values.items()}
    html = {k: v.html if isinstance(v, Inline) else escape(str(v)) for k, v in values.items()}
    return Inline(plain_template.format(**plain), html_template.format(**html))


def joined(parts: Sequence[Inline], separator: str = ", ") -> Inline:
    return Inline(
        separator.join(p.plain for p in parts), escape(separator).join(p.html for p in parts)
    )


@dataclass(frozen=True, slots=True)
class _Block:
    kind: str  # "para", "bullets" or "example"
    items: tuple[Inline, ...]


def para(*lines: Inline | str) -> _Block:
    """A paragraph; a plain string's own line breaks become ``<br>``."""
    items: list[Inline] = []
    for line in lines:
        items.extend(map(text, line.split("\n")) if isinstance(line, str) else [line])
    return _Block("para", tuple(items))


def bullets(items: Sequence[Inline | str]) -> _Block:
    return _Block("bullets", tuple(text(x) if isinstance(x, str) else x for x in items))


def example(value: str) -> _Block:
    return _Block("example", (text(value),))


def render(*blocks: _Block, mentions: tuple[str, ...] = (), tight: bool = False) -> Reply:
    """The Reply for these blocks. ``tight``: one line break between all blocks (lists)."""
    plain: list[str] = []
    html: list[str] = []
    for block in blocks:
        if block.kind == "bullets":
            body = "\n".join(f"• {item.plain}" for item in block.items)
            markup = "<ul>" + "".join(f"<li>{item.html}</li>" for item in block.items) + "</ul>"
        elif block.kind == "example":
            body = block.items[0].plain
            markup = f"<pre><code>{block.items[0].html}</code></pre>"
        else:
            body = "\n".join(item.plain for item in block.items)
            markup = "<p>" + "<br>".join(item.html for item in block.items) + "</p>"
        if plain:
            plain.append("\n" if tight or block.kind != "para" else "\n\n")
        plain.append(body)
        html.append(markup)
    return Reply("".join(plain), "".join(html), mentions)


def command(name: str) -> str:
    """A command as a person types it: ``møte ny`` → ``!møte ny``."""
    return name if name.startswith(BANG) else f"{BANG}{name}"


def _quoted(name: str) -> str:
    return f"«{command(name)}»"


def _code(value: str) -> str:
    return f"<code>{escape(value)}</code>"


def _html_paragraph(value: str) -> str:
    return "<p>" + escape(value).replace("\n", "<br>") + "</p>"


def _names(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " og " + names[-1]
