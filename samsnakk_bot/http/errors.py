"""Mapping to HTTP happens here, at the edge, and nowhere else."""

from __future__ import annotations

import json

from aiohttp import web


def matrix_error(cls: type[web.HTTPError], errcode: str, error: str) -> web.HTTPError:
    return cls(
        text=json.dumps({"errcode": errcode, "error": error}), content_type="application/json"
    )
