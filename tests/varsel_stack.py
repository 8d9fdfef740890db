"""A Synapse with our app wired to a local LINK Mobility and a local SMTP server."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fakes.linkmobility import FakeLinkMobility
from fakes.smtp import FakeSmtpServer
from matrix_harness import RunningSynapse, free_port, start_synapse

from bridge.channels.email_smtp import SmtpConfig
from bridge.channels.sms_linkmobility import LinkMobilityConfig
from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.config import VarselConfig
from samsnakk_bot.policies import Policies, load_policies


@dataclass
class Stack:
    synapse: RunningSynapse
    app: SamsnakkApp
    sms: FakeLinkMobility
    smtp: FakeSmtpServer
    smtp_port: int
    tmp: Path


def _oslo_hour() -> int:
    return datetime.now(UTC).astimezone(ZoneInfo("Europe/Oslo")).hour


def _policies(throttle_s: float = 0) -> Policies:
    base = load_policies(Path("policies"))
    varsler = base.policy.varsler.model_copy(
        update={
            "throttle_period": timedelta(seconds=throttle_s),
            "backoff_base": timedelta(milliseconds=100),
            "backoff_max": timedelta(milliseconds=400),
            "max_attempts": 30,
            # No quiet hours unless a test asks: the suite may run at any hour, so the
            # policy's one quiet hour lies half a day from now (a fixed 03-04 failed at 03).
            "quiet_start": (_oslo_hour() + 12) % 24,
            "quiet_end": (_oslo_hour() + 13) % 24,
        }
    )
    return base.model_copy(update={"policy": base.policy.model_copy(update={"varsler": varsler})})


async def make_stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    tmp = tmp_path_factory.mktemp("varsler")
    synapse = start_synapse(tmp / "synapse")
    dlr_secret = secrets.token_urlsafe(24)
    base_cfg = synapse.stack.config
    sms = FakeLinkMobility(
        username="samsnakk",
        password="lenkepassord-123",
        dedupe_ref_id=False,
        dlr_url=f"{base_cfg.appservice.url}/_samsnakk/sms/linkmobility/dlr",
        dlr_secret=dlr_secret,
    )
    await sms.start()
    smtp_port = free_port()
    smtp = FakeSmtpServer(port=smtp_port).start()
    cfg = base_cfg.model_copy(
        update={
            "varsler": VarselConfig(
                sms=LinkMobilityConfig(
                    base_url=sms.base_url,
                    username="samsnakk",
                    password="lenkepassord-123",
                    platform_id="fake-platform",
                    platform_partner_id="fake-partner",
                    gate_id="gate-1",
                ),
                email=SmtpConfig(
                    host="127.0.0.1",
                    port=smtp_port,
                    security="none",
                    from_address="samsnakk@askoy.kommune.no",
                ),
                dlr_secret=dlr_secret,
            )
        }
    )
    app = SamsnakkApp(cfg, policies=_policies())
    await app.start()
    current = Stack(synapse, app, sms, smtp, smtp_port, tmp)
    try:
        yield current
    finally:
        # Each step on its own: one failing stop must never leave Synapse running.
        try:
            await app.stop()
        finally:
            try:
                current.smtp.stop()
            finally:
                try:
                    await sms.stop()
                finally:
                    synapse.process.stop()
