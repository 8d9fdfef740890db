"""The floors of docs/architecture.md, checked on the code: no import runs up, and no circle.

Every module of ``samsnakk_bot`` and ``bridge`` is read with ``ast`` (nothing is imported), each of
its imports of our own code, at the top or inside a function, is given the floor of the importer
and of the imported module, and the pair must be one that the map allows. The imports that break
the map today are listed once, in ``KNOWN_VIOLATIONS``: that list may only shrink. An import
that breaks the map and is not on it fails, and so does an entry that no longer occurs.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("samsnakk_bot", "bridge")

# --- the map -------------------------------------------------------------------------------------
# Floors, top to bottom. A module belongs to the floor of the longest prefix below that names it;
# a module no prefix names fails the test, so a new top-level module must be placed here.
EDGE = "edge"  # transport, wiring and operator tools: may import every floor below
SERVICES = "services"  # use cases: may import ports, settings, base and domain
PORTS = "ports"  # the Protocols services need; adapters implement them
ADAPTER = "adapter"  # store/, matrix/, bridge/: each imports only itself and what is below
SETTINGS = "settings"  # validated configuration and policies, read by every floor above
BASE = "base"  # small pieces with no business rules (crypto, clock, tasks, metrics, logs)
DOMAIN = "domain"  # pure: imports only the domain, the standard library and pure libraries

FLOOR_OF_PREFIX: dict[str, str] = {
    "samsnakk_bot": BASE,  # the package itself, empty
    "samsnakk_bot.app": EDGE,
    "samsnakk_bot.parts": EDGE,
    "samsnakk_bot.cli": EDGE,
    "samsnakk_bot.signals": EDGE,
    "samsnakk_bot.logging_setup": EDGE,
    "samsnakk_bot.port_conformance": EDGE,  # mypy's proof that each adapter fits its port
    "samsnakk_bot.locale": EDGE,  # the gettext catalogs and the tool that keeps them
    "samsnakk_bot.http": EDGE,
    "samsnakk_bot.devstack": EDGE,
    "samsnakk_bot.doctor": EDGE,
    "samsnakk_bot.login_broker": EDGE,
    "samsnakk_bot.ops": EDGE,
    "samsnakk_bot.services": SERVICES,
    "samsnakk_bot.services.ports": PORTS,
    "samsnakk_bot.store": ADAPTER,
    "samsnakk_bot.matrix": ADAPTER,
    "bridge": ADAPTER,
    "samsnakk_bot.config": SETTINGS,
    "samsnakk_bot.policies": SETTINGS,
    "samsnakk_bot.crypto": BASE,
    "samsnakk_bot.clock": BASE,
    "samsnakk_bot.tasks": BASE,
    "samsnakk_bot.metrics": BASE,
    "samsnakk_bot.log_redaction": BASE,
    "samsnakk_bot.domain": DOMAIN,
}

# What each floor may import of our own code (an adapter also itself: see ``allowed``).
MAY_IMPORT: dict[str, frozenset[str]] = {
    EDGE: frozenset({EDGE, SERVICES, PORTS, ADAPTER, SETTINGS, BASE, DOMAIN}),
    SERVICES: frozenset({SERVICES, PORTS, SETTINGS, BASE, DOMAIN}),
    PORTS: frozenset({PORTS, SETTINGS, BASE, DOMAIN}),
    ADAPTER: frozenset({PORTS, SETTINGS, BASE, DOMAIN}),
    SETTINGS: frozenset({SETTINGS, BASE, DOMAIN}),
    BASE: frozenset({BASE}),
    DOMAIN: frozenset({DOMAIN}),
}

# The domain is pure: of the standard library, nothing that reaches a disk, a network, a process
# or the log; of the rest, only libraries that compute.
DOMAIN_PURE_LIBRARIES = frozenset({"babel", "icalendar", "phonenumbers", "stdnum"})
DOMAIN_FORBIDDEN_STDLIB = frozenset(
    {
        "asyncio",
        "http",
        "logging",
        "multiprocessing",
        "os",
        "pathlib",
        "select",
        "shutil",
        "signal",
        "smtplib",
        "socket",
        "sqlite3",
        "ssl",
        "subprocess",
        "sys",
        "tempfile",
        "threading",
        "time",
        "urllib.request",
    }
)

# Imports that break the map today, as (importer, imported module). Issue 13 removes them; the
# list may only shrink. Each group says why it is still here.
KNOWN_VIOLATIONS: frozenset[tuple[str, str]] = frozenset(
    {
        # The outbox worker reads and settles its queue straight from the store's repository,
        # one adapter reaching into another instead of through a port.
        ("bridge.outbox_worker", "samsnakk_bot.store.varsler"),
    }
)


# --- reading the code ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Import:
    importer: str
    imported: str  # a module: ``from a import b`` names ``a.b`` when that is a module
    line: int


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path = ROOT) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:  # Alembic's scripts, run by Alembic, not imported
                continue
            found[module_name(path, root)] = path
    return found


def _import_nodes(source: str) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at the top, under ``if TYPE_CHECKING`` or inside a function."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node


def imports_of(name: str, source: str, known: dict[str, Path]) -> Iterator[Import]:
    """Every import of ``samsnakk_bot`` or ``bridge`` in ``source``, wherever it stands."""
    is_package = name in known and known[name].name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    for node in _import_nodes(source):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            submodules = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known]
            names_only = len(submodules) < len(node.names)
            targets = submodules + ([base] if names_only else [])
        for target in targets:
            if target.split(".")[0] in PACKAGES:
                yield Import(name, target, node.lineno)


def floor_of(module: str) -> str | None:
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        floor = FLOOR_OF_PREFIX.get(".".join(parts[:end]))
        if floor is not None:
            return floor
    return None


def adapter_of(module: str) -> str:
    """``bridge``, ``samsnakk_bot.store`` or ``samsnakk_bot.matrix``."""
    return "bridge" if module.startswith("bridge") else ".".join(module.split(".")[:2])


def allowed(importer: str, imported: str) -> bool:
    mine, theirs = floor_of(importer), floor_of(imported)
    assert mine is not None and theirs is not None
    if mine == ADAPTER and theirs == ADAPTER:
        return adapter_of(importer) == adapter_of(imported)
    return theirs in MAY_IMPORT[mine]


def forbidden(found: list[Import]) -> set[tuple[str, str]]:
    return {(i.importer, i.imported) for i in found if not allowed(i.importer, i.imported)}


def impure_domain_imports(name: str, source: str) -> list[str]:
    bad = []
    for node in _import_nodes(source):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for full in names:
            top = full.split(".")[0]
            if top in (*PACKAGES, "__future__"):
                continue
            stdlib = top in sys.stdlib_module_names
            if (stdlib and (top in DOMAIN_FORBIDDEN_STDLIB or full in DOMAIN_FORBIDDEN_STDLIB)) or (
                not stdlib and top not in DOMAIN_PURE_LIBRARIES
            ):
                bad.append(f"{name}:{node.lineno} imports {full}")
    return bad


def circles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """Groups of two or more modules that import each other in a loop (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        if a != b:
            graph.setdefault(a, set()).add(b)
            graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def all_imports() -> list[Import]:
    known = modules()
    return [
        i
        for name, path in known.items()
        for i in imports_of(name, path.read_text(encoding="utf-8"), known)
        if i.imported in known or i.imported.rpartition(".")[0] in known
    ]


# --- the checks ----------------------------------------------------------------------------------
def test_every_module_has_a_floor() -> None:
    homeless = sorted(m for m in modules() if floor_of(m) is None)
    assert not homeless, f"place these in FLOOR_OF_PREFIX (and docs/architecture.md): {homeless}"


def test_no_import_breaks_the_map_beyond_the_known_list() -> None:
    found = all_imports()
    new = sorted(
        f"{i.importer} (line {i.line}) imports {i.imported}"
        for i in found
        if not allowed(i.importer, i.imported) and (i.importer, i.imported) not in KNOWN_VIOLATIONS
    )
    assert not new, "imports that run against the floors:\n" + "\n".join(new)


def test_the_known_list_only_holds_imports_that_still_exist() -> None:
    gone = sorted(KNOWN_VIOLATIONS - forbidden(all_imports()))
    assert not gone, f"fixed, so strike them from KNOWN_VIOLATIONS: {gone}"


def test_the_domain_imports_nothing_that_does_io() -> None:
    bad = [
        problem
        for name, path in modules().items()
        if floor_of(name) == DOMAIN
        for problem in impure_domain_imports(name, path.read_text(encoding="utf-8"))
    ]
    assert not bad, "\n".join(bad)


def test_no_module_imports_itself_in_a_circle() -> None:
    assert circles({(i.importer, i.imported) for i in all_imports()}) == []


# --- the checks can fail -------------------------------------------------------------------------
KNOWN = {
    "samsnakk_bot.domain.x": Path("samsnakk_bot/domain/x.py"),
    "samsnakk_bot.services.y": Path("samsnakk_bot/services/y.py"),
    "samsnakk_bot.services.ports": Path("samsnakk_bot/services/ports.py"),
    "samsnakk_bot.store": Path("samsnakk_bot/store/__init__.py"),
    "samsnakk_bot.store.z": Path("samsnakk_bot/store/z.py"),
    "samsnakk_bot.matrix.bot": Path("samsnakk_bot/matrix/bot.py"),
    "bridge.outbox_worker": Path("bridge/outbox_worker.py"),
    "samsnakk_bot.app": Path("samsnakk_bot/app.py"),
    "samsnakk_bot.crypto.labels": Path("samsnakk_bot/crypto/labels.py"),
}


@pytest.mark.parametrize(
    ("importer", "source", "breaks"),
    [
        ("samsnakk_bot.domain.x", "from samsnakk_bot.services.y import Y", True),
        ("samsnakk_bot.domain.x", "def f():\n    import samsnakk_bot.store.z", True),
        ("samsnakk_bot.domain.x", "from samsnakk_bot.crypto import labels", True),
        ("samsnakk_bot.services.y", "from samsnakk_bot.store import Database", True),
        ("samsnakk_bot.services.y", "from samsnakk_bot.app import SamsnakkApp", True),
        ("samsnakk_bot.services.y", "from bridge.outbox_worker import OutboxWorker", True),
        ("samsnakk_bot.store.z", "from samsnakk_bot.matrix.bot import Bot", True),
        ("samsnakk_bot.store.z", "from samsnakk_bot.services.y import Y", True),
        ("bridge.outbox_worker", "from samsnakk_bot.services.y import Y", True),
        ("samsnakk_bot.crypto.labels", "from samsnakk_bot.domain import x", True),
        ("samsnakk_bot.services.y", "from samsnakk_bot.services.ports import Port", False),
        ("samsnakk_bot.services.y", "from samsnakk_bot.crypto import labels", False),
        ("samsnakk_bot.store.z", "from samsnakk_bot.services.ports import Port", False),
        ("samsnakk_bot.store.z", "from . import Database", False),
        ("samsnakk_bot.app", "from samsnakk_bot.store.z import Z", False),
        ("samsnakk_bot.domain.x", "from samsnakk_bot.domain import x", False),
    ],
)
def test_the_checker_sees_a_forbidden_import(importer: str, source: str, breaks: bool) -> None:
    found = list(imports_of(importer, source, KNOWN))
    assert found, "the import was not read"
    assert bool(forbidden(found)) is breaks


def test_the_checker_sees_io_in_the_domain() -> None:
    source = "import os\nfrom pathlib import Path\nimport aiohttp\nimport re\nimport icalendar"
    assert impure_domain_imports("samsnakk_bot.domain.x", source) == [
        "samsnakk_bot.domain.x:1 imports os",
        "samsnakk_bot.domain.x:2 imports pathlib",
        "samsnakk_bot.domain.x:3 imports aiohttp",
    ]


def test_the_checker_sees_a_circle() -> None:
    edges = {("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e")}
    assert circles(edges) == [["a", "b", "c"]]
