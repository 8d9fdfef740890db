"""The Samsnakk app on a dev stack that is up: start it, print how to log in, stop on a signal.

Both the embedded stack (``dev.py``) and the worker stack (``worker_dev.py``) run it, so it lives
apart from either.
"""

from __future__ import annotations

from samsnakk_bot.devstack.layout import DevStack


async def run_app(stack: DevStack) -> int:
    from samsnakk_bot.app import SamsnakkApp, configure_logging
    from samsnakk_bot.signals import wait_for_signal

    configure_logging(stack.config.logging.level)
    app = SamsnakkApp(stack.config)
    await app.start()
    print(banner(stack), flush=True)
    await wait_for_signal()
    await app.stop()
    return 0


def banner(stack: DevStack) -> str:
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
