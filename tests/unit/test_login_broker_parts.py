"""The broker's pure parts: localparts, the expiring store, the config and the command line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samsnakk_bot.cli import main
from samsnakk_bot.config import ConfigError
from samsnakk_bot.domain.pseudonym import pseudonym_localpart
from samsnakk_bot.login_broker.config import load_broker_config
from samsnakk_bot.login_broker.flows import ExpiringStore, StoreFull
from samsnakk_bot.login_broker.localparts import (
    UnusableIdentity,
    bruker_localpart,
    staff_localpart,
)

SAMPLE = Path(__file__).parents[2] / "deploy" / "broker" / "broker.yaml.sample"
KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def test_a_bruker_gets_exactly_the_rom_ny_fnr_pseudonym() -> None:
    assert bruker_localpart(KEY, "15076500565") == pseudonym_localpart(KEY, "15076500565")


@pytest.mark.parametrize("pid", ["", "samsnakk", "1507650056", "150765005650", "15076500565\n"])
def test_anything_but_eleven_digits_is_no_bruker(pid: str) -> None:
    with pytest.raises(UnusableIdentity):
        bruker_localpart(KEY, pid)


@given(st.text(min_size=1, max_size=60))
def test_staff_localparts_can_never_be_reserved(identifier: str) -> None:
    localpart = staff_localpart(KEY, "helseid", identifier)
    assert re.fullmatch(r"a-[a-z2-7]{16}", localpart)  # a valid Matrix localpart, never b-…


def test_staff_localparts_are_stable_and_keyed() -> None:
    one = staff_localpart(KEY, "helseid", "02030410176")
    assert one == staff_localpart(KEY, "helseid", "02030410176")
    assert one != staff_localpart(KEY, "helseid", "13097248022")
    assert one != staff_localpart(OTHER_KEY, "helseid", "02030410176")
    # Same number, same key: a staff account is never the bruker account of that person.
    assert one[2:] != pseudonym_localpart(KEY, "02030410176")[2:]


def test_no_identifier_is_no_account() -> None:
    with pytest.raises(UnusableIdentity):
        staff_localpart(KEY, "helseid", "")


def test_the_store_gives_each_value_once_and_never_late() -> None:
    now = [0.0]
    store: ExpiringStore[str] = ExpiringStore(10, limit=2, clock=lambda: now[0])
    key = store.put("flow")
    assert store.get(key) == "flow"
    assert store.pop(key) == "flow"
    assert store.pop(key) is None
    late = store.put("flow")
    now[0] = 10.0
    assert store.get(late) is None and store.pop(late) is None
    assert len(store) == 0


def test_the_store_is_bounded_and_expired_entries_make_room() -> None:
    now = [0.0]
    store: ExpiringStore[int] = ExpiringStore(10, limit=2, clock=lambda: now[0])
    store.put(1)
    store.put(2)
    with pytest.raises(StoreFull):
        store.put(3)
    now[0] = 11.0
    assert store.get(store.put(4)) == 4


def test_the_sample_config_is_valid() -> None:
    cfg = load_broker_config(SAMPLE)
    assert cfg.listen_host == "127.0.0.1"
    assert cfg.idporten is not None and cfg.idporten.acr == "idporten-loa-high"
    assert cfg.helseid is not None and cfg.helseid.subject_claim.endswith("/pid")


def test_config_problems_are_named(tmp_path: Path) -> None:
    text = SAMPLE.read_text().replace("acr: idporten-loa-high", "acr: idporten-loa-substantial")
    bad = tmp_path / "broker.yaml"
    bad.write_text(text + "\nsurprise: 1\n")
    with pytest.raises(ConfigError) as err:
        load_broker_config(bad)
    assert "idporten.acr" in str(err.value) and "surprise" in str(err.value)
    both = tmp_path / "both.yaml"
    both.write_text(
        SAMPLE.read_text().replace(
            "  acr: idporten-loa-high",
            "  private_key_file: /x.jwk\n  acr: idporten-loa-high",
        )
    )
    with pytest.raises(ConfigError, match="exactly one"):
        load_broker_config(both)


def test_the_command_line_runs_the_broker_from_its_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["broker", "--config", str(tmp_path / "missing.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err
