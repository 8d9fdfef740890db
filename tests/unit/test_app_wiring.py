"""Start-up refuses a policy the config cannot carry out, before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_files import minimal_config

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.config import ConfigError, parse_config
from tests.unit.test_policies import write_policies


def test_close_mode_delete_without_an_admin_token_stops_the_start(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    policies = write_policies(tmp_path / "p", {"room": {"close_mode": "delete"}})
    raw = minimal_config(
        policies_dir=str(policies),
        database={"url": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"},
        bot={"pickle_key": "p" * 32, "store_dir": str(tmp_path / "crypto")},
    )

    with pytest.raises(ConfigError, match="homeserver.admin_token"):
        SamsnakkApp(parse_config(raw, "test", environ={}))

    raw["homeserver"]["admin_token"] = "t" * 32
    app = SamsnakkApp(parse_config(raw, "test", environ={}))
    assert app.retention.deleter is not None


def test_deactivating_accounts_at_offboarding_without_an_admin_token_stops_the_start(
    tmp_path: Path,
) -> None:
    (tmp_path / "p").mkdir()
    policies = write_policies(tmp_path / "p", {"offboarding": {"deactivate_account": True}})
    raw = minimal_config(
        policies_dir=str(policies),
        database={"url": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"},
        bot={"pickle_key": "p" * 32, "store_dir": str(tmp_path / "crypto")},
    )

    with pytest.raises(ConfigError, match="offboarding.deactivate_account"):
        SamsnakkApp(parse_config(raw, "test", environ={}))

    raw["homeserver"]["admin_token"] = "t" * 32
    SamsnakkApp(parse_config(raw, "test", environ={}))
