"""``samsnakk dev --workers``: the production shape on one machine (D150).

Synapse runs from the ``deploy/`` templates, rendered by ``samsnakk deploy render``'s own
code, as a main process plus workers (two generic workers, one of them for /sync, an event
persister, a federation sender and a pusher) on PostgreSQL and Redis, behind nginx, which
routes by Synapse's worker endpoints (deploy/nginx/synapse-routes.conf.j2). Samsnakk itself
is the same as in the embedded stack: the same data directory layout and the same
samsnakk.yaml, so ``samsnakk dev user add`` works on both.

What the dev stack needs and production must never have is one file, ``dev.yaml``, given to
every Synapse process after homeserver.yaml (Synapse merges its top-level keys over): the
loopback URL, password login for Element X without MAS, no OIDC providers, generous rate
limits. Everything else is production's rendered config.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import URL

from samsnakk_bot.devstack.backing import (
    Postgres,
    Redis,
    drop_database,
    nginx_binary,
    start_postgres,
    start_redis,
    synapse_database,
)
from samsnakk_bot.devstack.layout import DevStack, prepare_dev_stack
from samsnakk_bot.devstack.processes import Child
from samsnakk_bot.devstack.synapse_config import GENEROUS_RATE_LIMITS
from samsnakk_bot.ops.deploy_render import (
    DEFAULT_TEMPLATES,
    WorkerSpec,
    environment,
    render,
    route_groups,
    worker_specs,
    write,
)
from samsnakk_bot.ops.deploy_values import DeployValues
from samsnakk_bot.policies import load_policies

GENERIC_WORKERS = 2
SYNAPSE_DB = "synapse"


def free_port_block(count: int, host: str = "127.0.0.1") -> int:
    """The first of ``count`` consecutive free ports (the worker layout numbers them)."""
    for _ in range(200):
        base = 20000 + secrets.randbelow(30000)
        if all(_free(host, base + i) for i in range(count)):
            return base
    raise RuntimeError(f"no {count} consecutive free ports on {host}")


def _free(host: str, port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


@dataclass(frozen=True)
class Ports:
    """Every port of the stack but nginx's (the dev port) and the appservice's."""

    main: int
    metrics: int
    replication: int
    first_worker: int
    persister: int
    metrics_first: int
    redis: int
    postgres: int

    @classmethod
    def pick(cls, generic: int) -> Ports:
        # generic HTTP ports, then one metrics port for each of generic + 3 workers.
        base = free_port_block(2 * generic + 9)
        return cls(
            main=base,
            metrics=base + 1,
            replication=base + 2,
            first_worker=base + 3,
            persister=base + 3 + generic,
            metrics_first=base + 4 + generic,
            redis=base + 2 * generic + 7,
            postgres=base + 2 * generic + 8,
        )


@dataclass(frozen=True)
class SynapseDatabase:
    """Where Synapse's database lives: an existing server (tests) or our own cluster."""

    server: URL
    name: str


