"""The ``samsnakk`` command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from samsnakk_bot.config import Config, ConfigError, load_config
from samsnakk_bot.signals import wait_for_signal

EXIT_CONFIG = 2


def _add_config(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", "-c", type=Path, required=True, help="samsnakk YAML config")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="samsnakk", description="Samsnakk appservice and bot")
    sub = parser.add_subparsers(dest="command", required=True)

    dev = sub.add_parser("dev", help="embedded dev stack: Synapse (SQLite) + appservice + bot")
    dev.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="default .samsnakk-dev, with --workers .samsnakk-dev-workers",
    )
    dev.add_argument(
        "--workers",
        action="store_true",
        help="Synapse as in production: main + workers on PostgreSQL and Redis, behind nginx",
    )
    dev.add_argument(
        "--bind",
        default="127.0.0.1",
        help="homeserver address: the machine's LAN address lets a phone (Element X) reach it",
    )
    dev.add_argument("--port", type=int, default=8008, help="homeserver port")
    dev.add_argument("--as-port", type=int, default=29330, help="appservice port on 127.0.0.1")
    dev_sub = dev.add_subparsers(dest="dev_command")
    user = dev_sub.add_parser("user", help="manage dev logins")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser("add", help="create a login on the dev homeserver")
    add.add_argument("name", help="localpart, e.g. trond")
    add.add_argument("--password", required=True)
    add.add_argument("--role", required=True, choices=["ansatt", "bruker", "admin"])
    add.add_argument("--org", default=None, help="organisation, e.g. 'Askøy kommune'")
    add.add_argument("--display-name", default=None)

    run = sub.add_parser("run", help="run against an existing Synapse (production)")
    _add_config(run)

    reg = sub.add_parser("registration", help="write the appservice registration for Synapse")
    _add_config(reg)
    reg.add_argument("--output", "-o", type=Path, default=None, help="file (default: stdout)")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="apply the Alembic migrations")
    _add_config(up)

    rapport = sub.add_parser("rapport", help="usage report (aggregate only, counts <5 hidden)")
    _add_config(rapport)
    rapport.add_argument("--format", choices=["csv", "png"], default="csv")
    rapport.add_argument("--org", default=None, help="organisation name as in the accounts")
    rapport.add_argument(
        "--periode", default="måned", help="måned, 2026-10 or 2026-09-01..2026-10-15"
    )
    rapport.add_argument("--output", "-o", type=Path, required=True)

    katalog = sub.add_parser("katalog", help="the staff directory")
    katalog_sub = katalog.add_subparsers(dest="katalog_command", required=True)
    kimport = katalog_sub.add_parser(
        "import", help="import staff from CSV (all or nothing; problems listed by line)"
    )
    _add_config(kimport)
    kimport.add_argument("file", type=Path)

    varsler = sub.add_parser("varsler", help="the varsel outbox")
    varsler_sub = varsler.add_subparsers(dest="varsler_command", required=True)
    vstatus = varsler_sub.add_parser(
        "status", help="counts per channel and status, and dead letters (no content)"
    )
    _add_config(vstatus)

    audit = sub.add_parser("audit", help="audit log maintenance")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser(
        "verify", help="check the audit log's hash chain and its checkpoints (read-only)"
    )
    _add_config(verify)
    verify.add_argument(
        "--checkpoint",
        action="append",
        default=[],
        metavar="SEQ:HASH",
        help="a checkpoint from an admin room message (repeatable)",
    )
    verify.add_argument(
        "--checkpoint-file",
        type=Path,
        default=None,
        help="checkpoint file to compare with (default: audit.checkpoint_file)",
    )

    doctor = sub.add_parser(
        "doctor", help="check a running deployment (Synapse, appservice, antispam, keys, DB)"
    )
    _add_config(doctor)
    doctor.add_argument(
        "--synapse-config",
        type=Path,
        action="append",
        default=[],
        metavar="PATH",
        help="Synapse's homeserver.yaml (repeatable; a directory means its *.yaml), "
        "to check push.include_content, which Synapse does not show from outside",
    )
    doctor.add_argument(
        "--secret-file",
        type=Path,
        action="append",
        default=[],
        metavar="PATH",
        help="a file with secrets that only its owner may read, e.g. secrets.env (repeatable)",
    )

    deploy = sub.add_parser("deploy", help="production configuration for Synapse, MAS, nginx")
    deploy_sub = deploy.add_subparsers(dest="deploy_command", required=True)
    render = deploy_sub.add_parser(
        "render", help="render deploy/ templates with samsnakk.yaml, policies and values"
    )
    _add_config(render)
    render.add_argument("--out", type=Path, required=True, help="output directory")
    render.add_argument("--values", type=Path, default=None, help="deploy values YAML")
    render.add_argument(
        "--templates", type=Path, default=None, help="template directory (default: deploy/)"
    )
    render.add_argument(
        "--policies", type=Path, default=None, help="policies directory (default: policies_dir)"
    )
    dsecrets = deploy_sub.add_parser(
        "secrets", help="create the missing secret files Synapse and MAS read (never replaces)"
    )
    dsecrets.add_argument("--values", type=Path, default=None, help="deploy values YAML")
    dsecrets.add_argument(
        "--dir", type=Path, default=None, help="write here instead of paths.secrets_dir"
    )
    token = deploy_sub.add_parser(
        "admin-token",
        help="make a Synapse server admin with the shared secret and print its access token",
    )
    token.add_argument("--synapse-config", type=Path, required=True, help="homeserver.yaml")
    token.add_argument("--url", default="http://127.0.0.1:8008", help="Synapse's client API")
    token.add_argument("name", nargs="?", default="samsnakk-drift", help="localpart")

    broker = sub.add_parser("broker", help="the login broker between MAS and HelseID / ID-porten")
    broker.add_argument("--config", "-c", type=Path, required=True, help="broker YAML config")

    check = sub.add_parser("check-config", help="validate a config file and exit")
    _add_config(check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except ConfigError as err:
        print(err, file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    key = (args.command, getattr(args, f"{args.command}_command", None))
    if key in WITHOUT_CONFIG:
        return WITHOUT_CONFIG[key](args)
    return WITH_CONFIG[key](_load_config(args.config), args)


def _load_config(path: Path) -> Config:
    """The config file, with each varsel channel's section checked by the channel itself."""
    from bridge.channels.registry import channel_settings

    cfg = load_config(path)
    channel_settings(cfg.varsler, str(path))
    return cfg


