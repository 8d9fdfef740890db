"""The dev stack's Synapse federates only when asked, and then with the policies' allow-list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from samsnakk_bot.devstack.layout import FederationSetup, prepare_dev_stack
from samsnakk_bot.devstack.synapse_config import SynapseSettings, build_synapse_config


def _settings(**kw: Any) -> SynapseSettings:
    return SynapseSettings(Path("/tmp/x"), "hs.test", 8008, (), "s" * 20, **kw)


def test_default_has_no_federation_listener_and_refuses_every_server() -> None:
    cfg = build_synapse_config(_settings())
    assert [r["names"] for li in cfg["listeners"] for r in li["resources"]] == [["client"]]
    assert cfg["federation_domain_whitelist"] == []
    assert "tls_certificate_path" not in cfg


def test_federation_listener_is_tls_on_the_bind_host() -> None:
    cfg = build_synapse_config(
        _settings(
            bind_host="127.0.0.2",
            federation_port=8448,
            tls_certificate_path=Path("/c.pem"),
            tls_private_key_path=Path("/k.pem"),
            federation_domain_whitelist=("a.test", "b.test"),
            extra_config={"federation_custom_ca_list": ["/ca.pem"]},
        )
    )
    fed = cfg["listeners"][1]
    assert (fed["port"], fed["bind_addresses"], fed["tls"]) == (8448, ["127.0.0.2"], True)
    assert fed["resources"] == [{"names": ["federation"], "compress": False}]
    assert (cfg["tls_certificate_path"], cfg["tls_private_key_path"]) == ("/c.pem", "/k.pem")
    assert cfg["federation_domain_whitelist"] == ["a.test", "b.test"]
    assert cfg["federation_custom_ca_list"] == ["/ca.pem"]


def test_federation_listener_needs_a_certificate() -> None:
    with pytest.raises(ValueError, match="tls_certificate_path"):
        build_synapse_config(_settings(federation_port=8448))


def test_dev_stack_takes_the_allow_list_from_policies(tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "default.yaml").write_text(Path("policies/default.yaml").read_text())
    orgs = yaml.safe_load(Path("policies/organisations.example.yaml").read_text())
    orgs["organisations"][2]["homeserver"] = "kommune.test:8448"
    (policies / "organisations.yaml").write_text(yaml.safe_dump(orgs, allow_unicode=True))
    stack = prepare_dev_stack(
        tmp_path / "dev",
        policies_dir=policies,
        server_name="dps.test:8448",
        federation=FederationSetup(8448, tmp_path / "c.pem", tmp_path / "k.pem"),
    )
    written = yaml.safe_load(stack.synapse.config_path.read_text())
    assert written["server_name"] == "dps.test:8448"
    assert written["federation_domain_whitelist"] == ["dps.test:8448", "kommune.test:8448"]
    assert stack.config.homeserver.server_name == "dps.test:8448"