class WorkerStack:
    """Start with :meth:`start`, stop with :meth:`stop`; everything runs on loopback."""

    def __init__(
        self,
        data_dir: Path,
        hs_port: int,
        as_port: int,
        bind_host: str = "127.0.0.1",
        *,
        policies_dir: Path | None = None,
        postgres_url: URL | None = None,
        generic: int = GENERIC_WORKERS,
        synapse_extra: Mapping[str, Any] | None = None,
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.hs_port = hs_port
        self.as_port = as_port
        self.bind_host = bind_host
        self._policies_dir = policies_dir
        # Given: a throwaway database on that server (tests); else our own cluster.
        self._external_pg = postgres_url
        self._generic = generic
        # Top-level keys merged over dev.yaml (tests: a push gateway on loopback).
        self._synapse_extra = dict(synapse_extra or {})
        self.ports = Ports.pick(generic)
        self.stack: DevStack | None = None
        self.workers: list[WorkerSpec] = []
        self.children: dict[str, Child] = {}
        self._postgres: Postgres | None = None
        self._redis: Redis | None = None
        self._database: SynapseDatabase | None = None
        self._root = self.data_dir / "synapse-workers"

    @property
    def base_url(self) -> str:
        """Where clients, the bot and Element go: nginx."""
        return f"http://{self.bind_host}:{self.hs_port}"

    @property
    def admin_url(self) -> str:
        """The main process directly: its admin API, which nginx never proxies."""
        return f"http://127.0.0.1:{self.ports.main}"

    def pids(self) -> dict[str, int]:
        found = {name: child.pid for name, child in self.children.items()}
        return {name: pid for name, pid in found.items() if pid is not None}

    # --- start and stop ----------------------------------------------------------------

    def prepare(self) -> DevStack:
        """samsnakk.yaml, the registration and the secrets: the embedded stack's layout."""
        self.stack = prepare_dev_stack(
            self.data_dir,
            self.hs_port,
            self.as_port,
            policies_dir=self._policies_dir,
            antispam=True,
            bind_host=self.bind_host,
        )
        return self.stack

    def start(self, timeout: float = 120.0) -> None:
        stack = self.stack or self.prepare()
        try:
            self._database = self._start_postgres()
            self._redis = start_redis(self.data_dir / "redis", self.ports.redis)
            self._render(stack)
            self._start_synapse(timeout)
            self._start_nginx(timeout)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """nginx, then the workers, then main, then Redis and PostgreSQL; each on its own."""
        order = ["nginx", *(w.name for w in reversed(self.workers)), "main"]
        for name in order:
            child = self.children.get(name)
            if child is not None:
                child.stop()
        redis, self._redis = self._redis, None
        if redis is not None:
            redis.stop()
        postgres, self._postgres = self._postgres, None
        if postgres is not None:
            postgres.stop()
        database, self._database = self._database, None
        if database is not None and self._external_pg is not None:
            drop_database(database.server, database.name)

    def restart(self, name: str, timeout: float = 60.0) -> None:
        """Stop one process (a worker, "main" or "nginx") and start it again."""
        child = self.children[name]
        child.stop()
        child.start()
        child.wait_ready(timeout)

    # --- the parts --------------------------------------------------------------------

    def _start_postgres(self) -> SynapseDatabase:
        if self._external_pg is not None:
            database = SynapseDatabase(self._external_pg, f"synapse_{secrets.token_hex(6)}")
        else:
            self._postgres = start_postgres(self.data_dir / "postgres", self.ports.postgres)
            database = SynapseDatabase(self._postgres.url, SYNAPSE_DB)
        synapse_database(database.server, database.name)
        return database

    def _values(self) -> DeployValues:
        assert self._database is not None and self._redis is not None
        p, server = self.ports, self._database.server
        return DeployValues.model_validate(
            {
                "paths": {
                    "config_dir": str(self._root / "synapse"),
                    "data_dir": str(self._root / "data"),
                    "secrets_dir": str(self._root / "secrets"),
                },
                "database": {
                    "host": server.host or "127.0.0.1",
                    "port": server.port or 5432,
                    "name": self._database.name,
                    "user": server.username or "synapse",
                    "passfile": "synapse_pgpass",
                    "cp_min": 1,
                    "cp_max": 5,
                },
                "synapse": {
                    "port": p.main,
                    "metrics_port": p.metrics,
                    "replication_port": p.replication,
                },
                "workers": {
                    "enabled": True,
                    "generic": self._generic,
                    "first_port": p.first_worker,
                    "persister_port": p.persister,
                    "metrics_first_port": p.metrics_first,
                    "redis": {"port": self._redis.port},
                },
                # Synapse's own logins are overridden in dev.yaml; the mode only picks the
                # template branch that needs no MAS.
                "auth": {"mode": "synapse_oidc", "idporten": {"client_id": "dev"}},
            }
        )

    def _render(self, stack: DevStack) -> None:
        v = self._values()
        policies = load_policies(stack.config.policies_dir)
        files = [f for f in render(stack.config, policies, v) if f.path.parts[0] == "synapse"]
        write(files, self._root)
        self.workers = worker_specs(v)
        self._write_secrets(stack, v)
        (self._root / "data").mkdir(parents=True, exist_ok=True)
        dev_yaml = self._root / "synapse" / "dev.yaml"
        dev_yaml.write_text(yaml.safe_dump(self._dev_overrides(stack), sort_keys=False))
        dev_yaml.chmod(0o600)
        self._write_nginx(v)

    def _write_secrets(self, stack: DevStack, v: DeployValues) -> None:
        assert self._database is not None
        server = self._database.server
        shared = stack.synapse
        files = {
            "synapse_macaroon_secret_key": shared.macaroon_secret_key,
            "synapse_form_secret": shared.form_secret,
            "synapse_registration_shared_secret": shared.registration_shared_secret,
            "synapse_pgpass": (
                f"{server.host}:{server.port}:{self._database.name}:"
                f"{server.username}:{server.password}"
            ),
        }
        replication = v.secret("synapse_replication_secret")
        if not replication.exists():
            files["synapse_replication_secret"] = secrets.token_urlsafe(32)
        for name, value in files.items():
            path = v.secret(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.parent.chmod(0o700)
            path.touch(0o600)
            path.chmod(0o600)
            path.write_text(value + "\n")

    def _dev_overrides(self, stack: DevStack) -> dict[str, Any]:
        return {
            "public_baseurl": f"{self.base_url}/",
            # Element X without MAS logs in with a password (as in the embedded stack).
            "password_config": {"enabled": True},
            "oidc_providers": [],
            "enable_registration": False,
            **GENEROUS_RATE_LIMITS,
            **self._synapse_extra,
        }

    def _write_nginx(self, v: DeployValues) -> None:
        prefix = self.data_dir / "nginx"
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (prefix / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        text = (
            environment(DEFAULT_TEMPLATES)
            .get_template("nginx/dev.conf.j2")
            .render(
                prefix=str(prefix),
                run_as_root=os.geteuid() == 0,
                listen=f"{self.bind_host}:{self.hs_port}",
                max_upload_size=v.synapse.max_upload_size,
                synapse_upstream=f"127.0.0.1:{self.ports.main}",
                **route_groups(self.workers),
            )
        )
        (prefix / "nginx.conf").write_text(text)

    def _synapse_argv(self, app: str, *configs: Path) -> list[str]:
        conf = self._root / "synapse"
        argv = [sys.executable, "-m", app, "-c", str(conf / "homeserver.yaml")]
        argv += ["-c", str(conf / "dev.yaml")]
        for extra in configs:
            argv += ["-c", str(extra)]
        return argv

    def _start_synapse(self, timeout: float) -> None:
        logs, env = self._root / "logs", {"SYNAPSE_ASYNC_IO_REACTOR": "0"}
        key = self._root / "data" / "homeserver.signing.key"
        if not key.exists():
            subprocess.run(  # noqa: S603 - our interpreter, fixed argv
                [*self._synapse_argv("synapse.app.homeserver"), "--generate-keys"],
                check=True,
                capture_output=True,
                env={**os.environ, **env},
            )
        main = Child(
            "main",
            self._synapse_argv("synapse.app.homeserver"),
            logs / "main.log",
            env=env,
            ready_url=f"{self.admin_url}/health",
        )
        self.children["main"] = main
        main.start()
        # Main first: it makes the schema the workers then find.
        main.wait_ready(timeout)
        workers_dir = self._root / "synapse" / "workers"
        for w in self.workers:
            port = w.http_port or w.replication_port
            ready = f"http://127.0.0.1:{port}/health" if port else None
            child = Child(
                w.name,
                self._synapse_argv("synapse.app.generic_worker", workers_dir / f"{w.name}.yaml"),
                logs / f"{w.name}.log",
                env=env,
                ready_url=ready or f"http://127.0.0.1:{w.metrics_port}/_synapse/metrics",
            )
            self.children[w.name] = child
            child.start()
        for w in self.workers:
            self.children[w.name].wait_ready(timeout)

    def _start_nginx(self, timeout: float) -> None:
        prefix = self.data_dir / "nginx"
        nginx = Child(
            "nginx",
            [
                nginx_binary(),
                "-c",
                str(prefix / "nginx.conf"),
                "-p",
                str(prefix),
                "-e",
                str(prefix / "error.log"),
            ],
            prefix / "stdout.log",
            ready_url=f"{self.base_url}/_matrix/client/versions",
        )
        self.children["nginx"] = nginx
        nginx.start()
        nginx.wait_ready(timeout)
