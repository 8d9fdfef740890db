"""The onboarding link: the form Element X understands, and where its server comes from."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from config_files import minimal_config

from samsnakk_bot.config import ConfigError, parse_config
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.onboarding_link import OnboardingLinks, element_x_link
from samsnakk_bot.domain.replies import Reply


def test_link_presets_the_server_for_element_x() -> None:
    link = element_x_link("samsnakk.example.kommune.no")
    assert link == (
        "https://mobile.element.io/element/?account_provider=samsnakk.example.kommune.no"
    )


def test_login_hint_names_the_matrix_id_and_parses_back() -> None:
    link = element_x_link("hs.test", "@b-abcdefghijklmnop:hs.test")
    assert link == (
        "https://mobile.element.io/element/?account_provider=hs.test"
        "&login_hint=mxid:@b-abcdefghijklmnop:hs.test"
    )
    query = parse_qs(urlsplit(link).query, strict_parsing=True)
    assert query == {
        "account_provider": ["hs.test"],
        "login_hint": ["mxid:@b-abcdefghijklmnop:hs.test"],
    }


def test_a_server_name_with_a_port_keeps_it() -> None:
    assert element_x_link("hs.test:8448").endswith("?account_provider=hs.test:8448")


def _config(**onboarding: Any) -> dict[str, Any]:
    raw = minimal_config()
    if onboarding:
        raw["onboarding"] = onboarding
    return raw


def test_account_provider_defaults_to_the_server_name() -> None:
    cfg = parse_config(_config(), environ={})
    assert cfg.onboarding_links == OnboardingLinks("hs.test", None)
    assert (
        cfg.onboarding_links.app() == "https://mobile.element.io/element/?account_provider=hs.test"
    )


def test_account_provider_and_page_come_from_config() -> None:
    cfg = parse_config(
        _config(
            account_provider="matrix.kommune.no", public_url="https://matrix.kommune.no/velkommen"
        ),
        environ={},
    )
    assert cfg.onboarding_links.app().endswith("?account_provider=matrix.kommune.no")
    assert cfg.onboarding_links.page_url == "https://matrix.kommune.no/velkommen"


def test_empty_onboarding_section_means_defaults() -> None:
    raw = minimal_config()
    raw["onboarding"] = None
    assert parse_config(raw, environ={}).onboarding_links.account_provider == "hs.test"


@pytest.mark.parametrize(
    "bad",
    ["https://matrix.kommune.no", "matrix kommune.no", "matrix.kommune.no/", "-x.no", "x.no:"],
)
def test_account_provider_must_be_a_server_name(bad: str) -> None:
    with pytest.raises(ConfigError, match="onboarding.account_provider: must be a server name"):
        parse_config(_config(account_provider=bad), environ={})


@pytest.mark.parametrize("bad", ["matrix.kommune.no/velkommen", "https://", "ftp://x.no/v"])
def test_public_url_must_be_a_web_address(bad: str) -> None:
    with pytest.raises(ConfigError, match="onboarding.public_url"):
        parse_config(_config(public_url=bad), environ={})


def test_creator_gets_the_link_and_the_page() -> None:
    base = Reply("Rommet «Samsnakk · 1234» er opprettet og kryptert.", None)
    link = element_x_link("hs.test")
    reply = texts.with_onboarding_link(base, link, "https://hs.test/velkommen", hinted=False)
    assert reply.body.startswith(base.body + "\n")
    assert f"installert: {link}" in reply.body
    assert "https://hs.test/velkommen" in reply.body
    assert "fyller også inn" not in reply.body
    hinted = texts.with_onboarding_link(base, link, None, hinted=True)
    assert "fyller også inn brukerens konto" in hinted.body and "På en PC" not in hinted.body
