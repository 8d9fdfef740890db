"""/healthz and /metrics."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from samsnakk_bot.metrics import Metrics


def register_health(
    app: web.Application, metrics: Metrics, is_ready: Callable[[], Awaitable[dict[str, bool]]]
) -> None:
    async def healthz(_: web.Request) -> web.Response:
        checks = await is_ready()
        status = 200 if all(checks.values()) else 503
        return web.json_response({"ok": status == 200, "checks": checks}, status=status)

    async def metrics_view(_: web.Request) -> web.Response:
        resp = web.Response(body=generate_latest(metrics.registry))
        resp.content_type = CONTENT_TYPE_LATEST.split(";")[0]
        return resp

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_view)
