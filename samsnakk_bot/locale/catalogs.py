"""Extract the user texts and keep the catalogs in step: ``scripts/catalogs`` runs :func:`main`.

``nb`` is the source: its msgstr is the msgid. Other catalogs keep their translations; a new
text arrives with an empty msgstr, and ``tests/unit/test_catalogs.py`` fails until it is
translated. Texts that left the code are dropped from every catalog.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from samsnakk_bot.domain.i18n import DOMAIN, SOURCE

ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = Path(__file__).resolve().parent
# Fixed header dates: the catalogs change only when a text does.
_FIXED = datetime(2026, 12, 2, tzinfo=UTC)
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def po_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    """Every user text the code uses, as Babel's extraction finds it (``babel.cfg``)."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    catalog = Catalog(domain=DOMAIN, project="Samsnakk", charset="utf-8")
    found = extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    )
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def read(code: str) -> Catalog:
    with po_path(code).open("rb") as handle:
        return read_po(handle, locale=code, domain=DOMAIN)


def update(code: str, template: Catalog) -> Catalog:
    old = read(code) if po_path(code).is_file() else Catalog(locale=code, domain=DOMAIN)
    new = Catalog(
        locale=code,
        domain=DOMAIN,
        project="Samsnakk",
        charset="utf-8",
        creation_date=_FIXED,
        revision_date=_FIXED,
        last_translator="Samsnakk",
        language_team="Samsnakk",
        fuzzy=False,
    )
    for message in template:
        if not message.id:
            continue
        if code == SOURCE.value:
            string: str | tuple[str, ...] | list[str] | None = message.id
        else:
            previous = old.get(message.id)
            empty: tuple[str, ...] = ("", "")
            string = (
                previous.string
                if previous is not None
                else (empty if isinstance(message.id, tuple) else "")
            )
        new.add(message.id, string, flags=message.flags)
    return new


def write(code: str, catalog: Catalog) -> None:
    po_path(code).parent.mkdir(parents=True, exist_ok=True)
    with po_path(code).open("wb") as handle:
        write_po(handle, catalog, width=100, no_location=True, sort_output=True, omit_header=False)


def main() -> int:
    template = extract()
    codes = sorted({p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")})
    for code in sorted({SOURCE.value, *codes, *sys.argv[1:]}):
        catalog = update(code, template)
        write(code, catalog)
        missing = len([m for m in catalog if m.id and not _translated(m.string)])
        print(f"{code}: {len(catalog)} texts, {missing} without translation")
    return 0


def _translated(string: str | tuple[str, ...] | list[str] | None) -> bool:
    if isinstance(string, tuple | list):
        return all(string)
    return bool(string)


if __name__ == "__main__":
    raise SystemExit(main())
