"""What the fake identity providers share about their connections."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def one_request_per_connection(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Close each connection after its answer.

    Synapse's HTTP client pools connections. On a slow CI machine a pooled connection to the
    fake was aborted halfway through the token request (the fake saw a reset while reading the
    body, Synapse answered 500). Login needs no connection reuse, so the fakes never offer it.
    """
    response = await handler(request)
    response.force_close()
    return response
