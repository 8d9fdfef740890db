"""Finding people by what staff type, and naming them the way the room should read."""

from __future__ import annotations

from dataclasses import dataclass

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.brukerrom import Target, TargetKind
from samsnakk_bot.policies import Policies
from samsnakk_bot.services.ports import RoomActions
from samsnakk_bot.store import AccountRepo
from samsnakk_bot.store.directory import DirectoryRepo


@dataclass(frozen=True)
class Found:
    user_id: str


@dataclass(frozen=True)
class NotFound:
    problem: str  # Norwegian, from texts


class People:
    def __init__(
        self,
        accounts: AccountRepo,
        actions: RoomActions,
        directory: DirectoryRepo | None = None,
        policies: Policies | None = None,
        server_name: str | None = None,
    ) -> None:
        self._accounts = accounts
        self._actions = actions
        self._directory = directory
        self._policies = policies
        # Our own server: with it and the policies, IDs on servers outside the federation
        # allow-list are refused by name instead of failing at Synapse (403 on the profile).
        self._server_name = server_name
        self._names: dict[str, str] = {}

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
            exact = [h for h in hits if h.name.casefold() == target.value.casefold()]
            if len(exact) == 1 or len(hits) == 1:
                return Found((exact or hits)[0].user_id)
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
        if user_id in self._names:
            return self._names[user_id]
        entry = await self._directory.get(user_id) if self._directory is not None else None
        account = await self._accounts.get(user_id)
        name = entry.name if entry is not None and entry.active else None
        if name is None and account is not None and account.display_name:
            name = account.display_name
        if name is None:
            name = await self._actions.display_name(user_id)
        name = name or user_id.removeprefix("@").split(":")[0]
        self._names[user_id] = name
        return name

    async def describe(self, user_id: str) -> str:
        """Name (organisation, role): from the directory when the person is in it."""
        entry = await self._directory.get(user_id) if self._directory is not None else None
        if entry is not None and entry.active:
            org = self._policies.organisations.by_id(entry.org_id) if self._policies else None
            return texts.describe_person(entry.name, org.name if org else entry.org_id, entry.role)
        account = await self._accounts.get(user_id)
        org_name = account.org if account else None
        return texts.describe_person(await self.name(user_id), org_name, None)

    async def role_of(self, user_id: str) -> str | None:
        account = await self._accounts.get(user_id)
        return account.role if account else None
