"""``samsnakk deploy render``: Synapse, MAS and nginx configuration from samsnakk.yaml and values.

The templates are Jinja2 files in ``deploy/`` that operators can read. Every string goes in
through the ``yaml`` filter (JSON, which is YAML), so a value can never break the structure,
and every rendered YAML file is parsed again before anything is written. Files that carry
secrets (the appservice registration, the antispam secret, the pseudonym key) come from the
same samsnakk.yaml that Samsnakk runs with, so the two sides cannot drift apart.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, Literal
from urllib.parse import urlsplit

import jinja2
import yaml

from samsnakk_bot.config import Config
from samsnakk_bot.ops.deploy_values import DeployValues
from samsnakk_bot.ops.registration import build_registration
from samsnakk_bot.policies import Policies

DEFAULT_TEMPLATES = Path(__file__).resolve().parents[2] / "deploy"
# synapse-http-antispam's base_url: our routes are <base>/<callback> (http/antispam.py).
ANTISPAM_PATH = "/_samsnakk/antispam"
ANTISPAM_CALLBACKS = (
    "user_may_invite",
    "user_may_join_room",
    "federated_user_may_invite",
    "check_event_for_spam",
)
DLR_PATH = "/_samsnakk/sms/linkmobility/dlr"  # http/delivery_reports.py

REGISTRATION = "samsnakk-registration.yaml"
ANTISPAM_SECRET = "samsnakk-antispam-secret"  # noqa: S105 - a file name
PSEUDONYM_KEY = "samsnakk-pseudonym.key"
MAS_ADMIN_SECRET = "samsnakk-admin-client-secret"  # noqa: S105 - a file name
# A bruker's localpart (domain/pseudonym.py): only the ID-porten pseudonym may land there.
BRUKER_PREFIX = "b-"

Role = Literal["generic", "event_persister", "federation_sender", "pusher"]


class RenderError(Exception):
    """The inputs do not make a coherent deployment; the message says what to change."""


@dataclass(frozen=True)
class WorkerSpec:
    name: str
    role: Role
    host: str
    metrics_port: int
    http_port: int | None = None
    replication_port: int | None = None


@dataclass(frozen=True)
class RenderedFile:
    path: PurePath  # relative to the output directory
    text: str
    secret: bool = False


def worker_specs(v: DeployValues) -> list[WorkerSpec]:
    """The worker layout: N generic workers, one event persister, one sender of each kind."""
    if not v.workers.enabled:
        return []
    w = v.workers
    names: list[tuple[str, Role]] = [
        (f"generic_worker{i}", "generic") for i in range(1, w.generic + 1)
    ]
    names += [
        ("event_persister1", "event_persister"),
        ("federation_sender1", "federation_sender"),
        ("pusher1", "pusher"),
    ]
    specs = []
    for i, (name, role) in enumerate(names):
        specs.append(
            WorkerSpec(
                name=name,
                role=role,
                host=w.host.replace("{name}", name),
                metrics_port=w.metrics_first_port + i,
                http_port=w.first_port + i if role == "generic" else None,
                replication_port=w.persister_port if role == "event_persister" else None,
            )
        )
    return specs


def route_groups(workers: list[WorkerSpec]) -> dict[str, list[WorkerSpec]]:
    """Which generic workers nginx sends /sync to, and which the other client requests.

    With two or more, the first takes only the sync endpoints (long polls that hold caches
    per user), the rest everything else a generic worker may serve; one worker takes both.
    """
    generic = [w for w in workers if w.role == "generic"]
    if len(generic) < 2:
        return {"sync_workers": generic, "client_workers": generic}
    return {"sync_workers": generic[:1], "client_workers": generic[1:]}


def _yaml_value(value: Any) -> str:
    if isinstance(value, PurePath):
        value = str(value)
    return json.dumps(value, ensure_ascii=False)


def environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(  # noqa: S701 - YAML and nginx, not HTML; values go through `yaml`
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["yaml"] = _yaml_value
    return env


def _host_port(url: str) -> str:
    parts = urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    return f"{parts.hostname}:{parts.port or default}"


def _check_coherent(cfg: Config, v: DeployValues) -> None:
    if not cfg.security.pseudonym_key:
        reader = "the login broker" if v.auth.mode == "mas" else "Synapse's ID-porten mapper"
        raise RenderError(
            f"auth.mode {v.auth.mode} needs security.pseudonym_key in samsnakk.yaml (or "
            f"SAMSNAKK_SECURITY_PSEUDONYM_KEY): {reader} derives brukere's Matrix IDs with "
            "the same key"
        )
    if v.auth.mode != "mas":
        return
    if cfg.mas is None:
        raise RenderError(
            "auth.mode mas needs the mas section in samsnakk.yaml (or SAMSNAKK_MAS_CLIENT_SECRET):"
            " «!rom ny fnr:…» makes brukere's accounts through MAS's admin API"
        )
    if cfg.mas.client_id != v.auth.mas_admin.client_id:
        raise RenderError(
            f"mas.client_id in samsnakk.yaml ({cfg.mas.client_id}) must equal "
            f"auth.mas_admin.client_id in the values ({v.auth.mas_admin.client_id})"
        )
    if not cfg.appservice.msc4190:
        raise RenderError(
            "auth.mode mas needs appservice.msc4190: true: with MAS, Synapse forces MSC4190 on "
            "every appservice and refuses the bot's m.login.application_service login"
        )


def reserved_localparts(cfg: Config) -> dict[str, list[str]]:
    """MAS's policy data: names no registration may take, as MAS's string constraints."""
    bot = cfg.appservice.bot_localpart
    return {
        "literals": [bot, cfg.appservice.sender_localpart],
        # The appservice's exclusive namespace (ops/registration.py).
        "regexes": [f"^{re.escape(bot)}(\\..*)?$"],
        # Brukere: made by «!rom ny fnr:…» and reached only by linking on the first login.
        "prefixes": [BRUKER_PREFIX],
    }


def render(
    cfg: Config, policies: Policies, v: DeployValues, templates: Path = DEFAULT_TEMPLATES
) -> list[RenderedFile]:
    """Every file of the deployment, checked; nothing is written."""
    _check_coherent(cfg, v)
    env = environment(templates)
    workers = worker_specs(v)
    conf = v.paths.config_dir
    server_name = cfg.homeserver.server_name
    context: dict[str, Any] = {
        "v": v,
        "cfg": cfg,
        "server_name": server_name,
        "workers": workers,
        "registration_path": conf / REGISTRATION,
        "antispam_url": f"{cfg.appservice.url}{ANTISPAM_PATH}",
        "antispam_secret_path": conf / ANTISPAM_SECRET,
        "antispam_callbacks": ANTISPAM_CALLBACKS,
        "pseudonym_key_path": conf / PSEUDONYM_KEY,
        "broker_pseudonym_key_path": v.auth.broker.config_dir / PSEUDONYM_KEY,
        "mas_admin_secret_path": v.auth.mas.config_dir / MAS_ADMIN_SECRET,
        "reserved": reserved_localparts(cfg),
        "federation_allow_list": policies.federation_allow_list(server_name),
        "synapse_url": f"http://{v.synapse.host}:{v.synapse.port}/",
    }
    synapse = PurePath("synapse")
    files = [
        _yaml_file(env, "synapse/homeserver.yaml.j2", synapse / "homeserver.yaml", context),
        _yaml_file(env, "synapse/log.yaml.j2", synapse / "log.yaml", context),
    ]
    for w in workers:
        files.append(
            _yaml_file(
                env,
                "synapse/worker.yaml.j2",
                synapse / "workers" / f"{w.name}.yaml",
                {**context, "w": w},
            )
        )
    registration = yaml.safe_dump(build_registration(cfg), sort_keys=False)
    files.append(RenderedFile(synapse / REGISTRATION, registration, secret=True))
    files.append(RenderedFile(synapse / ANTISPAM_SECRET, cfg.antispam.secret + "\n", secret=True))
    key = base64.b64encode(cfg.security.pseudonym_key_bytes or b"").decode() + "\n"
    mas = v.auth.mode == "mas"
    if mas:
        files += _mas_files(env, cfg, context, key)
    else:
        files.append(RenderedFile(synapse / PSEUDONYM_KEY, key, secret=True))
    nginx = {
        **context,
        "mas": mas,
        "mas_host": urlsplit(v.auth.mas.public_base).hostname,
        "mas_upstream": _host_port(v.auth.mas.endpoint),
        "broker_host": urlsplit(v.auth.broker.issuer).hostname,
        "broker_upstream": f"{v.auth.broker.host}:{v.auth.broker.listen_port}",
        "synapse_upstream": f"{v.synapse.host}:{v.synapse.port}",
        "samsnakk_upstream": _host_port(cfg.appservice.url),
        **route_groups(workers),
        "dlr_path": DLR_PATH,
    }
    text = env.get_template("nginx/samsnakk.conf.j2").render(nginx)
    files.append(RenderedFile(PurePath("nginx/samsnakk.conf"), text))
    return files


def _mas_files(
    env: jinja2.Environment, cfg: Config, context: dict[str, Any], pseudonym_key: str
) -> list[RenderedFile]:
    """MAS's config and its copy of Samsnakk's admin client secret; the broker's config and
    its copy of the pseudonym key (the same one «!rom ny fnr:…» uses)."""
    mas, broker = PurePath("mas"), PurePath("broker")
    secret = cfg.mas.client_secret if cfg.mas else ""
    return [
        _yaml_file(env, "mas/config.yaml.j2", mas / "config.yaml", context),
        RenderedFile(mas / MAS_ADMIN_SECRET, secret + "\n", secret=True),
        _yaml_file(env, "broker/broker.yaml.j2", broker / "broker.yaml", context),
        RenderedFile(broker / PSEUDONYM_KEY, pseudonym_key, secret=True),
    ]


def _yaml_file(
    env: jinja2.Environment, template: str, out: PurePath, context: dict[str, Any]
) -> RenderedFile:
    text = env.get_template(template).render(context)
    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise RenderError(f"{template} rendered invalid YAML: {err}") from None
    if not isinstance(parsed, dict):
        raise RenderError(f"{template} did not render a YAML mapping")
    return RenderedFile(out, text)


def write(files: list[RenderedFile], out: Path) -> list[Path]:
    """Write the files under ``out``. Secrets are 0600: give them to Synapse's user (D71).

    Worker files from an earlier render that this one no longer has are removed, so that a
    worker that was dropped cannot be started with stale settings.
    """
    wanted = {out / f.path for f in files}
    for stale in (out / "synapse" / "workers").glob("*.yaml"):
        if stale not in wanted:
            stale.unlink()
    written = []
    for f in files:
        path = out / f.path
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = 0o600 if f.secret else 0o644
        path.touch(mode)
        path.chmod(mode)  # before the content: a secret is never world-readable
        path.write_text(f.text, encoding="utf-8")
        written.append(path)
    return written
