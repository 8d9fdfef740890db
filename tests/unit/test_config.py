"""A bad config stops start-up with a message that names the key and says what is wrong."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from config_files import minimal_config

from samsnakk_bot.config import ConfigError, load_config, parse_config

KEY = base64.b64encode(b"k" * 32).decode()


def valid() -> dict[str, Any]:
    return minimal_config()


def test_valid_config_parses_with_defaults() -> None:
    cfg = parse_config(valid(), environ={})
    assert cfg.bot_user_id == "@samsnakk:hs.test"
    assert cfg.sender_user_id == "@samsnakk.as:hs.test"
    assert cfg.appservice.url == "http://127.0.0.1:29330"
    assert cfg.database.url.startswith("sqlite+aiosqlite://")


def test_missing_secret_names_key_and_env_var() -> None:
    raw = valid()
    del raw["appservice"]["hs_token"]
    with pytest.raises(ConfigError) as err:
        parse_config(raw, environ={})
    assert "appservice.hs_token: is required (or set SAMSNAKK_APPSERVICE_HS_TOKEN)" in str(
        err.value
    )


def test_secret_from_environment_wins() -> None:
    raw = valid()
    del raw["bot"]["pickle_key"]
    cfg = parse_config(raw, environ={"SAMSNAKK_BOT_PICKLE_KEY": "e" * 32})
    assert cfg.bot.pickle_key == "e" * 32


def test_placeholder_secret_is_rejected() -> None:
    raw = valid()
    raw["appservice"]["as_token"] = "change-me"
    with pytest.raises(ConfigError, match="appservice.as_token"):
        parse_config(raw, environ={})


def test_unknown_key_is_named() -> None:
    raw = valid()
    raw["appservice"]["hs_tokn"] = "x"
    with pytest.raises(ConfigError) as err:
        parse_config(raw, environ={})
    assert "appservice.hs_tokn: unknown key" in str(err.value)


@pytest.mark.parametrize(
    ("section", "key", "value", "expected"),
    [
        ("homeserver", "url", "127.0.0.1:8008", "must start with http:// or https://"),
        ("database", "url", "sqlite:///x.db", "must use an async driver"),
        ("security", "field_key", "bm90LWEta2V5", "must decode to 32 bytes"),
        ("security", "field_key", "###", "must be base64"),
        ("appservice", "port", 70000, "appservice.port"),
        ("appservice", "bot_localpart", "Samsnakk Bot", "lower-case Matrix localpart"),
    ],
)
def test_bad_values_are_explained(section: str, key: str, value: Any, expected: str) -> None:
    raw = valid()
    raw.setdefault(section, {})[key] = value
    with pytest.raises(ConfigError, match=expected):
        parse_config(raw, environ={})


def test_unreadable_files_are_explained(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "missing.yaml", environ={})
    bad = tmp_path / "bad.yaml"
    bad.write_text("appservice: [unclosed")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad, environ={})


def test_sample_config_only_fails_on_its_placeholders() -> None:
    sample = Path(__file__).parents[2] / "deploy" / "samsnakk.yaml.sample"
    with pytest.raises(ConfigError) as err:
        load_config(sample, environ={})
    problems = [line for line in str(err.value).splitlines() if line.startswith("  - ")]
    assert {p.split(":")[0].strip(" -") for p in problems} == {
        "appservice.as_token",
        "appservice.hs_token",
        "bot.pickle_key",
        "antispam.secret",
        "security.field_key",
    }


def test_cli_exits_2_with_the_message_on_a_bad_config(tmp_path: Path) -> None:
    raw = valid()
    raw["appservice"]["port"] = "not-a-port"
    path = tmp_path / "samsnakk.yaml"
    path.write_text(yaml.safe_dump(raw))
    proc = subprocess.run(
        [sys.executable, "-m", "samsnakk_bot.cli", "check-config", "--config", str(path)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert proc.returncode == 2
    assert "appservice.port" in proc.stderr
    assert "Traceback" not in proc.stderr
