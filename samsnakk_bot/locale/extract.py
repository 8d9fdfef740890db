"""Babel extraction for the text modules (``babel.cfg`` names it as a method).

Besides ``_()``, ``ngettext()`` and ``N_()`` calls, it takes the texts that sit in module-level
constants, since ``samsnakk_bot.domain.texts`` translates those when they are read: strings,
strings inside tuples and dict values, and the bodies of constant ``Reply`` values.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from typing import IO

# (lineno, function, message or (singular, plural), comments): Babel's extractor protocol.
Extracted = tuple[int, str | None, str | tuple[str, str], list[str]]
_KEYWORDS = frozenset({"_", "N_", "ngettext"})


def _strings(node: ast.AST) -> Iterator[tuple[int, str]]:
    """Literal strings in a constant's value (not in keys, not in f-strings)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.strip():
        yield node.lineno, node.value
    elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        for item in node.elts:
            yield from _strings(item)
    elif isinstance(node, ast.Dict):
        for item in node.values:
            yield from _strings(item)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Reply":
        for item in node.args:
            yield from _strings(item)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "update":  # LABELS.update({...})
            for item in node.args:
                yield from _strings(item)


def _module_constants(tree: ast.Module) -> Iterator[tuple[int, str]]:
    for statement in tree.body:
        if isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None:
            yield from _strings(statement.value)
        elif isinstance(statement, ast.Expr):
            if isinstance(statement.value, ast.Call):
                yield from _strings(statement.value)


def _calls(tree: ast.Module) -> Iterator[Extracted]:
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id not in _KEYWORDS:
            continue
        literal = [a.value for a in node.args if isinstance(a, ast.Constant)]
        if node.func.id == "ngettext" and len(literal) >= 2:
            yield node.lineno, "ngettext", (str(literal[0]), str(literal[1])), []
        elif node.func.id != "ngettext" and literal and isinstance(literal[0], str):
            yield node.lineno, node.func.id, literal[0], []


def extract_texts(
    fileobj: IO[bytes],
    keywords: Mapping[str, object] | Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, object],
) -> Iterator[Extracted]:
    """Babel extraction method: ``[samsnakk_bot.locale.extract:extract_texts: ...]``."""
    tree = ast.parse(fileobj.read().decode("utf-8"))
    for lineno, text in _module_constants(tree):
        yield lineno, None, text, []
    yield from _calls(tree)
