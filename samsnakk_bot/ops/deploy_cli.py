"""The ``samsnakk deploy`` commands: thin wrappers that print what was done, or why not."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import yaml

from samsnakk_bot.config import Config
from samsnakk_bot.ops.deploy_render import DEFAULT_TEMPLATES, RenderError, render, write
from samsnakk_bot.ops.deploy_secrets import ensure_secrets
from samsnakk_bot.ops.deploy_values import ValuesError, load_values
from samsnakk_bot.policies import PolicyError, load_policies

EXIT_INVALID = 2


def render_deployment(
    cfg: Config,
    values: Path | None,
    out: Path,
    templates: Path | None = None,
    policies_dir: Path | None = None,
) -> int:
    templates = templates or DEFAULT_TEMPLATES
    if not (templates / "synapse" / "homeserver.yaml.j2").is_file():
        # An installed wheel has no deploy/: the templates come with a checkout.
        print(f"No templates in {templates}; pass --templates <checkout>/deploy", file=sys.stderr)
        return EXIT_INVALID
    try:
        v = load_values(values)
        policies = load_policies(policies_dir or cfg.policies_dir)
        files = render(cfg, policies, v, templates)
    except (ValuesError, PolicyError, RenderError) as err:
        print(err, file=sys.stderr)
        return EXIT_INVALID
    for path in write(files, out):
        print(path)
    examples = v.example_client_ids()
    if examples:
        print(
            f"Warning: {' and '.join(examples)} still hold the example from "
            "deploy/values.example.yaml: put in the client IDs from Digdir and NHN.",
            file=sys.stderr,
        )
    print(
        f"Rendered {len(files)} files for auth.mode {v.auth.mode}"
        f"{' with workers' if v.workers.enabled else ''}. Install them with their modes; "
        f"each secret file (0600) must belong to the user of the service in its directory "
        f"(synapse/, mas/, broker/).",
        file=sys.stderr,
    )
    return 0


def make_secrets(values: Path | None, into: Path | None = None) -> int:
    try:
        v = load_values(values)
    except ValuesError as err:
        print(err, file=sys.stderr)
        return EXIT_INVALID
    if into is not None:
        # E.g. ./secrets on a docker host, mounted where paths.secrets_dir says.
        v = v.model_copy(update={"paths": v.paths.model_copy(update={"secrets_dir": into})})
    report = ensure_secrets(v)
    for path in report.created:
        print(f"created  {path}")
    for path in report.kept:
        print(f"kept     {path}")
    for path, what in report.missing.items():
        print(f"MISSING  {path}: {what}")
    return 1 if report.missing else 0


def admin_token(synapse_config: Path, url: str, localpart: str) -> int:
    """A server admin for Samsnakk's admin API calls, made with the shared secret.

    Nobody logs in with a password here (synapse_oidc mode turns them off), so the token from
    the registration is the only one this account ever gets: it is printed once.
    """
    from samsnakk_bot.ops.admin_register import RegistrationError, register_user

    try:
        raw = yaml.safe_load(synapse_config.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        print(f"Cannot read {synapse_config}: {err}", file=sys.stderr)
        return EXIT_INVALID
    secret_path = raw.get("registration_shared_secret_path")
    if not secret_path:
        print(
            f"{synapse_config} has no registration_shared_secret_path. With auth.mode mas, "
            "use: mas-cli manage issue-compatibility-token <user> "
            "--yes-i-want-to-grant-synapse-admin-privileges",
            file=sys.stderr,
        )
        return EXIT_INVALID
    shared = Path(secret_path).read_text(encoding="utf-8").strip()
    try:
        # The password is never shown or used: password login is off.
        answer = register_user(url, shared, localpart, secrets.token_urlsafe(32), admin=True)
    except (RegistrationError, OSError) as err:
        print(f"Synapse refused the registration: {err}", file=sys.stderr)
        return 1
    print(answer["access_token"])
    print(
        f"{answer['user_id']} is a server admin. Keep the token above as "
        "SAMSNAKK_HOMESERVER_ADMIN_TOKEN; it is not shown again.",
        file=sys.stderr,
    )
    return 0
