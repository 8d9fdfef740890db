"""An SMS provider's delivery report: kept as it came, then applied to its outbox row."""

from __future__ import annotations

from typing import Protocol


class DeliveryReport(Protocol):
    """A parsed report (bridge/delivery_reports.py parses LINK Mobility's)."""

    @property
    def provider_message_id(self) -> str: ...
    @property
    def ref_id(self) -> str | None: ...
    @property
    def result_code(self) -> int: ...
    @property
    def delivered(self) -> bool | None: ...
    @property
    def received_ms(self) -> int: ...


class ReportLog(Protocol):
    async def add(
        self,
        provider: str,
        provider_ref: str,
        ref_id: str | None,
        result_code: int,
        delivered: bool | None,
        now_ms: int,
    ) -> None: ...


class ReportedOutbox(Protocol):
    async def apply_report(
        self, provider_ref: str, delivered: bool | None, now_ms: int
    ) -> bool: ...


class DeliveryReports:
    def __init__(self, reports: ReportLog, outbox: ReportedOutbox, provider: str) -> None:
        self._reports = reports
        self._outbox = outbox
        self._provider = provider

    async def on_report(self, report: DeliveryReport) -> None:
        await self._reports.add(
            self._provider,
            report.provider_message_id,
            report.ref_id,
            report.result_code,
            report.delivered,
            report.received_ms,
        )
        await self._outbox.apply_report(
            report.provider_message_id, report.delivered, report.received_ms
        )
