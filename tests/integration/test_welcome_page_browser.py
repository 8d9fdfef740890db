"""/velkommen in a real browser: Debian's headless Chromium renders the page the running app
serves, after a flow that made a code, a phone number, names and Matrix IDs. The rendered
link is exactly the app link, the QR code read from the screenshot is that link, and nothing
about anyone is on the page, even when the address carries it.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from brukerrom_flow import command, dm_with_bot
from matrix_harness import MatrixUser
from PIL import Image

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.domain import texts
from samsnakk_bot.http.welcome import PATH

pytestmark = pytest.mark.synapse

CHROMIUM = shutil.which("chromium")
ZBARIMG = shutil.which("zbarimg")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None or ZBARIMG is None,
    reason="needs Debian's chromium and zbar-tools: run scripts/ensure-browser.sh as root",
)
PHONE = "+47 412 34 569"
FNR = "15076500565"
BUTTON_BLUE = (11, 95, 191)  # a.app's background: seen only if the CSP let the style in


async def _run(*args: str, timeout: float = 90) -> bytes:
    # Not subprocess.run: the app serving the page runs on this event loop.
    proc = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout)
    assert proc.returncode == 0, (args[0], proc.returncode, err[-2000:])
    return out


def _chromium(profile: Path, *args: str) -> tuple[str, ...]:
    assert CHROMIUM is not None
    return (
        CHROMIUM,
        "--headless",
        "--no-sandbox",  # tests run as root in a container; the page is our own, on loopback
        "--disable-gpu",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--window-size=720,1280",
        *args,
    )


class _Page(HTMLParser):
    """The rendered DOM's links, text and element names."""

    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, str] = {}
        self.text: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links[found.get("id") or ""] = found["href"] or ""

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _blue_pixels(shot: Path) -> int:
    with Image.open(shot) as image:
        rgb = image.convert("RGB")
        return sum(1 for pixel in rgb.getdata() if pixel == BUTTON_BLUE)


@needs_browser
async def test_velkommen_renders_the_link_and_its_qr_code_and_nothing_personal(
    app: SamsnakkApp, ansatt: MatrixUser, bruker: MatrixUser, tmp_path: Path
) -> None:
    # A flow that leaves personal data behind: a code for a phone number, and a room for
    # a bruker with a name.
    dm = await dm_with_bot(app, ansatt)
    answer = await command(app, ansatt, dm, f"!rom ny {PHONE}", "Gi denne koden")
    code = answer.split("Gi denne koden til brukeren: ")[1].split()[0]
    await command(app, ansatt, dm, f"!rom ny {bruker.user_id}", "er opprettet")
    personal = {
        "mxid": bruker.user_id,
        "ansatt": ansatt.user_id,
        "tlf": PHONE,
        "fnr": FNR,
        "navn": "Per Test",
        "kode": code,
        "login_hint": f"mxid:{bruker.user_id}",
    }
    link = app.cfg.onboarding_links.app()
    assert link == (
        f"https://mobile.element.io/element/?account_provider={app.cfg.homeserver.server_name}"
    )
    url = f"{app.cfg.appservice.url}{PATH}?{urlencode(personal)}"

    shot = tmp_path / "velkommen.png"
    await _run(*_chromium(tmp_path / "profile", f"--screenshot={shot}", url))
    dom = (await _run(*_chromium(tmp_path / "profile", "--dump-dom", url))).decode()

    page = _Page()
    page.feed(dom)
    assert page.links == {"app-link": link}, page.links  # exactly one link: the app link
    text = " ".join(" ".join(page.text).split())
    assert texts.WELCOME_TITLE in text and link in text
    for step in texts.WELCOME_STEPS:
        assert " ".join(step.split()) in text
    assert "svg" in page.tags and "script" not in page.tags and "form" not in page.tags

    assert shot.stat().st_size > 0
    decoded = (await _run(ZBARIMG or "zbarimg", "--raw", "-q", str(shot))).decode()
    assert decoded.splitlines() == [link]
    assert _blue_pixels(shot) > 1000  # the styled button: the CSP's style hash matches

    for value in (*personal.values(), "Trond Test", "41234569", "4741234569", "412 34 569"):
        assert value not in dom, value
    assert "@" not in dom  # no Matrix ID of any kind
    assert not re.search(r"\d{8}", dom)  # no phone number, no fødselsnummer
    assert "Samsnakk · " not in dom  # no room label
