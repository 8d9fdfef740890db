"""Everything in deploy/ parses, and holds the invariants Samsnakk's security depends on.

Tools that are not always installed are used when they are: `docker compose config`,
`nginx -t` and `systemd-analyze verify`; otherwise those tests are skipped, saying why.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_inputs import REPO, samsnakk_config, values

from samsnakk_bot.cli import main
from samsnakk_bot.config import load_config, parse_config
from samsnakk_bot.ops.deploy_render import DLR_PATH, RenderedFile, render
from samsnakk_bot.ops.deploy_values import (
    EXAMPLE_CLIENT_IDS,
    DeployValues,
    load_values,
    parse_values,
)
from samsnakk_bot.policies import load_policies

DEPLOY = REPO / "deploy"
COMPOSE = DEPLOY / "compose"
SYSTEMD = DEPLOY / "systemd"
YAML_FILES = sorted(p for p in DEPLOY.rglob("*") if p.suffix in (".yaml", ".yml"))


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(DEPLOY)))
def test_every_yaml_file_in_deploy_parses(path: Path) -> None:
    assert isinstance(yaml.safe_load(path.read_text(encoding="utf-8")), dict)


def test_the_values_sample_shows_every_default_and_example_client_ids() -> None:
    sample = load_values(DEPLOY / "values.example.yaml")
    defaults = DeployValues.model_construct().model_dump()
    defaults["auth"]["idporten"]["client_id"] = "eksempel-idporten-klient"
    defaults["auth"]["helseid"]["client_id"] = "eksempel-helseid-klient"
    assert sample.model_dump() == defaults
    assert set(EXAMPLE_CLIENT_IDS) >= {
        sample.auth.idporten.client_id,
        sample.auth.helseid.client_id,
    }


def test_the_values_sample_renders_as_shipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An operator reads the whole production config before filling anything in (issue 11)."""
    config = samsnakk_config(tmp_path, "mas")
    out = tmp_path / "out"
    argv = ["deploy", "render", "-c", str(config), "--out", str(out)]
    assert main([*argv, "--values", str(DEPLOY / "values.example.yaml")]) == 0
    err = capsys.readouterr().err
    assert "auth.idporten.client_id and auth.helseid.client_id still hold the example" in err
    homeserver = yaml.safe_load((out / "synapse" / "homeserver.yaml").read_text())
    assert homeserver["matrix_authentication_service"]["enabled"] is True
    assert "oidc_providers" not in homeserver
    assert homeserver["password_config"] == {"enabled": False}
    mas = yaml.safe_load((out / "mas" / "config.yaml").read_text())
    (provider,) = mas["upstream_oauth2"]["providers"]
    assert provider["issuer"] == "https://login.example.no/"
    broker = yaml.safe_load((out / "broker" / "broker.yaml").read_text())
    assert broker["idporten"]["client_id"] == "eksempel-idporten-klient"
    assert broker["helseid"]["client_id"] == "eksempel-helseid-klient"


def test_without_client_ids_the_values_name_them() -> None:
    raw = yaml.safe_load((DEPLOY / "values.example.yaml").read_text())
    raw["auth"]["idporten"]["client_id"] = ""
    with pytest.raises(Exception, match="auth.idporten.client_id is required"):
        parse_values(raw)


# --- nginx ------------------------------------------------------------------------------

_LOCATION = re.compile(r"location\s+(=|\^~|~)?\s*(\S+)\s*\{((?:[^{}]|\{[^{}]*\})*)\}")


def _nginx(tmp_path: Path, mode: str, **sections: Any) -> str:
    cfg = load_config(samsnakk_config(tmp_path, mode))
    v = parse_values(values(tmp_path, mode, workers=True, **sections))
    files: list[RenderedFile] = render(cfg, load_policies(cfg.policies_dir), v)
    (conf,) = [f.text for f in files if f.path.name == "samsnakk.conf"]
    return conf


def _locations(conf: str) -> dict[str, tuple[str, str]]:
    return {m[2]: (m[1], m[3]) for m in _LOCATION.finditer(conf)}


