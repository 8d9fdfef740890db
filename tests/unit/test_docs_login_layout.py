"""docs/login-layout.svg is drawn from docs/login-layout.dot, and shows what the .dot says."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

DOCS = Path(__file__).parents[2] / "docs"
SVG_NS = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG_NS}text")]


def test_the_picture_shows_every_box_and_arrow_of_its_source() -> None:
    source = (DOCS / "login-layout.dot").read_text()
    shown = " ".join(_texts((DOCS / "login-layout.svg").read_text()))
    labels = re.findall(r'label="([^"]*)"', source)
    assert len(labels) > 10
    for label in labels:
        for line in label.split("\\n"):
            assert line in shown, line
    assert "operations.md" not in shown  # a picture, not a page
    assert "(login-layout.svg)" in (DOCS / "operations.md").read_text()


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz (dot) is not installed here")
def test_the_picture_is_the_current_rendering() -> None:
    fresh = subprocess.run(
        ["dot", "-Tsvg", str(DOCS / "login-layout.dot")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert _texts(fresh) == _texts((DOCS / "login-layout.svg").read_text())
