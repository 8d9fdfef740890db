"""`samsnakk deploy render`: the production templates, rendered and loaded by Synapse itself.

Synapse's own config loader (HomeServerConfig.load_config, as `synapse.app.homeserver` and
`synapse.app.generic_worker` call it) runs in a child process on the main file and on every
worker file, in both login modes. A real start on PostgreSQL is in
tests/integration/test_deploy_synapse.py.
"""

from __future__ import annotations

import base64
import re
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from deploy_inputs import (
    MAS_ADMIN_SECRET,
    ORG_SERVER,
    PSEUDONYM_KEY,
    SERVER_NAME,
    load_in_synapse,
    provide_external_secrets,
    samsnakk_config,
    values,
    write_values,
)

from samsnakk_bot.cli import main
from samsnakk_bot.config import load_config

WORKERS = [
    "generic_worker1",
    "generic_worker2",
    "event_persister1",
    "federation_sender1",
    "pusher1",
]
CALLBACKS = [
    "user_may_invite",
    "user_may_join_room",
    "federated_user_may_invite",
    "check_event_for_spam",
]


def rerender(config: Path, vals: Path, out: Path) -> int:
    return main(["deploy", "render", "-c", str(config), "--values", str(vals), "--out", str(out)])


def render(base: Path, mode: str, workers: bool = True, **sections: Any) -> Path:
    """What an operator runs: secrets, then render. Returns the output directory."""
    config = samsnakk_config(base, mode)
    vals = write_values(base, values(base, mode, workers, **sections))
    provide_external_secrets(base / "secrets")
    assert main(["deploy", "secrets", "--values", str(vals)]) == 0
    out = base / "out"
    assert rerender(config, vals, out) == 0
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {
        mode: render(tmp_path_factory.mktemp(f"deploy-{mode}"), mode)
        for mode in ("synapse_oidc", "mas")
    }


@pytest.fixture(scope="module")
def loaded(rendered: dict[str, Path]) -> dict[str, dict[str, dict[str, Any]]]:
    """mode -> process name -> what Synapse understood, all loaded in one child process."""
    sets, names = [], []
    for mode, out in rendered.items():
        main_file = out / "synapse" / "homeserver.yaml"
        sets.append([main_file])
        names.append((mode, "main"))
        for worker in WORKERS:
            sets.append([main_file, out / "synapse" / "workers" / f"{worker}.yaml"])
            names.append((mode, worker))
    result: dict[str, dict[str, dict[str, Any]]] = {"synapse_oidc": {}, "mas": {}}
    for (mode, name), summary in zip(names, load_in_synapse(sets), strict=True):
        result[mode][name] = summary
    return result


def test_synapse_loads_the_main_process_and_every_worker_in_both_modes(
    loaded: dict[str, dict[str, dict[str, Any]]],
) -> None:
    for mode in ("synapse_oidc", "mas"):
        procs = loaded[mode]
        assert sorted(procs) == sorted(["main", *WORKERS])
        assert procs["main"]["instance"] == "master"
        assert {name: p["instance"] for name, p in procs.items() if name != "main"} == {
            w: w for w in WORKERS
        }
        assert [n for n, p in procs.items() if p["send_federation"]] == ["federation_sender1"]
        assert [n for n, p in procs.items() if p["start_pushers"]] == ["pusher1"]
        assert all(p["event_writers"] == ["event_persister1"] for p in procs.values())
        assert all(p["redis"] for p in procs.values())


def test_every_process_keeps_samsnakks_privacy_and_enforcement_settings(
    loaded: dict[str, dict[str, dict[str, Any]]], rendered: dict[str, Path]
) -> None:
    for mode, procs in loaded.items():
        conf = rendered[mode] / "synapse"
        for p in procs.values():
            assert p["include_content"] is False
            assert p["email_notifs"] is False and p["can_verify_email"] is False
            assert p["federation_whitelist"] == sorted([ORG_SERVER, SERVER_NAME])
            assert p["encryption_presets"] == ["private_chat", "trusted_private_chat"]
            assert p["registration"] is False
            assert p["password_login"] is False
            assert p["url_previews"] is False and p["presence"] is False
            assert p["max_upload_size"] == 50 * 1024 * 1024
            assert p["appservice_files"] == [str(conf / "samsnakk-registration.yaml")]
            (module,) = p["modules"]
            assert module["class"] == "synapse_http_antispam.HTTPAntispam"
            assert module["config"]["enabled_callbacks"] == CALLBACKS
            assert module["config"]["do_ping"] is True
            assert "fail_open" not in module["config"]
            secret = Path(module["config"]["authorization_path"]).read_text().strip()
            assert secret == "s" * 32  # samsnakk.yaml's antispam.secret


