"""The bot and Synapse's ID-porten mapper turn a fødselsnummer into the same pseudonym."""

from __future__ import annotations

import ast
import asyncio
import base64
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samsnakk_bot.config import ConfigError, parse_config
from samsnakk_bot.domain.pseudonym import pseudonym_localpart
from tests.config_files import minimal_config

MAPPER_FILE = Path(__file__).parents[2] / "deploy" / "synapse" / "samsnakk_idporten.py"
sys.path.insert(0, str(MAPPER_FILE.parent))
import samsnakk_idporten  # noqa: E402

LOCALPART = re.compile(r"^b-[a-z2-7]{16}$")
FNR = "15076500565"
KEYS = st.binary(min_size=32, max_size=32)
NUMBERS = st.text("0123456789", min_size=11, max_size=11)


def _mapper(tmp_path: Path, key: bytes) -> samsnakk_idporten.PseudonymMapper:
    secret = tmp_path / "pseudonym.key"
    secret.write_text(base64.b64encode(key).decode() + "\n")
    config = samsnakk_idporten.PseudonymMapper.parse_config({"secret_file": str(secret)})
    return samsnakk_idporten.PseudonymMapper(config)


@given(KEYS, NUMBERS)
def test_bot_and_mapper_derive_the_same_localpart(key: bytes, number: str) -> None:
    ours = pseudonym_localpart(key, number)
    assert ours == samsnakk_idporten.derive_localpart(key, number)
    assert LOCALPART.match(ours) and number not in ours


def test_the_key_decides_the_pseudonym() -> None:
    assert pseudonym_localpart(b"a" * 32, FNR) != pseudonym_localpart(b"b" * 32, FNR)
    assert pseudonym_localpart(b"a" * 32, FNR) == pseudonym_localpart(b"a" * 32, FNR)


def test_mapper_maps_pid_from_its_secret_file_and_stores_no_number(tmp_path: Path) -> None:
    key = bytes(range(32))
    mapper = _mapper(tmp_path, key)
    userinfo = {"sub": "pairwise-sub", "pid": FNR}
    attributes = asyncio.run(mapper.map_user_attributes(userinfo, {}, 0))
    assert attributes["localpart"] == pseudonym_localpart(key, FNR)
    assert mapper.get_remote_user_id(userinfo) == attributes["localpart"]
    assert FNR not in repr(attributes) and attributes["display_name"] is None
    with pytest.raises(ValueError, match="no pid claim") as err:
        mapper.get_remote_user_id({"sub": "x", "pid": FNR[:10]})
    assert FNR[:10] not in str(err.value)
    with pytest.raises(ValueError, match="cannot match"):
        asyncio.run(mapper.map_user_attributes(userinfo, {}, 1))


def test_mapper_refuses_a_missing_or_short_key(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="secret_file"):
        samsnakk_idporten.PseudonymMapper.parse_config({})
    with pytest.raises(ValueError, match="could not read"):
        samsnakk_idporten.PseudonymMapper.parse_config({"secret_file": str(tmp_path / "nope")})
    short = tmp_path / "short.key"
    short.write_text(base64.b64encode(b"k" * 16).decode())
    with pytest.raises(ValueError, match="32 bytes"):
        samsnakk_idporten.PseudonymMapper.parse_config({"secret_file": str(short)})


def test_mapper_needs_only_the_standard_library() -> None:
    """Operators run Synapse without Samsnakk installed."""
    tree = ast.parse(MAPPER_FILE.read_text())
    modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert {m.split(".")[0] for m in modules} <= set(sys.stdlib_module_names)


def test_pseudonym_key_is_optional_checked_and_may_come_from_the_environment() -> None:
    key = base64.b64encode(b"p" * 32).decode()
    assert parse_config(minimal_config(), environ={}).security.pseudonym_key_bytes is None
    env = {"SAMSNAKK_SECURITY_PSEUDONYM_KEY": key}
    assert parse_config(minimal_config(), environ=env).security.pseudonym_key_bytes == b"p" * 32
    with pytest.raises(ConfigError, match="security.pseudonym_key: must decode to 32 bytes"):
        parse_config(minimal_config(), environ={"SAMSNAKK_SECURITY_PSEUDONYM_KEY": "c2hvcnQ="})
