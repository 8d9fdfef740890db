"""``GET /velkommen``: how a new bruker gets into Samsnakk, for someone reading on a computer.

The page is rendered once, at start-up, from the app link alone: it reads nothing from the
request, so no query parameter, header or cookie can ever be echoed into it, and it sets no
cookie. It holds the link, a QR code of the link (inline SVG from segno) and three steps. The
headers forbid everything the page does not use (no script, no outside resource, no framing)
and keep the address out of other sites' logs (D91).
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

import segno
from aiohttp import web

from samsnakk_bot.domain import texts

PATH = "/velkommen"

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5;color:#111;background:#fff}"
    "a.app{display:inline-block;padding:.6rem 1rem;background:#0b5fbf;color:#fff;"
    "border-radius:.4rem;text-decoration:none}"
    "svg{display:block;margin:1rem 0}"
)


def _qr_svg(link: str) -> str:
    # Medium error correction and a quiet zone of 4 modules: what phone cameras read best.
    qr = segno.make(link, error="m", micro=False)
    return str(
        qr.svg_inline(scale=6, border=4, dark="#000", light="#fff", title=texts.WELCOME_QR_TITLE)
    )


def welcome_html(link: str) -> str:
    steps = "".join(f"<li>{escape(step)}</li>" for step in texts.WELCOME_STEPS)
    return (
        '<!DOCTYPE html>\n<html lang="nb"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{escape(texts.WELCOME_TITLE)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(texts.WELCOME_TITLE)}</h1><p>{escape(texts.WELCOME_INTRO)}</p>"
        f"<ol>{steps}</ol>"
        f'<p><a class="app" id="app-link" href="{escape(link)}" rel="noreferrer">'
        f"{escape(texts.WELCOME_LINK_TEXT)}</a></p>"
        f'<p id="app-link-text">{escape(link)}</p>'
        f"{_qr_svg(link)}"
        f"<p>{escape(texts.WELCOME_NO_PERSONAL_DATA)}</p></body></html>\n"
    )


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    )


def welcome_headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": _csp(),
        "Referrer-Policy": "no-referrer",
        # A shared computer keeps no copy; the page is small and cheap to send again.
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


def register_welcome(app: web.Application, link: str) -> None:
    body = welcome_html(link).encode()
    headers = welcome_headers()

    async def velkommen(_: web.Request) -> web.Response:
        return web.Response(body=body, content_type="text/html", charset="utf-8", headers=headers)

    app.router.add_get(PATH, velkommen)
