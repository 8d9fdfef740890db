"""The homeserver's admin APIs, when the config gives a token for them and the policy needs one.

A policy that needs the Synapse admin API (deleting closed rooms, deactivating offboarded
accounts) without a token stops the start-up with a message saying what to add.
"""

from __future__ import annotations

from dataclasses import dataclass

from samsnakk_bot.config import Config, ConfigError
from samsnakk_bot.matrix.mas_admin import MasAdmin
from samsnakk_bot.matrix.synapse_admin import SynapseAdmin
from samsnakk_bot.policies import Policies


@dataclass(frozen=True)
class AdminClients:
    synapse: SynapseAdmin | None
    # With MAS, accounts live in MAS, so brukere's are made there (D86).
    mas: MasAdmin | None

    async def close(self) -> None:
        if self.synapse is not None:
            await self.synapse.close()
        if self.mas is not None:
            await self.mas.close()


def admin_clients(cfg: Config, policies: Policies) -> AdminClients:
    token = cfg.homeserver.admin_token
    if policies.policy.room.close_mode == "delete" and token is None:
        raise ConfigError(
            "policies: room.close_mode is 'delete', which needs homeserver.admin_token "
            "(a Synapse server admin's access token) in the config"
        )
    if policies.policy.offboarding.deactivate_account and token is None:
        raise ConfigError(
            "policies: offboarding.deactivate_account is true, which needs "
            "homeserver.admin_token (a Synapse server admin's access token) in the config"
        )
    mas = cfg.mas
    return AdminClients(
        synapse=SynapseAdmin(cfg.homeserver.url, token) if token else None,
        mas=MasAdmin(mas.url, mas.client_id, mas.client_secret) if mas else None,
    )
