"""The account of a bruker who logs in with ID-porten, made before they ever log in.

Staff write ``!rom ny fnr:…``. The number is checked, turned into the pseudonymous localpart
(domain/pseudonym.py) and forgotten; the account is made through Synapse's admin API without a
password. When the bruker logs in, Synapse's mapper (deploy/synapse/samsnakk_idporten.py)
derives the same localpart from ID-porten's ``pid`` claim and, with ``allow_existing_users``,
logs them in to this account, where the invite to their brukerrom is waiting.
"""

from __future__ import annotations

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.fnr import FnrProblem, parse_fnr
from samsnakk_bot.domain.pseudonym import pseudonym_localpart
from samsnakk_bot.services.ports import AccountProvisioner, AccountState
from samsnakk_bot.services.room_common import CommandProblem


class IdPortenAccounts:
    def __init__(
        self, key: bytes | None, server_name: str, provisioner: AccountProvisioner | None
    ) -> None:
        self._key = key
        self._server_name = server_name
        self._provisioner = provisioner

    async def account_for(self, written: str) -> str:
        """The bruker's Matrix ID, their account made if need be; a CommandProblem otherwise."""
        if self._key is None or self._provisioner is None:
            raise CommandProblem(texts.IDPORTEN_NOT_CONFIGURED)
        fnr = parse_fnr(written)
        if isinstance(fnr, FnrProblem):
            raise CommandProblem(texts.FNR_PROBLEMS[fnr.value])
        user_id = f"@{pseudonym_localpart(self._key, fnr)}:{self._server_name}"
        state = await self._provisioner.ensure_user(user_id, texts.IDPORTEN_DISPLAY_NAME)
        if state is AccountState.DEACTIVATED:
            raise CommandProblem(texts.IDPORTEN_ACCOUNT_DEACTIVATED)
        return user_id
