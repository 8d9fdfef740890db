"""The broker's two HTML pages: the chooser and the refusal. Fixed texts only, escaped."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from aiohttp import web

from samsnakk_bot.domain import texts

_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5}a.choice{display:block;border:2px solid #1b4f72;border-radius:.5rem;"
    "padding:1rem;margin:1rem 0;color:#1b4f72;text-decoration:none;font-weight:bold}"
    "a.choice span{display:block;font-weight:normal;color:#333}"
)


def _page(heading: str, body: str, status: int) -> web.Response:
    html = (
        '<!doctype html><html lang="nb"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(texts.BROKER_PAGE_TITLE)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{escape(heading)}</h1>{body}</body></html>"
    )
    return web.Response(
        text=html, status=status, content_type="text/html", charset="utf-8", headers=_HEADERS
    )


def chooser(flow_id: str, providers: list[str]) -> web.Response:
    options = {
        "helseid": (texts.BROKER_CHOOSE_STAFF, texts.BROKER_CHOOSE_STAFF_HINT),
        "idporten": (texts.BROKER_CHOOSE_BRUKER, texts.BROKER_CHOOSE_BRUKER_HINT),
    }
    links = "".join(
        f'<a class="choice" href="login/{name}?{escape(urlencode({"flow": flow_id}))}">'
        f"{escape(options[name][0])}<span>{escape(options[name][1])}</span></a>"
        for name in providers
    )
    return _page(
        texts.BROKER_CHOOSER_HEADING, f"<p>{escape(texts.BROKER_CHOOSER_INTRO)}</p>{links}", 200
    )


def refusal(reason: str, status: int = 400) -> web.Response:
    why = texts.BROKER_REFUSALS.get(reason, texts.BROKER_REFUSALS["upstream"])
    return _page(
        texts.BROKER_REFUSAL_HEADING,
        f"<p>{escape(why)}</p><p>{escape(texts.BROKER_TRY_AGAIN)}</p>",
        status,
    )
