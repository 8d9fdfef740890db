"""The production Synapse config asks Synapse for exactly what the dev stack and tests use."""

from __future__ import annotations

from pathlib import Path

import yaml
from deploy_inputs import samsnakk_config, values

from samsnakk_bot.config import load_config
from samsnakk_bot.devstack.synapse_config import SynapseSettings, build_synapse_config
from samsnakk_bot.ops.deploy_render import render
from samsnakk_bot.ops.deploy_values import parse_values
from samsnakk_bot.policies import load_policies


def test_rendered_module_config_matches_the_dev_stack(tmp_path: Path) -> None:
    cfg = load_config(samsnakk_config(tmp_path, "synapse_oidc"))
    v = parse_values(values(tmp_path, "synapse_oidc", workers=False))
    files = {str(f.path): f.text for f in render(cfg, load_policies(cfg.policies_dir), v)}
    deployed = yaml.safe_load(files["synapse/homeserver.yaml"])
    dev = build_synapse_config(
        SynapseSettings(
            Path("/tmp/x"),
            "hs.test",
            8008,
            (),
            "s" * 20,
            antispam_base_url=f"{cfg.appservice.url}/_samsnakk/antispam",
            antispam_secret="a" * 20,
        )
    )
    (dep_module,) = deployed["modules"]
    (dev_module,) = dev["modules"]
    assert dep_module["module"] == dev_module["module"] == "synapse_http_antispam.HTTPAntispam"
    assert dep_module["config"]["base_url"] == dev_module["config"]["base_url"]
    assert dep_module["config"]["enabled_callbacks"] == dev_module["config"]["enabled_callbacks"]
    assert dep_module["config"]["do_ping"] is True
    assert "fail_open" not in dep_module["config"]
    assert deployed["push"] == dev["push"] == {"include_content": False}
    assert (
        deployed["encryption_enabled_by_default_for_room_type"]
        == dev["encryption_enabled_by_default_for_room_type"]
        == "invite"
    )
