"""What the use cases need from the outside world, as small protocols.

The nio/HTTP adapter (matrix/room_actions.py) implements ``RoomActions``; tests and the
domain never see Matrix details beyond user and room IDs. What the use cases need from the
store is in ``store_ports.py``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from samsnakk_bot.domain.records import NewAuditEntry
from samsnakk_bot.domain.replies import Reply


@dataclass(frozen=True, slots=True)
class RoomMember:
    membership: str  # "join", "invite" or "leave"
    sender: str
    ts_ms: int


class AliasTaken(Exception):
    """The room alias is already taken on the homeserver (``M_ROOM_IN_USE``)."""


class RoomActions(Protocol):
    async def create_room(
        self,
        name: str,
        alias_localpart: str,
        initial_state: list[dict[str, Any]],
        power_levels: dict[str, Any],
        invite: list[str],
    ) -> str: ...

    async def invite(self, room_id: str, user_id: str) -> None: ...

    async def kick(self, room_id: str, user_id: str, reason: str) -> None: ...

    async def set_name(self, room_id: str, name: str) -> None: ...

    async def set_state(self, room_id: str, event_type: str, content: dict[str, Any]) -> None: ...

    async def say(self, room_id: str, reply: Reply) -> str: ...

    async def say_event(self, room_id: str, event_type: str, content: dict[str, Any]) -> str: ...

    async def edit(self, room_id: str, event_id: str, reply: Reply) -> str: ...

    async def pin(self, room_id: str, event_id: str) -> None: ...

    async def send_file(
        self, room_id: str, data: bytes, mime: str, filename: str, msgtype: str
    ) -> str: ...

    async def create_admin_room(self, name: str, invite: list[str]) -> str: ...

    async def joined_members(self, room_id: str) -> set[str]: ...

    async def current_members(self, room_id: str) -> dict[str, RoomMember]:
        """Everyone joined, invited or gone (who left or was removed, and by whom)."""
        ...

    async def redact(self, room_id: str, event_id: str, reason: str) -> None: ...

    async def upgrade_room(self, room_id: str, version: str) -> str: ...

    async def alias_target(self, alias: str) -> str | None: ...

    async def point_alias(self, alias: str, room_id: str) -> None:
        """Make ``alias`` resolve to ``room_id``, replacing wherever it points now."""
        ...

    async def wait_until_gone(
        self, room_ids: Collection[str], user_id: str, timeout: float = 10.0
    ) -> set[str]: ...

    async def display_name(self, user_id: str) -> str | None: ...

    async def user_exists(self, user_id: str) -> bool: ...


class AccountState(Enum):
    CREATED = "created"
    EXISTS = "exists"
    DEACTIVATED = "deactivated"


class AccountProvisioner(Protocol):
    """Makes a local account that logs in only through the homeserver's SSO (ID-porten)."""

    async def ensure_user(self, user_id: str, display_name: str) -> AccountState: ...


class AccountCloser(Protocol):
    """Deactivates a homeserver account (offboarding, when policy says so)."""

    async def deactivate(self, user_id: str) -> None: ...


class Audit(Protocol):
    async def append(
        self,
        *,
        ts_ms: int,
        actor: str,
        action: str,
        room_id: str | None = None,
        subject: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> Any: ...

    async def append_many(self, entries: Sequence[NewAuditEntry]) -> list[Any]: ...

    async def for_room(self, room_id: str) -> list[Any]: ...

    async def for_actor(self, actor: str) -> list[Any]: ...


class AccessCache(Protocol):
    def expect_invite(self, invitee: str, ttl_s: float = 30) -> None: ...

    def invalidate(self, room_id: str) -> None: ...


class Notifier(Protocol):
    """Varsler: content-free notifications through the outbox."""

    async def notify(
        self,
        user_id: str,
        kind: Any,
        room_id: str | None,
        event_key: str,
        secret: str | None = None,
    ) -> int: ...

    async def notify_phone(self, phone_e164: str, code: str, room_id: str, key: str) -> bool: ...

    async def wants_summary_text(self, user_id: str) -> bool: ...
