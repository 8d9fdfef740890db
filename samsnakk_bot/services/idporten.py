"""The account of a bruker who logs in with ID-porten, made before they ever log in.

Staff write ``!rom ny fnr:…``. The number is checked, turned into the pseudonymous localpart
(domain/pseudonym.py) and forgotten; the account is made through Synapse's admin API without a
password. When the bruker logs in, Synapse's mapper (deploy/synapse/samsnakk_idporten.py)
derives the same localpart from ID-porten's ``pid`` claim and, with ``allow_existing_users``,
logs them in to this account, where the invite to their brukerrom is waiting.

The answer never depends on the number's history: a new account, an existing one and a
deactivated one all get the same room and the same reply, so an ansatt cannot use the command
to learn that a number belonged to a former bruker. Each ansatt may make only a few such rooms
per hour (policy), which stops trying number after number.
"""

from __future__ import annotations

from collections.abc import Callable

from samsnakk_bot.clock import Clock
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.fnr import FnrProblem, parse_fnr
from samsnakk_bot.domain.pseudonym import pseudonym_localpart
from samsnakk_bot.domain.ratelimit import minutes_to_wait
from samsnakk_bot.policies import OnboardingPolicy
from samsnakk_bot.services.ports import AccountProvisioner, Audit
from samsnakk_bot.services.room_common import CommandProblem
from samsnakk_bot.services.store_ports import LookupCounter


class FnrLimit:
    """At most ``max_fnr_rooms`` valid numbers per ansatt per ``fnr_window``; audited."""

    def __init__(
        self,
        lookups: LookupCounter,
        clock: Clock,
        policy: Callable[[], OnboardingPolicy],
        audit: Audit,
    ) -> None:
        self._lookups = lookups
        self._clock = clock
        self._policy = policy
        self._audit = audit

    async def take(self, user_id: str) -> None:
        """Count one lookup, or refuse with the Norwegian answer (and an audit entry)."""
        policy = self._policy()
        now = self._clock.now_ms()
        window_ms = int(policy.fnr_window.total_seconds() * 1000)
        count, oldest = await self._lookups.since(user_id, now - window_ms)
        wait = minutes_to_wait(count, oldest, now, policy.max_fnr_rooms, window_ms)
        if wait is not None:
            await self._audit.append(
                ts_ms=now, actor=user_id, action="fnr_rate_limited", details={"count": count}
            )
            raise CommandProblem(texts.fnr_rate_limited(wait))
        await self._lookups.add(user_id, now)


class IdPortenAccounts:
    def __init__(
        self,
        key: bytes | None,
        server_name: str,
        provisioner: AccountProvisioner | None,
        limit: FnrLimit | None = None,
    ) -> None:
        self._key = key
        self._server_name = server_name
        self._provisioner = provisioner
        self._limit = limit

    async def account_for(self, written: str, requested_by: str) -> str:
        """The bruker's Matrix ID, their account made if need be; a CommandProblem otherwise."""
        if self._key is None or self._provisioner is None:
            raise CommandProblem(texts.IDPORTEN_NOT_CONFIGURED)
        fnr = parse_fnr(written)
        if isinstance(fnr, FnrProblem):
            raise CommandProblem(texts.FNR_PROBLEMS[fnr.value])
        if self._limit is not None:
            await self._limit.take(requested_by)
        user_id = f"@{pseudonym_localpart(self._key, fnr)}:{self._server_name}"
        # A deactivated account is treated like any other: its invite simply waits forever,
        # and retention closes the room. A different answer would tell the ansatt its history.
        await self._provisioner.ensure_user(user_id, texts.IDPORTEN_DISPLAY_NAME)
        return user_id