def test_nginx_never_proxies_the_admin_api_or_samsnakk(tmp_path: Path) -> None:
    conf = _nginx(tmp_path, "mas")
    locations = _locations(conf)
    for path in ("/_synapse/admin/", "/_synapse/mas/", "/_samsnakk/", "/_matrix/app/"):
        modifier, body = locations[path]
        # ^~ wins over every regex location, so nothing below can route these paths.
        assert (modifier, body.strip()) == ("^~", "return 404;"), path
    assert "samsnakk_dlr" not in conf
    # Samsnakk's listener is reachable for one page only, and only to read it.
    assert conf.count("29330") == 1 and conf.count("proxy_pass http://samsnakk_public;") == 1
    modifier, body = locations["/velkommen"]
    assert modifier == "=" and "limit_except GET" in body
    assert "9093" not in conf and "9000" not in conf and "8081" not in conf
    # /sync (and sliding sync) on the first generic worker, the rest on the others.
    assert locations[r"^/_matrix/client/(r0|v3)/sync$"][1].strip() == (
        "proxy_pass http://synapse_sync;"
    )
    assert locations[r"^/_matrix/client/unstable/org\.matrix\.simplified_msc3575/sync$"][
        1
    ].strip() == ("proxy_pass http://synapse_sync;")
    assert locations[r"^/_matrix/client/(api/v1|r0|v3|unstable)/createRoom$"][1].strip() == (
        "proxy_pass http://synapse_client;"
    )
    sync_upstream = conf.split("upstream synapse_sync {")[1].split("}")[0]
    client_upstream = conf.split("upstream synapse_client {")[1].split("}")[0]
    assert "127.0.0.1:8083" in sync_upstream and "8084" not in sync_upstream
    assert "127.0.0.1:8084" in client_upstream and "8083" not in client_upstream
    assert locations["^/_matrix/client/[^/]+/(login|logout|refresh)"][1].strip() == (
        "proxy_pass http://mas;"
    )
    assert "hash $http_authorization consistent;" in conf
    assert "listen 8448 ssl http2;" in conf


