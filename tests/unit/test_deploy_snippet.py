"""The production Synapse snippet asks Synapse for exactly what the dev stack and tests use."""

from __future__ import annotations

from pathlib import Path

import yaml

from samsnakk_bot.devstack.synapse_config import SynapseSettings, build_synapse_config

DEPLOY = Path(__file__).parents[2] / "deploy" / "synapse" / "homeserver.samsnakk.yaml"


def test_deploy_snippet_matches_the_dev_stack_module_config() -> None:
    deployed = yaml.safe_load(DEPLOY.read_text())
    dev = build_synapse_config(
        SynapseSettings(
            Path("/tmp/x"),
            "hs.test",
            8008,
            (),
            "s" * 20,
            antispam_base_url="http://127.0.0.1:29330/_samsnakk/antispam",
            antispam_secret="a" * 20,
        )
    )
    (dep_module,) = deployed["modules"]
    (dev_module,) = dev["modules"]
    assert dep_module["module"] == dev_module["module"] == "synapse_http_antispam.HTTPAntispam"
    assert dep_module["config"]["enabled_callbacks"] == dev_module["config"]["enabled_callbacks"]
    assert dep_module["config"]["do_ping"] is True
    assert "fail_open" not in dep_module["config"]
    assert deployed["push"] == dev["push"] == {"include_content": False}
