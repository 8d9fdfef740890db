"""The dev stack stays usable from Element X: password login and simplified sliding sync.

Element X accepts a server only if it offers OAuth 2.0 (MAS) or a password, and it syncs only
with simplified sliding sync (MSC4186). The dev stack has no MAS, so the password is its way
in. Checked on the running dev Synapse, as Element X asks it.
"""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
from matrix_harness import MatrixUser, RunningSynapse

from samsnakk_bot.cli import build_parser
from samsnakk_bot.devstack.synapse_config import SynapseSettings, build_synapse_config

pytestmark = pytest.mark.synapse
SLIDING_SYNC = "/_matrix/client/unstable/org.matrix.simplified_msc3575/sync"


async def test_the_dev_synapse_offers_a_password_and_sliding_sync(
    synapse: RunningSynapse, ansatt: MatrixUser
) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{synapse.url}/_matrix/client/v3/login") as resp:
            flows = {f["type"] for f in (await resp.json())["flows"]}
        assert "m.login.password" in flows
        async with http.get(f"{synapse.url}/_matrix/client/versions") as resp:
            features = (await resp.json())["unstable_features"]
        assert features.get("org.matrix.simplified_msc3575") is True
        lists = {"all": {"ranges": [[0, 10]], "timeline_limit": 1, "required_state": []}}
        body = {"lists": lists}
        headers = {"Authorization": f"Bearer {ansatt.client.access_token}"}
        async with http.post(f"{synapse.url}{SLIDING_SYNC}", json=body, headers=headers) as resp:
            assert resp.status == 200, await resp.text()
            assert "pos" in await resp.json()


def test_the_dev_config_asks_for_both_and_can_listen_on_a_lan_address() -> None:
    args = build_parser().parse_args(["dev", "--bind", "192.168.1.20", "--port", "8008"])
    settings = SynapseSettings(
        data_dir=Path("/tmp/x"),
        server_name="samsnakk.localhost",
        port=args.port,
        registration_files=(),
        registration_shared_secret="s" * 20,
        bind_host=args.bind,
    )
    cfg = build_synapse_config(settings)
    assert cfg["password_config"] == {"enabled": True}
    assert cfg["experimental_features"]["msc3575_enabled"] is True
    assert cfg["experimental_features"]["msc4028_push_encrypted_events"] is True
    # A phone reaches the server at the address it listens on, and is told the same one.
    assert cfg["listeners"][0]["bind_addresses"] == ["192.168.1.20"]
    assert cfg["public_baseurl"] == "http://192.168.1.20:8008/"
