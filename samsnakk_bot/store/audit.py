"""The audit log: append-only and hash-chained (DESIGN.md, security rule 5).

Each row's ``hash`` is HMAC-SHA256, under a chain key, over the previous row's hash followed by
the canonical JSON of the row's content (``ts_ms``, ``room_id``, ``actor``, ``action``,
``subject``, ``details``). The first row's ``prev_hash`` is 64 zeros. :meth:`AuditLog.verify`
recomputes every hash, so it finds a changed row, and checks every link and that ids run 1, 2, 3
… without a gap, so it finds a row deleted or moved in the middle.

Known limits:

- Truncating the newest rows leaves a valid, shorter chain; the chain alone cannot show it.
  Listeners (:meth:`AuditLog.watch`) see every append, so the head can be checkpointed
  outside this database (services/audit_checkpoints.py, D70); :meth:`AuditLog.hashes_at`
  lets ``samsnakk audit verify`` compare the rows against those checkpoints.
- Whoever holds the chain key can rewrite the whole chain. The key is derived from the field key
  (:func:`chain_key_from`), which never lives in the database.

``details`` never holds health information or free text: callers pass IDs, numbers and versions
only. It is a small, flat JSON object (see :data:`MAX_DETAILS_BYTES`).

Ids are assigned here (last id + 1) rather than by the sequence, so a rolled-back append leaves no
gap, and two writers that somehow read the same last row collide on the primary key instead of
forking the chain.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import weakref
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from canonicaljson import encode_canonical_json as canonical_json
from sqlalchemy import Connection, Row, delete, func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from samsnakk_bot.crypto.keys import AUDIT_CHAIN_KEY, derive
from samsnakk_bot.domain.records import AuditEntry, NewAuditEntry
from samsnakk_bot.store._dialect import table_of
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import AuditRow

GENESIS_HASH = "0" * 64
KEY_BYTES = 32
# Largest canonical JSON of ``details``: room for a few IDs and numbers, none for prose.
MAX_DETAILS_BYTES = 1024
# Rows per query while verifying, so a long log is never loaded at once.
VERIFY_PAGE_ROWS = 500
# The entry that records a retention cut: which ids were deleted and the last one's hash.
PRUNED_ACTION = "audit_pruned"
# Two writers that slip past the locks collide on the id; the loser re-reads and tries again.
APPEND_ATTEMPTS = 5
# pg_advisory_xact_lock key for appends: ASCII "SAMSAUD1". Held until the transaction ends.
PG_ADVISORY_LOCK_KEY = 0x53414D5341554431

_audit = table_of(AuditRow)
_DetailValue = str | int | float | bool | None

# One lock per database, shared by every AuditLog on it in this process.
_append_locks: weakref.WeakKeyDictionary[Database, asyncio.Lock] = weakref.WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    checked: int  # rows found intact (all of them when ok, those before the bad one otherwise)
    first_bad_id: int | None
    reason: str  # empty when ok


def chain_key_from(field_key: bytes) -> bytes:
    """The chain key, derived from the field key so that neither key can stand in for the other."""
    return derive(field_key, AUDIT_CHAIN_KEY)


async def audit_table_exists(db: Database) -> bool:
    """Whether the schema has the audit log yet; reads only."""
    async with db.engine.connect() as conn:
        return await conn.run_sync(_has_audit_table)


def _has_audit_table(connection: Connection) -> bool:
    return inspect(connection).has_table(_audit.name)


def _checked_details(details: Mapping[str, Any] | None) -> dict[str, _DetailValue]:
    if details is None:
        return {}
    checked: dict[str, _DetailValue] = {}
    for key, value in details.items():
        if not isinstance(key, str):
            raise TypeError(f"audit details keys must be strings, got {key!r}")
        if value is not None and not isinstance(value, str | int | float | bool):
            raise TypeError(
                f"audit detail {key!r} must be a string, number, bool or None, "
                f"got {type(value).__name__}"
            )
        checked[key] = value
    size = len(canonical_json(checked))
    if size > MAX_DETAILS_BYTES:
        raise ValueError(f"audit details are {size} bytes; the limit is {MAX_DETAILS_BYTES}")
    return checked


def _entry_hash(
    key: bytes,
    prev_hash: str,
    *,
    ts_ms: int,
    room_id: str | None,
    actor: str,
    action: str,
    subject: str | None,
    details: Mapping[str, Any],
) -> str:
    content = canonical_json(
        {
            "ts_ms": ts_ms,
            "room_id": room_id,
            "actor": actor,
            "action": action,
            "subject": subject,
            "details": details,
        }
    )
    return hmac.new(key, prev_hash.encode("utf-8") + content, hashlib.sha256).hexdigest()


def _entry(row: Row[Any]) -> AuditEntry:
    values = dict(row._mapping)
    values["details"] = json.loads(values["details"])
    return AuditEntry(**values)


class AuditLog:
    def __init__(self, db: Database, chain_key: bytes) -> None:
        if len(chain_key) != KEY_BYTES:
            raise ValueError(f"chain key must be {KEY_BYTES} bytes, got {len(chain_key)}")
        self._db = db
        self._key = chain_key
        self._lock = _append_locks.setdefault(db, asyncio.Lock())
        self._listeners: list[Callable[[Sequence[AuditEntry]], None]] = []

    def watch(self, listener: Callable[[Sequence[AuditEntry]], None]) -> None:
        """Call ``listener`` with every committed batch; it must not block (spawn work)."""
        self._listeners.append(listener)

    def unwatch(self, listener: Callable[[Sequence[AuditEntry]], None]) -> None:
        self._listeners.remove(listener)

    async def append(
        self,
        *,
        ts_ms: int,
        actor: str,
        action: str,
        room_id: str | None = None,
        subject: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> AuditEntry:
        """Add one entry at the end of the chain.

        ``details`` is a flat mapping of IDs, numbers and versions, never health information or
        free text; anything else raises ``TypeError``, and more than ``MAX_DETAILS_BYTES`` raises
        ``ValueError``.
        """
        entry = NewAuditEntry(ts_ms, actor, action, room_id, subject, details)
        return (await self.append_many([entry]))[0]

    async def append_many(self, entries: Sequence[NewAuditEntry]) -> list[AuditEntry]:
        """Add several entries at the end of the chain, in order, in one transaction.

        All or nothing: a bad ``details`` in any of them (see :meth:`append`) writes none.
        """
        checked = [(e, _checked_details(e.details)) for e in entries]
        if not checked:
            return []
        async with self._lock:
            for attempt in range(1, APPEND_ATTEMPTS + 1):
                try:
                    made = await self._append_once(checked)
                    break
                except IntegrityError:
                    if attempt == APPEND_ATTEMPTS:
                        raise
            else:  # pragma: no cover - the loop either breaks or raises
                raise AssertionError("unreachable")
            # Under the lock, so listeners see batches in id order.
            for listener in self._listeners:
                listener(made)
        return made

    async def _append_once(
        self, checked: list[tuple[NewAuditEntry, dict[str, _DetailValue]]]
    ) -> list[AuditEntry]:
        last = select(_audit.c.id, _audit.c.hash).order_by(_audit.c.id.desc()).limit(1)
        async with self._db.engine.begin() as conn:
            # Take the cross-process write lock before reading the last row; held to commit.
            if self._db.dialect == "postgresql":
                await conn.execute(text(f"SELECT pg_advisory_xact_lock({PG_ADVISORY_LOCK_KEY})"))
            elif self._db.dialect == "sqlite":
                # pysqlite would only BEGIN (deferred) at the INSERT, after our read.
                await conn.exec_driver_sql("BEGIN IMMEDIATE")
            previous = (await conn.execute(last)).first()
            entry_id, prev_hash = (
                (0, GENESIS_HASH) if previous is None else (previous[0], previous[1])
            )
            made = []
            for new, details in checked:
                entry_id += 1
                entry = AuditEntry(
                    id=entry_id,
                    ts_ms=new.ts_ms,
                    room_id=new.room_id,
                    actor=new.actor,
                    action=new.action,
                    subject=new.subject,
                    details=details,
                    prev_hash=prev_hash,
                    hash=_entry_hash(
                        self._key,
                        prev_hash,
                        ts_ms=new.ts_ms,
                        room_id=new.room_id,
                        actor=new.actor,
                        action=new.action,
                        subject=new.subject,
                        details=details,
                    ),
                )
                made.append(entry)
                prev_hash = entry.hash
            rows = [
                {
                    "id": e.id,
                    "ts_ms": e.ts_ms,
                    "room_id": e.room_id,
                    "actor": e.actor,
                    "action": e.action,
                    "subject": e.subject,
                    "details": canonical_json(e.details).decode("utf-8"),
                    "prev_hash": e.prev_hash,
                    "hash": e.hash,
                }
                for e in made
            ]
            await conn.execute(_audit.insert(), rows)
        return made

    async def for_room(self, room_id: str) -> list[AuditEntry]:
        """Every entry about one room, oldest first."""
        stmt = select(_audit).where(_audit.c.room_id == room_id).order_by(_audit.c.id)
        async with self._db.engine.connect() as conn:
            return [_entry(row) for row in await conn.execute(stmt)]

    async def for_actor(self, actor: str) -> list[AuditEntry]:
        """Every entry one person (or the bot) caused, oldest first."""
        stmt = select(_audit).where(_audit.c.actor == actor).order_by(_audit.c.id)
        async with self._db.engine.connect() as conn:
            return [_entry(row) for row in await conn.execute(stmt)]

    async def latest(self, action: str) -> AuditEntry | None:
        """The newest entry with this action, if any."""
        stmt = select(_audit).where(_audit.c.action == action).order_by(_audit.c.id.desc())
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(stmt.limit(1))).first()
        return None if row is None else _entry(row)

    async def bounds(self) -> tuple[int, int, str | None]:
        """(first id, last id, last hash); ``(0, 0, None)`` for an empty log."""
        stmt = select(func.min(_audit.c.id), func.max(_audit.c.id))
        async with self._db.engine.connect() as conn:
            first, last = (await conn.execute(stmt)).one()
            if last is None:
                return 0, 0, None
            head = select(_audit.c.hash).where(_audit.c.id == last)
            return int(first), int(last), str((await conn.execute(head)).scalar_one())

    async def hashes_at(self, ids: Collection[int]) -> dict[int, str]:
        """The stored hash of each of ``ids`` that the log still has."""
        found: dict[int, str] = {}
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), VERIFY_PAGE_ROWS):
            page = wanted[start : start + VERIFY_PAGE_ROWS]
            stmt = select(_audit.c.id, _audit.c.hash).where(_audit.c.id.in_(page))
            async with self._db.engine.connect() as conn:
                found.update({int(r.id): str(r.hash) for r in await conn.execute(stmt)})
        return found

    async def count(self) -> int:
        async with self._db.engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(_audit))).scalar_one())

    async def prune(self, before_ms: int, actor: str, now_ms: int) -> int:
        """Delete the entries older than ``before_ms`` (the retention rule); returns how many.

        The cut is recorded first, as a new entry naming the last deleted id and its hash, so
        that ``verify`` can tell a pruned start from deleted rows. A crash between the two
        leaves a record with nothing missing yet, which verifies.
        """
        last_old = (
            select(_audit.c.id, _audit.c.hash)
            .where(_audit.c.ts_ms < before_ms)
            .order_by(_audit.c.id.desc())
            .limit(1)
        )
        async with self._db.engine.connect() as conn:
            cut = (await conn.execute(last_old)).first()
        if cut is None:
            return 0
        await self.append(
            ts_ms=now_ms,
            actor=actor,
            action=PRUNED_ACTION,
            details={"up_to_id": int(cut.id), "last_hash": str(cut.hash)},
        )
        async with self._db.engine.begin() as conn:
            result = await conn.execute(delete(_audit).where(_audit.c.id <= cut.id))
        return int(result.rowcount)

    async def verify(self) -> VerifyResult:
        """Walk the whole chain in id order, a page at a time, and report the first bad row.

        A log that starts after id 1 is intact only if a prune record names the missing end.
        """
        expected_id, prev_hash, checked = 1, GENESIS_HASH, 0
        last_id: int | None = None
        missing: tuple[int, str, int] | None = None  # (up_to_id, last_hash, first present id)
        while True:
            page_stmt = select(_audit).order_by(_audit.c.id).limit(VERIFY_PAGE_ROWS)
            if last_id is not None:
                page_stmt = page_stmt.where(_audit.c.id > last_id)
            async with self._db.engine.connect() as conn:
                page = (await conn.execute(page_stmt)).all()
            if not page:
                if missing is not None:
                    return VerifyResult(
                        ok=False,
                        checked=checked,
                        first_bad_id=missing[2],
                        reason="entries before this row are missing, and no prune record says why",
                    )
                return VerifyResult(ok=True, checked=checked, first_bad_id=None, reason="")
            if last_id is None and page[0].id != 1:
                first = page[0]
                expected_id, prev_hash = first.id, first.prev_hash
                missing = (first.id - 1, first.prev_hash, first.id)
            for row in page:
                if missing is not None and row.action == PRUNED_ACTION:
                    said = json.loads(row.details)
                    if (said.get("up_to_id"), said.get("last_hash")) == missing[:2]:
                        missing = None
                reason = self._row_problem(row, expected_id, prev_hash)
                if reason is not None:
                    return VerifyResult(
                        ok=False, checked=checked, first_bad_id=row.id, reason=reason
                    )
                last_id, prev_hash, checked = row.id, row.hash, checked + 1
                expected_id = row.id + 1

    def _row_problem(self, row: Row[Any], expected_id: int, prev_hash: str) -> str | None:
        try:
            details = json.loads(row.details)
        except ValueError:
            return "details are not valid JSON (row changed)"
        if not isinstance(details, dict):
            return "details are not a JSON object (row changed)"
        recomputed = _entry_hash(
            self._key,
            row.prev_hash,
            ts_ms=row.ts_ms,
            room_id=row.room_id,
            actor=row.actor,
            action=row.action,
            subject=row.subject,
            details=details,
        )
        if recomputed != row.hash:
            return "hash mismatch (row changed, or a different key wrote the log)"
        if row.id != expected_id or row.prev_hash != prev_hash:
            return "chain broken before this row (row deleted or reordered)"
        return None