def test_nginx_exposes_only_the_delivery_report_path_when_asked(tmp_path: Path) -> None:
    conf = _nginx(tmp_path, "synapse_oidc", nginx={"expose_sms_delivery_reports": True})
    locations = _locations(conf)
    modifier, body = locations[DLR_PATH]
    assert modifier == "=" and "proxy_pass http://samsnakk_dlr;" in body
    assert "limit_except POST" in body
    assert conf.count("proxy_pass http://samsnakk_dlr;") == 1
    assert locations["/_samsnakk/"][1].strip() == "return 404;"
    assert "mas" not in _locations(conf).get("/", ("", ""))[1]
    assert "upstream mas" not in conf


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed here")
def test_nginx_accepts_the_rendered_config(tmp_path: Path) -> None:  # pragma: no cover
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "matrix.example.no")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    tls = {"certificate": str(tmp_path / "cert.pem"), "certificate_key": str(tmp_path / "key.pem")}
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{ include {tmp_path}/samsnakk.conf; }}\n"
    )
    # Upstream host names must resolve when nginx starts: loopback addresses here.
    for mode, dlr in (("mas", False), ("synapse_oidc", True)):
        nginx = {**tls, "expose_sms_delivery_reports": dlr}
        (tmp_path / "samsnakk.conf").write_text(_nginx(tmp_path / mode, mode, nginx=nginx))
        proc = subprocess.run(
            ["nginx", "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr


# --- docker compose -----------------------------------------------------------------------


def _compose() -> dict[str, Any]:
    return dict(yaml.safe_load((COMPOSE / "docker-compose.yaml").read_text()))


def test_compose_publishes_only_the_reverse_proxy() -> None:
    services = _compose()["services"]
    published = {name for name, s in services.items() if s.get("ports")}
    assert published == {"nginx"}
    assert services["nginx"]["ports"] == ["80:80", "443:443", "8448:8448"]
    for name, service in services.items():
        image = service.get("image", "")
        assert image and not image.endswith(":latest") and ":" in image, name


def test_compose_runs_every_rendered_worker_with_its_own_file(tmp_path: Path) -> None:
    services = _compose()["services"]
    raw = yaml.safe_load((COMPOSE / "values.yaml").read_text())
    raw["auth"]["idporten"]["client_id"] = "idporten-client"
    raw["auth"]["helseid"]["client_id"] = "helseid-client"
    v = parse_values(raw)
    cfg = parse_config(
        yaml.safe_load((COMPOSE / "samsnakk.yaml").read_text()),
        environ={
            "SAMSNAKK_APPSERVICE_AS_TOKEN": "a" * 32,
            "SAMSNAKK_APPSERVICE_HS_TOKEN": "h" * 32,
            "SAMSNAKK_BOT_PICKLE_KEY": "p" * 32,
            "SAMSNAKK_ANTISPAM_SECRET": "s" * 32,
            "SAMSNAKK_SECURITY_FIELD_KEY": "a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=",
            "SAMSNAKK_SECURITY_PSEUDONYM_KEY": "cXFxcXFxcXFxcXFxcXFxcXFxcXFxcXFxcXFxcXFxcXE=",
            "SAMSNAKK_MAS_CLIENT_SECRET": "m" * 32,
        },
    )
    files = render(cfg, load_policies(REPO / "policies"), v)
    workers = sorted(f.path.stem for f in files if f.path.parent.name == "workers")
    assert workers == sorted(n for n in services if n.endswith(tuple("0123456789")))
    for name in workers:
        assert services[name]["command"][-1] == (
            f"--config-path=/etc/matrix-synapse/workers/{name}.yaml"
        )
        assert services[name]["environment"]["SYNAPSE_WORKER"] == "synapse.app.generic_worker"
    homeserver = yaml.safe_load(next(f.text for f in files if f.path.name == "homeserver.yaml"))
    assert homeserver["instance_map"]["event_persister1"]["host"] == "event_persister1"
    assert homeserver["redis"]["host"] == "redis"
    assert cfg.appservice.url == "http://samsnakk:29330"
    # nginx reaches MAS and the broker by their service names.
    conf = next(f.text for f in files if f.path.name == "samsnakk.conf")
    assert "server mas:8080;" in conf and "server broker:8090;" in conf
    assert services["broker"]["command"][0] == "broker"


@pytest.mark.skipif(
    shutil.which("docker") is None
    or subprocess.run(["docker", "compose", "version"], capture_output=True, check=False).returncode
    != 0,
    reason="the docker client with the compose plugin is not installed here",
)
def test_docker_compose_accepts_the_file(tmp_path: Path) -> None:  # pragma: no cover
    compose = tmp_path / "compose"
    shutil.copytree(COMPOSE, compose)
    (compose / "secrets").mkdir()
    (compose / "secrets" / "samsnakk.env").write_text("")
    proc = subprocess.run(
        ["docker", "compose", "-f", str(compose / "docker-compose.yaml"), "config", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


# --- systemd ------------------------------------------------------------------------------


def _unit(name: str) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}
    for line in (SYSTEMD / name).read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            keys.setdefault(key, []).append(value)
    return keys


def test_samsnakk_unit_is_hardened_and_reads_secrets_from_an_environment_file() -> None:
    unit = _unit("samsnakk.service")
    assert unit["NoNewPrivileges"] == ["yes"]
    assert unit["ProtectSystem"] == ["strict"]
    assert unit["ReadWritePaths"] == ["/var/lib/samsnakk"]
    assert unit["EnvironmentFile"] == ["/etc/samsnakk/secrets.env"]
    assert unit["CapabilityBoundingSet"] == [""]
    assert unit["User"] == ["samsnakk"]


def test_the_worker_template_starts_the_named_worker_file() -> None:
    unit = _unit("synapse-worker@.service")
    (start,) = unit["ExecStart"]
    assert start.endswith("--config-path=/etc/matrix-synapse/workers/%i.yaml")
    assert "synapse.app.generic_worker" in start
    assert unit["PartOf"] == ["synapse.target"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is not installed")
def test_systemd_accepts_every_unit_without_a_warning(tmp_path: Path) -> None:
    # A root with the system's own units, ours, and the programs our units start (empty
    # scripts: systemd only checks that they exist and are executable).
    system = Path("/usr/lib/systemd/system")
    if not system.is_dir():
        pytest.skip("no system unit directory to verify against")
    shutil.copytree(system, tmp_path / "usr/lib/systemd/system", symlinks=True)
    shutil.copytree(SYSTEMD, tmp_path / "etc/systemd/system")
    for program in re.findall(r"^Exec\w+=(\S+)", _all_units(), re.MULTILINE):
        path = tmp_path / program.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
    units = ["samsnakk.service", "synapse.service", "mas.service", "synapse.target"]
    units.append("samsnakk-broker.service")
    units.append("synapse-worker@generic_worker1.service")
    proc = subprocess.run(
        ["systemd-analyze", f"--root={tmp_path}", "verify", *units],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr


def _all_units() -> str:
    return "\n".join(p.read_text() for p in sorted(SYSTEMD.iterdir()))
