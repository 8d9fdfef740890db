"""The texts package names its modules three times (imports, type-checking star imports and
the lookup order); a module added to one list and forgotten in another would be silently
missing from ``texts.NAME`` or from mypy's view. All three must match the files."""

from __future__ import annotations

import ast
from pathlib import Path

import samsnakk_bot.domain.texts as texts

PACKAGE = Path(texts.__file__).parent
TREE = ast.parse((PACKAGE / "__init__.py").read_text())


def _files() -> set[str]:
    own = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    operator = {
        f"operator.{p.stem}" for p in (PACKAGE / "operator").glob("*.py") if p.stem != "__init__"
    }
    return own | operator


def _imported() -> set[str]:
    names: set[str] = set()
    for node in TREE.body:
        if isinstance(node, ast.ImportFrom) and node.module == "samsnakk_bot.domain.texts":
            names |= {alias.name for alias in node.names}
        if isinstance(node, ast.ImportFrom) and node.module == "samsnakk_bot.domain.texts.operator":
            names |= {f"operator.{alias.name}" for alias in node.names}
    return names


def _star_imported() -> set[str]:
    prefix = "samsnakk_bot.domain.texts."
    return {
        node.module.removeprefix(prefix)
        for block in TREE.body
        if isinstance(block, ast.If)
        for node in block.body
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(prefix)
    }


def _looked_up() -> set[str]:
    return {m.__name__.removeprefix("samsnakk_bot.domain.texts.") for m in texts._MODULES}


def test_every_text_module_is_imported_type_checked_and_looked_up() -> None:
    files = _files()
    assert _imported() == files
    assert _star_imported() == files
    assert _looked_up() == files
