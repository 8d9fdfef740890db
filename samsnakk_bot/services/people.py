"""Finding people by what staff type, and naming them the way the room should read."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.brukerrom import Target, TargetKind
from samsnakk_bot.domain.records import DirectoryEntry
from samsnakk_bot.domain.standing import Signals, Standing, in_bruker_namespace, standing
from samsnakk_bot.policies import Policies
from samsnakk_bot.services.ports import RoomActions
from samsnakk_bot.services.store_ports import AccountStore, DirectoryStore, OffboardedStore

# Display names can change at any moment; a short cache spares the profile lookups of one answer.
NAME_CACHE_SECONDS = 60.0


@dataclass(frozen=True)
class Found:
    user_id: str


@dataclass(frozen=True)
class NotFound:
    problem: str  # Norwegian, from texts


class People:
    def __init__(
        self,
        accounts: AccountStore,
        actions: RoomActions,
        directory: DirectoryStore | None = None,
        policies: Policies | None = None,
        server_name: str | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        offboarded: OffboardedStore | None = None,
    ) -> None:
        self._accounts = accounts
        self._actions = actions
        self._directory = directory
        self._policies = policies
        # Our own server: with it and the policies, IDs on servers outside the federation
        # allow-list are refused by name instead of failing at Synapse (403 on the profile).
        self._server_name = server_name
        self._monotonic = monotonic
        self._offboarded = offboarded
        self._names: dict[str, tuple[str | None, float]] = {}

    async def resolve(self, target: Target) -> Found | NotFound:
        if target.kind is TargetKind.MATRIX_ID:
            if not self._server_allowed(target.value):
                return NotFound(texts.server_not_in_samsnakk(target.value))
            if not await self._actions.user_exists(target.value):
                return NotFound(texts.no_such_user(target.value))
            return Found(target.value)
        if target.kind is TargetKind.PHONE:
            return NotFound(texts.person_not_found(target.value))
        if target.kind is TargetKind.FNR:
            return NotFound(texts.FNR_ONLY_FOR_BRUKER)
        if self._directory is not None:
            hits = await self._directory.search(target.value, limit=5)
            named = [h for h in hits if h.name.casefold() == target.value.casefold()]
            if len(named) == 1 or len(hits) == 1:
                return Found((named or hits)[0].user_id)
        wanted = target.value.casefold().lstrip("@")
        accounts = [a for a in await self._accounts.list_all() if a.role != "bruker"]
        exact = [
            a
            for a in accounts
            if (a.display_name or "").casefold() == wanted
            or a.user_id.removeprefix("@").split(":")[0] == wanted
        ]
        matches = exact or [a for a in accounts if wanted in (a.display_name or "").casefold()]
        if len(matches) == 1:
            return Found(matches[0].user_id)
        if not matches:
            return NotFound(texts.person_not_found(target.value))
        names = [f"{a.display_name or a.user_id} ({a.user_id})" for a in matches[:5]]
        return NotFound(texts.person_ambiguous(target.value, names))

    def _server_allowed(self, user_id: str) -> bool:
        if self._policies is None or self._server_name is None:
            return True
        server = user_id.split(":", 1)[1]
        return server in self._policies.federation_allow_list(self._server_name)

    async def resolve_all(self, readings: tuple[tuple[Target, ...], ...]) -> list[str] | NotFound:
        """The first reading in which everyone is found (in order, no repeats); otherwise
        the first reading's problem, which is the most likely thing the person meant."""
        first: NotFound | None = None
        for reading in readings:
            found: list[str] = []
            for target in reading:
                result = await self.resolve(target)
                if isinstance(result, NotFound):
                    first = first or result
                    break
                if result.user_id not in found:
                    found.append(result.user_id)
            else:
                return found
        return first if first is not None else []

    async def name(self, user_id: str) -> str:
        """Short: the directory name, or a self-chosen name always with the Matrix ID."""
        entry = await self._entry(user_id)
        if entry is not None:
            return entry.name
        return texts.person_short_unlisted(user_id, await self._chosen_name(user_id))

    async def greeting_name(self, user_id: str) -> str:
        """How to greet someone in a text addressed to them ("Hei Per!"): not identification."""
        entry = await self._entry(user_id)
        if entry is not None:
            return entry.name
        return await self._chosen_name(user_id) or user_id.removeprefix("@").split(":")[0]

    async def describe(self, user_id: str) -> str:
        """Matrix ID with name, organisation and role from the directory, or «ikke i katalogen».

        A display name is chosen by its owner, so it is never the only identification: an
        impostor called "Frida Fastlege (Askøy legesenter, fastlege)" reads as their own ID,
        marked as not in the directory.
        """
        entry = await self._entry(user_id)
        if entry is None:
            return texts.person_unlisted(user_id, await self._chosen_name(user_id))
        org = self._policies.organisations.by_id(entry.org_id) if self._policies else None
        return texts.person_listed(
            entry.name, org.name if org else entry.org_id, entry.role, user_id, entry.active
        )

    async def in_directory(self, user_id: str) -> bool:
        """Listed in the directory now or before (an inactive entry is a former colleague)."""
        return await self._entry(user_id) is not None

    async def _entry(self, user_id: str) -> DirectoryEntry | None:
        return await self._directory.get(user_id) if self._directory is not None else None

    async def _chosen_name(self, user_id: str) -> str | None:
        """The name the person (or the dev stack) set; cached briefly, since it can change."""
        now = self._monotonic()
        cached = self._names.get(user_id)
        if cached is not None and now - cached[1] < NAME_CACHE_SECONDS:
            return cached[0]
        account = await self._accounts.get(user_id)
        name = account.display_name if account is not None else None
        if not name:
            name = await self._actions.display_name(user_id)
        self._names[user_id] = (name, now)
        return name

    async def is_offboarded(self, user_id: str) -> bool:
        return self._offboarded is not None and await self._offboarded.is_offboarded(user_id)

    async def standing(self, user_id: str) -> Standing:
        """Staff or bruker, from what production records (see domain/standing.py)."""
        account = await self._accounts.get(user_id)
        return standing(
            Signals(
                user_id=user_id,
                in_directory=await self.in_directory(user_id),
                listed_in_policies=self._listed(user_id),
                offboarded=await self.is_offboarded(user_id),
                account_role=account.role if account else None,
            )
        )

    def _listed(self, user_id: str) -> bool:
        if self._policies is None:
            return False
        orgs = self._policies.organisations
        hf = orgs.helsefellesskap
        viewers = hf.report_viewers if hf is not None else ()
        return user_id in viewers or any(user_id in o.admins for o in orgs.organisations)

    async def command_role(self, user_id: str) -> str | None:
        """The role that decides which commands someone may use, from what production sets.

        Offboarded: none (D62). An active directory entry: ansatt. Then the dev stack's
        ``accounts.role``, an admin named in policies, and the bruker namespace.
        """
        if await self.is_offboarded(user_id):
            return None
        entry = await self._entry(user_id)
        if entry is not None and entry.active:
            return "ansatt"
        account = await self._accounts.get(user_id)
        if account is not None:
            return account.role
        if self._listed(user_id):
            return "admin"
        return "bruker" if in_bruker_namespace(user_id) else None
