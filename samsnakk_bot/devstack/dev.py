"""``samsnakk dev``: the embedded homeserver plus our appservice, ready to log in to."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from samsnakk_bot.devstack.admin_register import RegistrationError, register_user
from samsnakk_bot.devstack.layout import DevStack, prepare_dev_stack
from samsnakk_bot.devstack.synapse_process import SynapseProcess

if TYPE_CHECKING:
    from samsnakk_bot.store.accounts import Role


def _banner(stack: DevStack) -> str:
    cfg = stack.config
    url = stack.synapse.base_url
    return f"""
Samsnakk dev stack is running.

  Homeserver:  {url}   (server name {cfg.homeserver.server_name})
  Bot:         {cfg.bot_user_id}
  Appservice:  {cfg.appservice.url}
  Data:        {stack.data_dir}

Create logins (in another terminal):
  samsnakk dev user add trond --password 'hemmelig-123' --role ansatt --org 'Askøy kommune'
  samsnakk dev user add per --password 'hemmelig-456' --role bruker

Log in with Element Web or Desktop: choose "Edit" homeserver, enter {url},
sign in as e.g. trond, then start a direct message with {cfg.bot_user_id} and write !hjelp.
Element X on a phone: start with --bind <this machine's LAN address>, then enter {url}
as the server and sign in with the password (README: "Element X against the dev stack").

Press Ctrl-C to stop.
"""


def run_dev(data_dir: Path, hs_port: int, as_port: int, bind_host: str = "127.0.0.1") -> int:
    stack = prepare_dev_stack(data_dir, hs_port, as_port, antispam=True, bind_host=bind_host)
    synapse = SynapseProcess(stack.synapse.config_path, stack.synapse.base_url)
    print(f"Starting Synapse on {stack.synapse.base_url} …", flush=True)
    synapse.start()
    try:
        return asyncio.run(_run_app(stack))
    except KeyboardInterrupt:
        return 0
    finally:
        synapse.stop()
        print("Stopped.")


async def _run_app(stack: DevStack) -> int:
    from samsnakk_bot.app import SamsnakkApp, configure_logging
    from samsnakk_bot.signals import wait_for_signal

    configure_logging(stack.config.logging.level)
    app = SamsnakkApp(stack.config)
    await app.start()
    print(_banner(stack), flush=True)
    await wait_for_signal()
    await app.stop()
    return 0


def _reachable(synapse: SynapseProcess) -> bool:
    try:
        synapse.wait_ready(timeout=0.5)
        return True
    except Exception:
        return False


def add_user(
    data_dir: Path,
    hs_port: int,
    as_port: int,
    name: str,
    password: str,
    role: Role,
    org: str | None,
    display_name: str | None,
    bind_host: str = "127.0.0.1",
) -> int:
    stack = prepare_dev_stack(data_dir, hs_port, as_port, antispam=True, bind_host=bind_host)
    synapse = SynapseProcess(stack.synapse.config_path, stack.synapse.base_url)
    started_here = not _reachable(synapse)
    if started_here:
        synapse.start()
    try:
        result = register_user(
            stack.synapse.base_url,
            stack.synapse.registration_shared_secret,
            name.lower(),
            password,
            admin=False,
            display_name=display_name,
        )
        user_id = str(result["user_id"])
    except RegistrationError as err:
        print(f"Could not create {name}: {err}", file=sys.stderr)
        return 1
    finally:
        if started_here:
            synapse.stop()
    asyncio.run(_record_account(stack, user_id, role, org, display_name))
    print(f"Created {user_id} (role {role}{', ' + org if org else ''}).")
    return 0


async def _record_account(
    stack: DevStack, user_id: str, role: Role, org: str | None, display_name: str | None
) -> None:
    from samsnakk_bot.store import AccountRepo, Database

    db = Database(stack.config.database.url)
    try:
        await db.upgrade()
        await AccountRepo(db).upsert(user_id, role, org, display_name, time.time_ns() // 10**6)
    finally:
        await db.close()