def test_logins_follow_the_mode(loaded: dict[str, dict[str, dict[str, Any]]]) -> None:
    oidc, mas = loaded["synapse_oidc"]["main"], loaded["mas"]["main"]
    assert oidc["idps"] == ["oidc-idporten", "oidc-ansatt"] and oidc["mas"] is False
    assert mas["idps"] == [] and mas["mas"] is True
    # The staff provider never logs in to an account it did not make (D88).
    assert oidc["existing_users"] == {"oidc-idporten": True, "oidc-ansatt": False}


def test_every_process_serves_element_x_in_both_modes(
    loaded: dict[str, dict[str, dict[str, Any]]],
) -> None:
    """Simplified sliding sync (Element X syncs no other way) and encrypted-event pushes
    (so that Element X can notify for mentions in a brukerrom)."""
    for procs in loaded.values():
        for p in procs.values():
            assert p["sliding_sync"] is True
            assert p["push_encrypted_events"] is True


def test_the_registration_and_the_mappers_key_come_from_samsnakk_yaml(
    rendered: dict[str, Path],
) -> None:
    conf = rendered["synapse_oidc"] / "synapse"
    cfg = load_config(conf.parents[1] / "samsnakk.yaml")
    registration = yaml.safe_load((conf / "samsnakk-registration.yaml").read_text())
    assert registration["as_token"] == cfg.appservice.as_token
    assert registration["url"] == cfg.appservice.url
    homeserver = yaml.safe_load((conf / "homeserver.yaml").read_text())
    (idporten, _) = homeserver["oidc_providers"]
    key_file = Path(idporten["user_mapping_provider"]["config"]["secret_file"])
    assert key_file.read_text().strip() == PSEUDONYM_KEY
    for secret in ("samsnakk-registration.yaml", "samsnakk-antispam-secret", key_file.name):
        assert stat.S_IMODE((conf / secret).stat().st_mode) == 0o600
    assert not (conf.parent / "mas").exists()


def test_mas_and_the_broker_read_only_files_that_exist_and_never_the_fodselsnummer(
    rendered: dict[str, Path],
) -> None:
    out = rendered["mas"]
    mas = yaml.safe_load((out / "mas" / "config.yaml").read_text())
    broker = yaml.safe_load((out / "broker" / "broker.yaml").read_text())
    synapse = yaml.safe_load((out / "synapse" / "homeserver.yaml").read_text())
    shared = Path(synapse["matrix_authentication_service"]["secret_path"])
    # Each side reads its own copy (D71); the copies hold the same secret.
    assert shared.parent.name == "synapse"
    assert Path(mas["matrix"]["secret_file"]).read_bytes() == shared.read_bytes()
    assert mas["matrix"]["homeserver"] == SERVER_NAME
    assert mas["passwords"] == {"enabled": False}
    (provider,) = mas["upstream_oauth2"]["providers"]
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", provider["id"])
    assert provider["pkce_method"] == "always"
    assert "pid" not in yaml.safe_dump(provider["claims_imports"])
    # MAS and the broker hold the same client secret, each in its own directory.
    mas_copy = Path(provider["client_secret_file"])
    (client,) = broker["clients"]
    broker_copy = Path(client["client_secret_file"])
    assert (mas_copy.parent.name, broker_copy.parent.name) == ("mas", "broker")
    assert mas_copy.read_bytes() == broker_copy.read_bytes()
    # Every file MAS and the broker read exists: `deploy secrets` made them, the operator
    # the client secret, the render the copies from samsnakk.yaml (installed in config_dir).
    for path in (
        mas["matrix"]["secret_file"],
        mas["secrets"]["encryption_file"],
        *(k["key_file"] for k in mas["secrets"]["keys"]),
        broker["staff_key_file"],
        broker["signing_key_file"],
        broker["idporten"]["client_secret_file"],
        broker["helseid"]["private_key_file"],
    ):
        assert Path(path).is_file(), path
        assert Path(path).parent.name in ("mas", "broker"), path
    encryption = Path(mas["secrets"]["encryption_file"]).read_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", encryption)
    (key,) = mas["secrets"]["keys"]
    assert load_pem_private_key(Path(key["key_file"]).read_bytes(), None).key_size >= 3072
    helseid_key = Path(broker["helseid"]["private_key_file"]).read_bytes()
    assert load_pem_private_key(helseid_key, None).key_size >= 3072
    (admin,) = mas["clients"]
    assert Path(admin["client_secret_file"]).name == "samsnakk-admin-client-secret"
    assert (out / "mas" / "samsnakk-admin-client-secret").read_text().strip() == MAS_ADMIN_SECRET
    assert Path(broker["pseudonym_key_file"]).name == "samsnakk-pseudonym.key"
    assert (out / "broker" / "samsnakk-pseudonym.key").read_text().strip() == PSEUDONYM_KEY
    for secret in ("mas/samsnakk-admin-client-secret", "broker/samsnakk-pseudonym.key"):
        assert stat.S_IMODE((out / secret).stat().st_mode) == 0o600, secret
    assert not (out / "synapse" / "samsnakk-pseudonym.key").exists()


