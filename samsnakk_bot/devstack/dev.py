"""``samsnakk dev``: the embedded homeserver plus our appservice, ready to log in to."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from importlib.util import find_spec
from pathlib import Path

from samsnakk_bot.devstack import messages, stack_lock
from samsnakk_bot.devstack.app_runner import run_app
from samsnakk_bot.devstack.layout import prepare_dev_stack
from samsnakk_bot.devstack.processes import stop_leftover
from samsnakk_bot.devstack.stack_lock import StackBusy, StackLock, StackRecord
from samsnakk_bot.devstack.synapse_process import SynapseProcess
from samsnakk_bot.ops.admin_register import RegistrationError, register_user

EMBEDDED_DIR = Path(".samsnakk-dev")
WORKERS_DIR = Path(".samsnakk-dev-workers")
# What each kind of stack imports (module, what to call it) besides Samsnakk itself.
_NEEDS = {
    "embedded": [("synapse", "Synapse"), ("synapse_http_antispam", "synapse-http-antispam")],
    "workers": [
        ("synapse", "Synapse"),
        ("synapse_http_antispam", "synapse-http-antispam"),
        ("psycopg2", "psycopg2 (Synapse on PostgreSQL)"),
        ("txredisapi", "Synapse's Redis support"),
    ],
}


def _data_dir(data_dir: Path | None, workers: bool) -> Path:
    return data_dir if data_dir is not None else (WORKERS_DIR if workers else EMBEDDED_DIR)


def missing_extra(workers: bool) -> str | None:
    """The one line to print when what the stack runs is not installed, else None."""
    missing = [
        what
        for module, what in _NEEDS["workers" if workers else "embedded"]
        if find_spec(module) is None
    ]
    if not missing:
        return None
    flag = " --workers" if workers else ""
    return messages.MISSING_EXTRA.format(what=", ".join(missing), flag=flag)


def _kind_clash(data_dir: Path, workers: bool) -> str | None:
    """A data dir holds one homeserver's accounts and the bot's device on it: never both."""
    embedded = (data_dir / "synapse" / "homeserver.db").exists()
    worker_made = (data_dir / "synapse-workers").exists()
    if workers and embedded:
        kind, kind_en = "med innebygd Synapse (SQLite)", "with the embedded Synapse (SQLite)"
    elif not workers and worker_made:
        kind, kind_en = "med Synapse-arbeidere (--workers)", "with Synapse workers (--workers)"
    else:
        return None
    return messages.OTHER_KIND.format(data_dir=data_dir, kind=kind, kind_en=kind_en)


def _claim(data_dir: Path, workers: bool) -> StackLock | str:
    """The data dir's lock, or the line that says why not."""
    try:
        lock = stack_lock.claim(data_dir)
    except StackBusy as busy:
        record = busy.record
        return messages.IN_USE.format(
            data_dir=data_dir,
            pid=record.pid if record else "?",
            url=record.homeserver_url if record else "?",
        )
    clash = _kind_clash(data_dir, workers)
    if clash is not None:
        lock.release()
        return clash
    previous = lock.previous
    if previous is not None:
        # A run killed before it could stop its children: stop those still running.
        for pid in previous.children.values():
            stop_leftover(pid, str(data_dir.resolve()))
    return lock


def run_dev(
    data_dir: Path | None,
    hs_port: int,
    as_port: int,
    bind_host: str = "127.0.0.1",
    *,
    workers: bool = False,
) -> int:
    missing = missing_extra(workers)
    if missing is not None:
        print(missing, file=sys.stderr)
        return 2
    data_dir = _data_dir(data_dir, workers)
    lock = _claim(data_dir, workers)
    if isinstance(lock, str):
        print(lock, file=sys.stderr)
        return 1
    with lock:
        if workers:
            from samsnakk_bot.devstack.worker_dev import run_workers

            return run_workers(lock, data_dir, hs_port, as_port, bind_host)
        return _run_embedded(lock, data_dir, hs_port, as_port, bind_host)


