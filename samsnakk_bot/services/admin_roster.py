"""The current admins of each organisation, and which admin room they belong in.

One answer for the admin commands, the antispam checks, the guard and the reconciliation, read
fresh every time: a removed admin loses access at once, not after a cache expires.
"""

from __future__ import annotations

from samsnakk_bot.domain.admins import is_admin_anywhere, org_admins
from samsnakk_bot.policies import HELSEFELLESSKAP_ID, Policies
from samsnakk_bot.services.store_ports import AccountStore, AdminRoomStore


class AdminRoster:
    def __init__(self, policies: Policies, accounts: AccountStore, rooms: AdminRoomStore) -> None:
        self._policies = policies
        self._accounts = accounts
        self.rooms = rooms

    async def admins_of(self, org_id: str) -> frozenset[str]:
        """The organisation's admins; for the helsefellesskap, its report viewers."""
        orgs = self._policies.organisations
        if org_id == HELSEFELLESSKAP_ID:
            hf = orgs.helsefellesskap
            return frozenset(hf.report_viewers) if hf is not None else frozenset()
        org = orgs.by_id(org_id)
        if org is None:
            return frozenset()
        by_role = [(a.user_id, a.org) for a in await self._accounts.with_role("admin")]
        return org_admins(org.admins, (org.name, org.id), by_role)

    async def members_for(self, room_id: str) -> frozenset[str] | None:
        """Who may be in ``room_id`` if it is an admin room; None if it is not one."""
        org_id = await self.rooms.org_of(room_id)
        return None if org_id is None else await self.admins_of(org_id)

    async def is_admin(self, org_id: str, user_id: str) -> bool:
        return user_id in await self.admins_of(org_id)

    async def is_admin_anywhere(self, user_id: str) -> bool:
        orgs = self._policies.organisations
        ids = [o.id for o in orgs.organisations] + [HELSEFELLESSKAP_ID]
        return is_admin_anywhere(user_id, [await self.admins_of(org_id) for org_id in ids])