def test_render_refuses_a_login_mode_that_cannot_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    no_key = {"field_key": base64.b64encode(b"k" * 32).decode()}
    config = samsnakk_config(tmp_path, "synapse_oidc", security=no_key)
    vals = write_values(tmp_path, values(tmp_path, "mas", workers=False))
    code = main(["deploy", "render", "-c", str(config), "--values", str(vals), "--out", "x"])
    assert code == 2
    assert "auth.mode mas needs security.pseudonym_key" in capsys.readouterr().err

    config = samsnakk_config(tmp_path, "synapse_oidc")  # no mas section
    code = main(["deploy", "render", "-c", str(config), "--values", str(vals), "--out", "x"])
    assert code == 2
    assert "auth.mode mas needs the mas section" in capsys.readouterr().err

    appservice = {"as_token": "a" * 32, "hs_token": "h" * 32, "msc4190": False}
    config = samsnakk_config(tmp_path, "mas", appservice=appservice)
    code = main(["deploy", "render", "-c", str(config), "--values", str(vals), "--out", "x"])
    assert code == 2
    assert "needs appservice.msc4190: true" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_bad_values_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = samsnakk_config(tmp_path, "synapse_oidc")
    raw = values(tmp_path, "synapse_oidc", workers=False)
    raw["synapse"] = {"max_upload_size": "lots", "bind_adress": "0.0.0.0"}
    vals = write_values(tmp_path, raw)
    code = main(["deploy", "render", "-c", str(config), "--values", str(vals), "--out", "x"])
    assert code == 2
    err = capsys.readouterr().err
    assert "synapse.max_upload_size: 'lots' must be a size such as 50M" in err
    assert "synapse.bind_adress: unknown key" in err


def test_missing_client_id_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = values(tmp_path, "mas", workers=False)
    raw["auth"]["helseid"]["client_id"] = ""
    vals = write_values(tmp_path, raw)
    assert main(["deploy", "secrets", "--values", str(vals)]) == 2
    assert "auth.helseid.client_id is required for auth.mode 'mas'" in capsys.readouterr().err


def test_deploy_secrets_never_replaces_a_secret_and_lists_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vals = write_values(tmp_path, values(tmp_path, "mas", workers=True))
    secrets = tmp_path / "secrets"
    assert main(["deploy", "secrets", "--values", str(vals)]) == 1
    out = capsys.readouterr().out
    assert f"MISSING  {secrets / 'broker' / 'idporten_client_secret'}" in out
    assert f"created  {secrets / 'mas' / 'mas_synapse_secret'}" in out
    files = [p for p in secrets.rglob("*") if p.is_file()]
    first = {p: p.read_bytes() for p in files}
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)

    provide_external_secrets(secrets)
    assert main(["deploy", "secrets", "--values", str(vals)]) == 0
    assert f"kept     {secrets / 'mas' / 'mas_synapse_secret'}" in capsys.readouterr().out
    assert all(path.read_bytes() == data for path, data in first.items())


def test_fewer_workers_on_the_next_render_removes_the_dropped_ones(tmp_path: Path) -> None:
    out = render(tmp_path, "synapse_oidc", workers=True)
    assert (out / "synapse" / "workers" / "generic_worker2.yaml").exists()
    config, vals = tmp_path / "samsnakk.yaml", tmp_path / "values.yaml"
    raw = values(tmp_path, "synapse_oidc", workers=False)
    write_values(tmp_path, raw)
    assert rerender(config, vals, out) == 0
    assert list((out / "synapse" / "workers").iterdir()) == []
    homeserver = yaml.safe_load((out / "synapse" / "homeserver.yaml").read_text())
    assert "redis" not in homeserver and "instance_map" not in homeserver
