"""Waiting for the operator's stop signal, shared by every long-running command."""

from __future__ import annotations

import asyncio
import signal


async def wait_for_signal() -> None:
    """Block until SIGINT or SIGTERM, for a clean stop."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