def _run_embedded(
    lock: StackLock, data_dir: Path, hs_port: int, as_port: int, bind_host: str
) -> int:
    stack = prepare_dev_stack(data_dir, hs_port, as_port, antispam=True, bind_host=bind_host)
    synapse = SynapseProcess(stack.synapse.config_path, stack.synapse.base_url)
    print(f"Starting Synapse on {stack.synapse.base_url} …", flush=True)
    synapse.start()
    url = stack.synapse.base_url
    children = {"synapse": synapse.pid} if synapse.pid else {}
    lock.write(
        StackRecord(
            os.getpid(), "embedded", url, url, hs_port, as_port, bind_host, children=children
        )
    )
    try:
        return asyncio.run(run_app(stack))
    except KeyboardInterrupt:
        return 0
    finally:
        synapse.stop()
        print("Stopped.")


def add_user(
    data_dir: Path | None,
    hs_port: int,
    as_port: int,
    name: str,
    password: str,
    role: str,
    org: str | None,
    display_name: str | None,
    bind_host: str = "127.0.0.1",
    *,
    workers: bool = False,
) -> int:
    """A login on the stack that runs on ``data_dir`` (its ports, whatever ours say), or,
    with none running, on an embedded Synapse started for the moment, under the lock."""
    data_dir = _data_dir(data_dir, workers)
    record = stack_lock.wait_running(data_dir)
    if record is not None:
        print(messages.USING_RUNNING.format(pid=record.pid, url=record.homeserver_url))
        secret = json.loads((data_dir / "dev-secrets.json").read_text())
        return _register(
            data_dir / "samsnakk.yaml",
            record.admin_url,
            secret["registration_shared_secret"],
            name,
            password,
            role,
            org,
            display_name,
        )
    if workers or (data_dir / "synapse-workers").exists():
        print(messages.START_WORKERS_FIRST.format(data_dir=data_dir), file=sys.stderr)
        return 1
    missing = missing_extra(False)
    if missing is not None:
        print(missing, file=sys.stderr)
        return 2
    lock = _claim(data_dir, False)
    if isinstance(lock, str):  # a stack started since we looked
        print(lock, file=sys.stderr)
        return 1
    with lock:
        stack = prepare_dev_stack(data_dir, hs_port, as_port, antispam=True, bind_host=bind_host)
        synapse = SynapseProcess(stack.synapse.config_path, stack.synapse.base_url)
        synapse.start()
        try:
            return _register(
                stack.config_path,
                stack.synapse.base_url,
                stack.synapse.registration_shared_secret,
                name,
                password,
                role,
                org,
                display_name,
            )
        finally:
            synapse.stop()


def _register(
    config_path: Path,
    admin_url: str,
    shared_secret: str,
    name: str,
    password: str,
    role: str,
    org: str | None,
    display_name: str | None,
) -> int:
    from samsnakk_bot.config import load_config

    try:
        result = register_user(
            admin_url,
            shared_secret,
            name.lower(),
            password,
            admin=False,
            display_name=display_name,
        )
        user_id = str(result["user_id"])
    except RegistrationError as err:
        print(f"Could not create {name}: {err}", file=sys.stderr)
        return 1
    database_url = load_config(config_path).database.url
    asyncio.run(_record_account(database_url, user_id, role, org, display_name))
    print(f"Created {user_id} (role {role}{', ' + org if org else ''}).")
    return 0


async def _record_account(
    database_url: str, user_id: str, role: str, org: str | None, display_name: str | None
) -> None:
    from samsnakk_bot.store import AccountRepo, Database
    from samsnakk_bot.store.accounts import Role

    roles: dict[str, Role] = {"ansatt": "ansatt", "bruker": "bruker", "admin": "admin"}
    db = Database(database_url)
    try:
        await db.upgrade()
        await AccountRepo(db).upsert(
            user_id, roles[role], org, display_name, time.time_ns() // 10**6
        )
    finally:
        await db.close()
