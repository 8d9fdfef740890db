"""The appservice's one HTTP listener: every route on it, started and stopped as one part."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from aiohttp import web

# Synapse may push large transactions (many state events) in one PUT.
MAX_BODY = 64 * 1024 * 1024


class HttpServer:
    def __init__(self, host: str, port: int) -> None:
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None

    async def start(self, routes: Iterable[Callable[[web.Application], None]]) -> None:
        """Each ``route(app)`` registers its paths; then the listener opens."""
        app = web.Application(client_max_size=MAX_BODY)
        for register in routes:
            register(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
