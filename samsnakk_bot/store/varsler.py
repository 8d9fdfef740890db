"""The varsel outbox, personal varsel settings and SMS delivery reports.

The outbox is claimed in batches (pending → sending) and every state change is conditional,
so a restart only ever turns an interrupted 'sending' back into 'pending'.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from samsnakk_bot.domain.records import NewVarsel, VarselPrefs
from samsnakk_bot.store._dialect import table_of, upsert_insert
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import DeliveryReportRow, VarselPrefsRow, VarselRow

_varsler = table_of(VarselRow)
_prefs = table_of(VarselPrefsRow)
_reports = table_of(DeliveryReportRow)


@dataclass(frozen=True, slots=True)
class Varsel:
    id: int
    idem_key: str
    user_id: str | None
    channel: str
    kind: str
    room_id: str | None
    count: int
    address_enc: bytes | None
    secret_enc: bytes | None
    status: str
    attempts: int
    not_before_ms: int
    provider_ref: str | None
    last_error: str | None
    created_ms: int
    sent_ms: int | None
    delivered_ms: int | None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one claimed varsel: sent, retry later, or dead."""

    varsel_id: int
    status: str  # "sent" | "pending" | "dead"
    attempts: int
    not_before_ms: int
    provider_ref: str | None
    error: str | None
    at_ms: int


@dataclass(frozen=True, slots=True)
class Released:
    """What a start did with the varsler that were being sent when the last run stopped."""

    resumed: int  # pending again, to be sent once more
    already_sent: int  # the provider had reported on them: not sent twice


class VarselRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def enqueue(self, v: NewVarsel, now_ms: int) -> bool:
        """Store a varsel under its idempotency key; False if that key already exists."""
        stmt = (
            upsert_insert(self._db, _varsler)
            .values(
                idem_key=v.idem_key,
                user_id=v.user_id,
                channel=v.channel,
                kind=v.kind,
                room_id=v.room_id,
                count=1,
                address_enc=v.address_enc,
                secret_enc=v.secret_enc,
                status="pending",
                attempts=0,
                not_before_ms=v.not_before_ms,
                created_ms=now_ms,
            )
            .on_conflict_do_nothing(index_elements=[_varsler.c.idem_key])
        )
        async with self._db.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount == 1

    async def exists(self, idem_key: str) -> bool:
        stmt = select(_varsler.c.id).where(_varsler.c.idem_key == idem_key)
        async with self._db.engine.connect() as conn:
            return (await conn.execute(stmt)).first() is not None

    async def merge_into_pending(self, user_id: str, room_id: str, kind: str, channel: str) -> bool:
        """Count one more event on the varsel still waiting in this thread, if there is one."""
        waiting = (
            select(_varsler.c.id)
            .where(
                _varsler.c.user_id == user_id,
                _varsler.c.room_id == room_id,
                _varsler.c.kind == kind,
                _varsler.c.channel == channel,
                _varsler.c.status == "pending",
            )
            .limit(1)
        )
        async with self._db.engine.begin() as conn:
            row = (await conn.execute(waiting)).first()
            if row is None:
                return False
            stmt = (
                update(_varsler)
                .where(_varsler.c.id == row.id, _varsler.c.status == "pending")
                .values(count=_varsler.c.count + 1)
            )
            return (await conn.execute(stmt)).rowcount == 1

    async def last_sent_ms(self, user_id: str, room_id: str, kind: str, channel: str) -> int | None:
        stmt = select(func.max(_varsler.c.sent_ms)).where(
            _varsler.c.user_id == user_id,
            _varsler.c.room_id == room_id,
            _varsler.c.kind == kind,
            _varsler.c.channel == channel,
        )
        async with self._db.engine.connect() as conn:
            value = await conn.scalar(stmt)
        return int(value) if value is not None else None

    async def claim_due(self, now_ms: int, limit: int) -> list[Varsel]:
        due = (
            select(_varsler.c.id)
            .where(_varsler.c.status == "pending", _varsler.c.not_before_ms <= now_ms)
            .order_by(_varsler.c.not_before_ms, _varsler.c.id)
            .limit(limit)
        )
        async with self._db.engine.begin() as conn:
            ids = [r.id for r in await conn.execute(due)]
            if not ids:
                return []
            await conn.execute(
                update(_varsler)
                .where(_varsler.c.id.in_(ids), _varsler.c.status == "pending")
                .values(status="sending")
            )
            rows = await conn.execute(
                select(_varsler).where(_varsler.c.id.in_(ids), _varsler.c.status == "sending")
            )
            return [Varsel(**r._mapping) for r in rows]

    async def record(self, outcomes: Sequence[Outcome]) -> None:
        """Write a batch of outcomes in one transaction; only rows still 'sending' change."""
        if not outcomes:
            return
        stmt = (
            update(_varsler)
            .where(and_(_varsler.c.id == bindparam("vid"), _varsler.c.status == "sending"))
            .values(
                status=bindparam("new_status"),
                attempts=bindparam("new_attempts"),
                not_before_ms=bindparam("new_not_before"),
                provider_ref=bindparam("new_ref"),
                last_error=bindparam("new_error"),
                sent_ms=bindparam("new_sent"),
            )
        )
        params = [
            {
                "vid": o.varsel_id,
                "new_status": o.status,
                "new_attempts": o.attempts,
                "new_not_before": o.not_before_ms,
                "new_ref": o.provider_ref,
                "new_error": o.error,
                "new_sent": o.at_ms if o.status == "sent" else None,
            }
            for o in outcomes
        ]
        sent_refs = [o.provider_ref for o in outcomes if o.status == "sent" and o.provider_ref]
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt, params)
            if sent_refs:
                await self._settle_early_reports(conn, sent_refs)

    @staticmethod
    async def _settle_early_reports(conn: AsyncConnection, refs: list[str]) -> None:
        """A delivery report can beat our own 'sent' record; apply the ones already here."""
        early = select(_reports.c.provider_ref, _reports.c.delivered, _reports.c.received_ms)
        early = early.where(_reports.c.provider_ref.in_(refs), _reports.c.delivered.is_not(None))
        for ref, delivered, received_ms in await conn.execute(early.order_by(_reports.c.id)):
            await conn.execute(
                update(_varsler)
                .where(_varsler.c.provider_ref == ref, _varsler.c.status == "sent")
                .values(
                    status="delivered" if delivered else "failed",
                    delivered_ms=received_ms if delivered else None,
                )
            )

    async def release_inflight(self, ref_of: Callable[[str], str]) -> Released:
        """At start-up, for each varsel we were sending when we stopped: if its provider has
        reported on it by our reference (``ref_of(idem_key)``, the refId it was sent with), the
        provider had it and it is sent; otherwise it is pending again, to be sent once more."""
        async with self._db.engine.begin() as conn:
            inflight = await conn.execute(
                select(_varsler.c.id, _varsler.c.idem_key).where(_varsler.c.status == "sending")
            )
            by_ref = {ref_of(key): vid for vid, key in inflight}
            reached = await self._reached_provider(conn, by_ref) if by_ref else {}
            for vid, (provider_ref, received_ms) in reached.items():
                await conn.execute(
                    update(_varsler)
                    .where(_varsler.c.id == vid, _varsler.c.status == "sending")
                    .values(
                        status="sent",
                        attempts=_varsler.c.attempts + 1,
                        provider_ref=provider_ref,
                        last_error=None,
                        sent_ms=received_ms,
                    )
                )
            if reached:
                await self._settle_early_reports(conn, [ref for ref, _ in reached.values()])
            result = await conn.execute(
                update(_varsler).where(_varsler.c.status == "sending").values(status="pending")
            )
            return Released(resumed=int(result.rowcount), already_sent=len(reached))

    @staticmethod
    async def _reached_provider(
        conn: AsyncConnection, by_ref: dict[str, int]
    ) -> dict[int, tuple[str, int]]:
        """Varsel ID → (the provider's message ID, when its first report came)."""
        reports = (
            select(_reports.c.ref_id, _reports.c.provider_ref, _reports.c.received_ms)
            .where(_reports.c.ref_id.in_(list(by_ref)))
            .order_by(_reports.c.id)
        )
        reached: dict[int, tuple[str, int]] = {}
        for ref_id, provider_ref, received_ms in await conn.execute(reports):
            reached.setdefault(by_ref[ref_id], (provider_ref, int(received_ms)))
        return reached

    async def next_due_ms(self) -> int | None:
        stmt = select(func.min(_varsler.c.not_before_ms)).where(_varsler.c.status == "pending")
        async with self._db.engine.connect() as conn:
            value = await conn.scalar(stmt)
        return int(value) if value is not None else None

    async def apply_report(self, provider_ref: str, delivered: bool | None, now_ms: int) -> bool:
        if delivered is None:
            return False
        stmt = (
            update(_varsler)
            .where(_varsler.c.provider_ref == provider_ref, _varsler.c.status == "sent")
            .values(
                status="delivered" if delivered else "failed",
                delivered_ms=now_ms if delivered else None,
            )
        )
        async with self._db.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount >= 1

    async def for_user(self, user_id: str) -> list[Varsel]:
        stmt = select(_varsler).where(_varsler.c.user_id == user_id).order_by(_varsler.c.id)
        async with self._db.engine.connect() as conn:
            return [Varsel(**r._mapping) for r in await conn.execute(stmt)]

    async def all(self) -> list[Varsel]:
        async with self._db.engine.connect() as conn:
            rows = await conn.execute(select(_varsler).order_by(_varsler.c.id))
            return [Varsel(**r._mapping) for r in rows]

    async def counts(self) -> dict[tuple[str, str], int]:
        """(channel, status) → how many; for admins, without any content."""
        stmt = select(_varsler.c.channel, _varsler.c.status, func.count()).group_by(
            _varsler.c.channel, _varsler.c.status
        )
        async with self._db.engine.connect() as conn:
            return {(r[0], r[1]): int(r[2]) for r in await conn.execute(stmt)}

    async def dead_letters(self, limit: int = 50) -> list[Varsel]:
        stmt = (
            select(_varsler)
            .where(_varsler.c.status == "dead")
            .order_by(_varsler.c.id.desc())
            .limit(limit)
        )
        async with self._db.engine.connect() as conn:
            return [Varsel(**r._mapping) for r in await conn.execute(stmt)]


class PrefsRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: str) -> VarselPrefs | None:
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(select(_prefs).where(_prefs.c.user_id == user_id))).first()
        if row is None:
            return None
        m = row._mapping
        channels = tuple(c for c in str(m["channels"]).split(",") if c)
        return VarselPrefs(
            user_id,
            channels,
            m["phone_enc"],
            m["email_enc"],
            m["quiet_start"],
            m["quiet_end"],
            bool(m["sms_summary"]),
        )

    async def save(self, prefs: VarselPrefs, now_ms: int) -> None:
        values = {
            "user_id": prefs.user_id,
            "channels": ",".join(prefs.channels),
            "phone_enc": prefs.phone_enc,
            "email_enc": prefs.email_enc,
            "quiet_start": prefs.quiet_start,
            "quiet_end": prefs.quiet_end,
            "sms_summary": prefs.sms_summary,
            "updated_ms": now_ms,
        }
        stmt = upsert_insert(self._db, _prefs).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[_prefs.c.user_id],
            set_={k: v for k, v in values.items() if k != "user_id"},
        )
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt)


class DeliveryReportRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        provider: str,
        provider_ref: str,
        ref_id: str | None,
        result_code: int,
        delivered: bool | None,
        now_ms: int,
    ) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                _reports.insert().values(
                    provider=provider,
                    provider_ref=provider_ref,
                    ref_id=ref_id,
                    result_code=result_code,
                    delivered=delivered,
                    received_ms=now_ms,
                )
            )

    async def for_ref(self, provider_ref: str) -> list[tuple[int, bool | None]]:
        stmt = select(_reports.c.result_code, _reports.c.delivered).where(
            _reports.c.provider_ref == provider_ref
        )
        async with self._db.engine.connect() as conn:
            return [(int(r[0]), r[1]) for r in await conn.execute(stmt)]
