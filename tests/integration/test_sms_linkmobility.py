"""LINK Mobility SMS: our channel and delivery-report endpoint against a local LINK server."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from fakes.linkmobility import DELIVERED, FakeLinkMobility
from pydantic import ValidationError

from bridge.channels.base import OutboundSms, PermanentFailure, TemporaryFailure
from bridge.channels.sms_linkmobility import LinkMobilityConfig, LinkMobilitySms
from bridge.delivery_reports import DeliveryReport, parse_link_delivery_report
from bridge.sms_text import is_gsm7_single_segment
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.onboarding_link import element_x_link
from samsnakk_bot.http.delivery_reports import PATH, DeliveryReportRoutes

USER, PASSWORD = "samsnakk-test", "link-password-for-tests"
DLR_SECRET = "dlr-secret-0123456789abcdef"
TEXT = "Du har en ny melding i Samsnakk. Åpne appen for å lese den."


def _sms(ref_id: str = "varsel-1") -> OutboundSms:
    return OutboundSms(to_e164="+4791234567", text=TEXT, ref_id=ref_id)


def _config(fake: FakeLinkMobility, **overrides: object) -> LinkMobilityConfig:
    values: dict[str, object] = {
        "base_url": fake.base_url,
        "username": USER,
        "password": PASSWORD,
        "platform_id": fake.platform_id,
        "platform_partner_id": fake.platform_partner_id,
        "gate_id": "gate-1",
        "timeout_s": 2,
    }
    return LinkMobilityConfig.model_validate(values | overrides)


class RecordingSink:
    def __init__(self) -> None:
        self.reports: list[DeliveryReport] = []
        self.fail = False

    async def __call__(self, report: DeliveryReport) -> None:
        if self.fail:
            raise RuntimeError("database is down")
        self.reports.append(report)


@pytest_asyncio.fixture(loop_scope="session")
async def sink() -> RecordingSink:
    return RecordingSink()


@pytest_asyncio.fixture(loop_scope="session")
async def dlr_url(sink: RecordingSink) -> AsyncIterator[str]:
    app = web.Application()
    DeliveryReportRoutes(DLR_SECRET, sink).register(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}{PATH}"
    await runner.cleanup()


@pytest_asyncio.fixture(loop_scope="session")
async def fake(dlr_url: str) -> AsyncIterator[FakeLinkMobility]:
    async with FakeLinkMobility(
        username=USER, password=PASSWORD, dlr_url=dlr_url, dlr_secret=DLR_SECRET
    ) as server:
        yield server


@pytest_asyncio.fixture(loop_scope="session")
async def channel(fake: FakeLinkMobility) -> AsyncIterator[LinkMobilitySms]:
    async with LinkMobilitySms(_config(fake)) as sms:
        yield sms


# --- sending -------------------------------------------------------------------------------


async def test_accepted_sms_returns_message_id_and_provider_got_what_we_sent(
    fake: FakeLinkMobility, channel: LinkMobilitySms
) -> None:
    message_id = await channel.send_sms(_sms("varsel-42"))

    assert len(fake.messages) == 1
    got = fake.messages[0]
    assert message_id == got.message_id
    assert (got.destination, got.user_data, got.ref_id) == ("+4791234567", TEXT, "varsel-42")
    assert got.source == "Samsnakk"
    assert got.delivery_report_gates == ("gate-1",)


async def test_onboarding_sms_arrives_with_the_app_link_as_one_gsm7_text(
    fake: FakeLinkMobility, channel: LinkMobilitySms
) -> None:
    link = element_x_link("samsnakk.example.kommune.no")
    text = texts.onboarding_sms_with_link("K7QM-3XHP", 72, link)

    await channel.send_sms(OutboundSms("+4791234568", text, "onboarding-1"))

    got = next(m for m in fake.messages if m.ref_id == "onboarding-1")
    assert got.user_data == text and got.user_data.endswith(f" {link}")
    sent = next(r for r in fake.requests if r.get("refId") == "onboarding-1")
    assert sent["dcs"] == "TEXT"  # GSM-7, not UCS-2
    assert is_gsm7_single_segment(got.user_data)


async def test_provider_503_is_temporary(fake: FakeLinkMobility, channel: LinkMobilitySms) -> None:
    fake.fail_next(1, 503)

    with pytest.raises(TemporaryFailure) as exc:
        await channel.send_sms(_sms())

    assert "503" in exc.value.reason
    assert fake.messages == []


async def test_provider_429_is_temporary_and_honours_retry_after(
    fake: FakeLinkMobility, channel: LinkMobilitySms
) -> None:
    fake.fail_next(1, 429, retry_after="7")

    with pytest.raises(TemporaryFailure) as exc:
        await channel.send_sms(_sms())

    assert exc.value.retry_after_s == 7
    assert "429" in exc.value.reason


async def test_retry_after_as_http_date_becomes_a_delay(
    fake: FakeLinkMobility, channel: LinkMobilitySms
) -> None:
    fake.fail_next(1, 429, retry_after="Wed, 21 Oct 2015 07:28:00 GMT")

    with pytest.raises(TemporaryFailure) as exc:
        await channel.send_sms(_sms())

    assert exc.value.retry_after_s == 0  # a date in the past: try again now


async def test_wrong_password_is_permanent(fake: FakeLinkMobility) -> None:
    async with LinkMobilitySms(_config(fake, password="not-the-password")) as sms:
        with pytest.raises(PermanentFailure) as exc:
            await sms.send_sms(_sms())

    assert "401" in exc.value.reason
    assert fake.messages == []


async def test_refused_number_is_permanent_and_reason_has_no_number_or_text(
    fake: FakeLinkMobility, channel: LinkMobilitySms
) -> None:
    bad = OutboundSms(to_e164="91234567", text=TEXT, ref_id="varsel-bad")

    with pytest.raises(PermanentFailure) as exc:
        await channel.send_sms(bad)

    assert exc.value.reason == "LINK Mobility answered HTTP 400, resultCode 2106"
    assert "91234567" not in str(exc.value) and "Samsnakk" not in str(exc.value)


async def test_provider_down_is_temporary(fake: FakeLinkMobility, channel: LinkMobilitySms) -> None:
    await fake.down()
    try:
        with pytest.raises(TemporaryFailure) as exc:
            await channel.send_sms(_sms())
    finally:
        await fake.up()

    assert "unreachable" in exc.value.reason
    assert await channel.send_sms(_sms()) == fake.messages[0].message_id


async def test_provider_too_slow_is_temporary(fake: FakeLinkMobility) -> None:
    fake.fail_next(1, 503, delay_s=0.6)

    async with LinkMobilitySms(_config(fake, timeout_s=0.1)) as sms:
        with pytest.raises(TemporaryFailure) as exc:
            await sms.send_sms(_sms())

    assert "in time" in exc.value.reason


async def test_resend_with_same_ref_id_is_one_message_at_the_provider(
    fake: FakeLinkMobility, channel: LinkMobilitySms
) -> None:
    first = await channel.send_sms(_sms("varsel-7"))
    second = await channel.send_sms(_sms("varsel-7"))

    assert first == second
    assert [m.ref_id for m in fake.messages] == ["varsel-7"]
    assert [r["refId"] for r in fake.requests] == ["varsel-7", "varsel-7"]


def test_config_rejects_bad_values_naming_the_field() -> None:
    base = {
        "base_url": "https://n-eu.linkmobility.io",
        "username": USER,
        "password": PASSWORD,
        "platform_id": "p",
        "platform_partner_id": "pp",
    }
    assert LinkMobilityConfig.model_validate(base).source == "Samsnakk"
    for key, value in [
        ("source", "Samsnakk Askøy"),
        ("source", "12345678"),
        ("password", "changeme"),
        ("base_url", "n-eu.linkmobility.io"),
        ("sender", "x"),
    ]:
        with pytest.raises(ValidationError, match=key):
            LinkMobilityConfig.model_validate(base | {key: value})


# --- delivery reports ----------------------------------------------------------------------


async def test_delivery_report_from_provider_reaches_the_sink(
    fake: FakeLinkMobility, channel: LinkMobilitySms, sink: RecordingSink
) -> None:
    message_id = await channel.send_sms(_sms("varsel-dlr"))
    await fake.drain_dlrs()

    assert fake.dlr_statuses == [200]
    assert len(sink.reports) == 1
    report = sink.reports[0]
    assert (report.provider_message_id, report.ref_id) == (message_id, "varsel-dlr")
    assert report.delivered is True
    assert report.result_code == DELIVERED
    assert report.status_ms is not None


async def test_delivery_report_with_bearer_secret_is_accepted(
    fake: FakeLinkMobility, channel: LinkMobilitySms, sink: RecordingSink
) -> None:
    fake.dlr_auth = "bearer"
    fake.dlr_result_code = 1006

    await channel.send_sms(_sms())
    await fake.drain_dlrs()

    assert fake.dlr_statuses == [200]
    assert [(r.delivered, r.result_code) for r in sink.reports] == [(False, 1006)]


async def test_delivery_report_with_wrong_secret_is_refused_and_not_stored(
    fake: FakeLinkMobility, channel: LinkMobilitySms, sink: RecordingSink
) -> None:
    fake.dlr_secret = "not-the-secret-but-long-enough"

    await channel.send_sms(_sms())
    await fake.drain_dlrs()

    assert fake.dlr_statuses == [403]
    assert sink.reports == []


async def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            url, data=body, headers={"Content-Type": "application/json", **headers}
        ) as resp,
    ):
        return resp.status


def _basic(password: str) -> dict[str, str]:
    token = base64.b64encode(f"link:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


GOOD_REPORT = b'{"id": "abc123", "refId": "varsel-1", "resultCode": 1001}'


async def test_delivery_report_without_credentials_is_401_and_not_stored(
    dlr_url: str, sink: RecordingSink
) -> None:
    assert await _post(dlr_url, GOOD_REPORT, {}) == 401
    assert await _post(dlr_url, GOOD_REPORT, {"Authorization": "Bearer "}) == 401
    assert await _post(dlr_url, GOOD_REPORT, _basic("wrong-secret")) == 403
    assert await _post(dlr_url, GOOD_REPORT, {"Authorization": "Basic %%%"}) == 403
    assert sink.reports == []


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2]",
        b'{"refId": "varsel-1", "resultCode": 1001}',
        b'{"id": "abc123", "refId": "varsel-1"}',
        b'{"id": "abc123", "resultCode": "delivered"}',
        b'{"id": 5, "resultCode": 1001}',
    ],
)
async def test_malformed_delivery_report_is_400_and_not_stored(
    dlr_url: str, sink: RecordingSink, body: bytes
) -> None:
    assert await _post(dlr_url, body, _basic(DLR_SECRET)) == 400
    assert sink.reports == []


async def test_sink_failure_is_500_so_provider_retries(dlr_url: str, sink: RecordingSink) -> None:
    sink.fail = True

    assert await _post(dlr_url, GOOD_REPORT, _basic(DLR_SECRET)) == 500
    sink.fail = False
    assert await _post(dlr_url, GOOD_REPORT, _basic(DLR_SECRET)) == 200
    assert [r.provider_message_id for r in sink.reports] == ["abc123"]


@pytest.mark.parametrize(
    ("code", "delivered"),
    [
        *[(1001, True), (1007, True)],
        *[(1000, None), (1005, None), (1010, None), (4, None)],
        *[(1002, False), (1006, False), (2104, False), (0, False), (9999, False)],
    ],
)
def test_result_codes_map_to_delivered_pending_or_failed(code: int, delivered: bool | None) -> None:
    report = parse_link_delivery_report({"id": "m1", "resultCode": code}, received_ms=5)
    assert (report.delivered, report.result_code, report.received_ms) == (delivered, code, 5)


def test_multipart_id_suffix_is_removed_and_missing_ref_id_is_none() -> None:
    report = parse_link_delivery_report(
        {"id": "abc123$0", "refId": None, "resultCode": 1001, "timestamp": "2025-01-02T03:04:05Z"}
    )
    assert (report.provider_message_id, report.ref_id) == ("abc123", None)
    assert report.status_ms == 1735787045000
