"""Adding a varsel channel is one module plus its config section (D120).

The channel here lives in tests/fakes/mail_api_channel.py, outside bridge/channels, and is
registered exactly as the built-in ones are. From its config section to a delivered e-post it
runs through the real parts: config, registry, VarselService, the outbox on this database,
and the outbox worker. No other file knows about it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from config_files import minimal_config
from fakes import mail_api_channel
from fakes.mail_api_channel import MailApi

from bridge.channels import registry
from bridge.channels.base import ChannelContext
from bridge.outbox_worker import OutboxWorker
from samsnakk_bot.config import ConfigError, parse_config
from samsnakk_bot.crypto.field_cipher import FieldCipher
from samsnakk_bot.crypto.labels import email_aad
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.varsler import Kind
from samsnakk_bot.metrics import Metrics
from samsnakk_bot.policies import load_policies
from samsnakk_bot.services.varsler import QUIET_OFF, VarselDeps, VarselService
from samsnakk_bot.store import AccountRepo, Database, RoomRepo
from samsnakk_bot.store.brukerrom import BrukerromRepo, ParticipantRepo
from samsnakk_bot.store.varsler import PrefsRepo, VarselPrefs, VarselRepo

KARI = "@kari:hs.test"
ADDRESS = "kari.nordmann@askoy.kommune.no"
NOW_MS = 1_790_000_000_000


@dataclass
class FixedClock:
    ms: int = NOW_MS

    def now_ms(self) -> int:
        return self.ms


class NoDm:
    async def send(self, user_id: str, reply: Reply, txn_id: str) -> str:
        raise AssertionError("this varsel must go by e-post, not in the app")


@pytest.fixture
def own_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The built-in channels as discovered; whatever a test registers is gone afterwards."""
    monkeypatch.setattr(registry, "_SPECS", dict(registry.channel_specs()))
    yield


def _config(**varsler: Any) -> Any:
    return parse_config(minimal_config(varsler=varsler), "test", environ={})


def test_a_section_nobody_registered_is_refused_by_name(own_registry: None) -> None:
    cfg = _config(mail_api={"endpoint": "https://mail.example", "api_key": "k"})
    with pytest.raises(ConfigError, match=r"varsler\.mail_api: unknown key"):
        registry.channel_settings(cfg.varsler)


def test_the_channels_own_model_checks_its_section(own_registry: None) -> None:
    registry.register(mail_api_channel.CHANNEL)
    cfg = _config(mail_api={"endpoint": "https://mail.example"})
    with pytest.raises(ConfigError, match=r"varsler\.mail_api\.api_key: Field required"):
        registry.channel_settings(cfg.varsler)


def test_two_sections_for_one_channel_are_refused(own_registry: None) -> None:
    registry.register(mail_api_channel.CHANNEL)
    smtp = {"host": "127.0.0.1", "from_address": "samsnakk@askoy.kommune.no"}
    cfg = _config(email=smtp, mail_api={"endpoint": "https://mail.example", "api_key": "k"})
    with pytest.raises(ConfigError, match=r"varsler\.email already sends epost"):
        registry.channel_settings(cfg.varsler)


async def test_a_channel_module_from_outside_delivers_a_varsel_through_the_outbox(
    own_registry: None, db: Database, tmp_path: Path
) -> None:
    registry.register(mail_api_channel.CHANNEL)
    cfg = _config(mail_api={"endpoint": "https://mail.example", "api_key": "k" * 16})
    channels = registry.build_channels(
        cfg.varsler, ChannelContext(dm=NoDm(), code_hours=lambda: 72)
    )
    assert set(channels) == {"app", "epost"}
    mail = channels["epost"]
    assert isinstance(mail, MailApi) and mail.config.endpoint == "https://mail.example"

    cipher = FieldCipher(cfg.security.field_key_bytes)
    clock = FixedClock()
    outbox, prefs = VarselRepo(db), PrefsRepo(db)
    policies = load_policies(Path("policies"))
    worker = OutboxWorker(
        outbox, channels, cipher, clock.now_ms, lambda: policies.policy.varsler, Metrics()
    )
    varsler = VarselService(
        VarselDeps(
            bot_user_id="@samsnakk:hs.test",
            outbox=outbox,
            prefs=prefs,
            accounts=AccountRepo(db),
            rooms=RoomRepo(db),
            brukerrom=BrukerromRepo(db),
            participants=ParticipantRepo(db),
            cipher=cipher,
            clock=clock,
            policies=policies,
            available=frozenset(channels),
            wake=worker.wake,
        )
    )
    email = cipher.encrypt(ADDRESS.encode(), email_aad(KARI))
    await prefs.save(VarselPrefs(KARI, ("epost",), None, email, QUIET_OFF, None, False), NOW_MS)

    assert await varsler.notify(KARI, Kind.MESSAGE, "!rom:hs.test", "$event1") == 1
    assert await worker.drain_once() == 1

    subject, body = texts.varsel_email("message", 1)
    [sent] = mail.sent
    assert (sent.to, sent.subject, sent.body) == (ADDRESS, subject, body)
    assert "!rom" not in sent.ref and KARI not in sent.ref
    [row] = await outbox.all()
    assert (row.channel, row.status, row.provider_ref) == ("epost", "sent", "mail-api-1")
    await worker.close()
    assert mail.closed