# -- commands that need no samsnakk config ---------------------------------------------------


def _dev(args: argparse.Namespace) -> int:
    from samsnakk_bot.devstack import dev

    return dev.run_dev(args.data_dir, args.port, args.as_port, args.bind, workers=args.workers)


def _dev_user(args: argparse.Namespace) -> int:
    from samsnakk_bot.devstack import dev

    return dev.add_user(
        args.data_dir,
        args.port,
        args.as_port,
        args.name,
        args.password,
        args.role,
        args.org,
        args.display_name,
        args.bind,
        workers=args.workers,
    )


def _deploy_secrets(args: argparse.Namespace) -> int:
    from samsnakk_bot.ops.deploy_cli import make_secrets

    return make_secrets(args.values, args.dir)


def _deploy_admin_token(args: argparse.Namespace) -> int:
    from samsnakk_bot.ops.deploy_cli import admin_token

    return admin_token(args.synapse_config, args.url, args.name)


def _broker(args: argparse.Namespace) -> int:
    from samsnakk_bot.login_broker.cli import run_broker

    return run_broker(args.config)


# -- commands that read the samsnakk config first --------------------------------------------


def _deploy_render(cfg: Config, args: argparse.Namespace) -> int:
    from samsnakk_bot.ops.deploy_cli import render_deployment

    return render_deployment(cfg, args.values, args.out, args.templates, args.policies)


def _run(cfg: Config, _args: argparse.Namespace) -> int:
    return asyncio.run(run_app(cfg))


def _registration(cfg: Config, args: argparse.Namespace) -> int:
    import yaml

    from samsnakk_bot.ops.registration import build_registration

    text = yaml.safe_dump(build_registration(cfg), sort_keys=False)
    if args.output:
        args.output.write_text(text)
        args.output.chmod(0o600)
    else:
        sys.stdout.write(text)
    return 0


def _db_upgrade(cfg: Config, _args: argparse.Namespace) -> int:
    from samsnakk_bot.store import Database

    async def upgrade() -> None:
        db = Database(cfg.database.url)
        try:
            await db.upgrade()
            print(f"database at revision {await db.current_revision()}")
        finally:
            await db.close()

    asyncio.run(upgrade())
    return 0


def _audit_verify(cfg: Config, args: argparse.Namespace) -> int:
    from samsnakk_bot.ops.audit_verify import audit_verify

    return audit_verify(cfg, args.checkpoint, args.checkpoint_file)


def _rapport(cfg: Config, args: argparse.Namespace) -> int:
    from samsnakk_bot.ops.report_cli import write_report

    return asyncio.run(write_report(cfg, args.format, args.org, args.periode, args.output))


def _katalog_import(cfg: Config, args: argparse.Namespace) -> int:
    from samsnakk_bot.ops.directory_import import import_csv

    return asyncio.run(import_csv(cfg, args.file))


def _varsler_status(cfg: Config, _args: argparse.Namespace) -> int:
    from samsnakk_bot.ops.varsler_report import print_status

    return asyncio.run(print_status(cfg))


def _doctor(cfg: Config, args: argparse.Namespace) -> int:
    from samsnakk_bot.doctor import run_doctor

    return asyncio.run(
        run_doctor(cfg, args.synapse_config, config_path=args.config, secret_files=args.secret_file)
    )


def _check_config(_cfg: Config, _args: argparse.Namespace) -> int:
    print("config OK")
    return 0


# (command, subcommand) → what runs it. Operator tools live in samsnakk_bot/ops/ and are
# imported only when their command runs, so `samsnakk run` never loads matplotlib or Jinja2.
WITHOUT_CONFIG: dict[tuple[str, str | None], Callable[[argparse.Namespace], int]] = {
    ("dev", None): _dev,
    ("dev", "user"): _dev_user,
    ("deploy", "secrets"): _deploy_secrets,
    ("deploy", "admin-token"): _deploy_admin_token,
    ("broker", None): _broker,
}
WITH_CONFIG: dict[tuple[str, str | None], Callable[[Config, argparse.Namespace], int]] = {
    ("deploy", "render"): _deploy_render,
    ("run", None): _run,
    ("registration", None): _registration,
    ("db", "upgrade"): _db_upgrade,
    ("audit", "verify"): _audit_verify,
    ("rapport", None): _rapport,
    ("katalog", "import"): _katalog_import,
    ("varsler", "status"): _varsler_status,
    ("doctor", None): _doctor,
    ("check-config", None): _check_config,
}


async def run_app(cfg: Config) -> int:
    from samsnakk_bot.app import SamsnakkApp, configure_logging

    configure_logging(cfg.logging.level)
    app = SamsnakkApp(cfg)
    await app.start()
    await wait_for_signal()
    await app.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
