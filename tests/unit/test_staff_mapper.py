"""Synapse's staff mapper (deploy/synapse/samsnakk_staff.py): a keyed hash, never a name."""

from __future__ import annotations

import ast
import asyncio
import base64
import re
import sys
from pathlib import Path

import pytest

MAPPER_FILE = Path(__file__).parents[2] / "deploy" / "synapse" / "samsnakk_staff.py"
sys.path.insert(0, str(MAPPER_FILE.parent))
import samsnakk_staff  # noqa: E402

KEY = b"s" * 32


def _mapper(tmp_path: Path, **config: str) -> samsnakk_staff.StaffMapper:
    secret = tmp_path / "staff.key"
    secret.write_text(base64.b64encode(KEY).decode() + "\n")
    parsed = samsnakk_staff.StaffMapper.parse_config({"secret_file": str(secret), **config})
    return samsnakk_staff.StaffMapper(parsed, object())


def _map(mapper: samsnakk_staff.StaffMapper, failures: int = 0, **claims: str) -> dict[str, str]:
    return asyncio.run(mapper.map_user_attributes(claims, {}, failures))


def test_the_localpart_comes_from_the_subject_alone(tmp_path: Path) -> None:
    mapper = _mapper(tmp_path)
    one = _map(mapper, sub="pid-1", preferred_username="samsnakk", name="Trond Hansen")
    two = _map(mapper, sub="pid-2", preferred_username="samsnakk", name="Trond Hansen")
    assert re.fullmatch(r"a-[a-z2-7]{16}", one["localpart"])
    assert one["localpart"] != two["localpart"]
    assert one["display_name"] == two["display_name"] == "Trond Hansen"
    assert _map(mapper, sub="pid-1", name="Another Name")["localpart"] == one["localpart"]
    assert one["localpart"] == samsnakk_staff.staff_localpart(KEY, "pid-1")


def test_another_claim_can_be_the_subject_and_a_missing_one_is_refused(tmp_path: Path) -> None:
    mapper = _mapper(tmp_path, subject_claim="oid")
    assert _map(mapper, sub="x", oid="o-1")["localpart"] == samsnakk_staff.staff_localpart(
        KEY, "o-1"
    )
    with pytest.raises(ValueError, match="no oid claim"):
        _map(mapper, sub="x")


def test_a_taken_localpart_fails_the_login_instead_of_inventing_one(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="taken"):
        _map(_mapper(tmp_path), failures=1, sub="pid-1")


def test_staff_mapper_needs_only_the_standard_library() -> None:
    tree = ast.parse(MAPPER_FILE.read_text())
    modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert {m.split(".")[0] for m in modules} <= set(sys.stdlib_module_names)
