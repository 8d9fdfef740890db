"""`samsnakk broker --config FILE` as an operator runs it: a process that serves, and stops."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp

from tests.broker_harness import MasLikeClient, broker_stack, new_browser

FNR = "15076500565"


async def test_the_broker_command_serves_a_login_and_stops_on_sigterm(tmp_path: Path) -> None:
    # The harness writes the config and starts the fake providers; its in-process broker is
    # stopped first, and the command takes its port.
    async with broker_stack(tmp_path) as stack:
        await stack.broker_runner.cleanup()
        env = dict(os.environ, PYTHONPATH=str(Path(__file__).parents[2]))
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "samsnakk_bot.cli",
            "broker",
            "--config",
            str(stack.config_file),
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            async with new_browser() as browser:
                for _ in range(100):
                    try:
                        async with browser.get(f"{stack.url}/health") as r:
                            if r.status == 200:
                                break
                    except aiohttp.ClientConnectionError:
                        await asyncio.sleep(0.1)
                stack.idporten.log_in_next(FNR)
                done = await MasLikeClient(stack).log_in(browser, idp_hint="idporten")
                assert done.userinfo["preferred_username"].startswith("b-")
        finally:
            proc.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(proc.communicate(), 20)
        assert proc.returncode == 0, stderr.decode()
        log = stderr.decode()
        assert "login broker listening" in log
        assert "idporten login for b-" in log
        assert FNR not in log
