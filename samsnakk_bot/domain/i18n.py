"""Which language the bot is speaking, and translation through the shipped gettext catalogs.

Bokmål is the source language: every message id is the bokmål text, so ``nb`` needs no lookup
and a missing translation falls back to bokmål. The language is set once at the edge, where the
bot knows whom it answers (``with speaking(lang): ...``); the text functions stay pure and call
:func:`_` / :func:`ngettext`, which read it from a :class:`~contextvars.ContextVar`.

The catalogs are the ``.po`` files under ``samsnakk_bot/locale/<code>/LC_MESSAGES/``, compiled in
memory with Babel the first time a language is used (no ``.mo`` in git, no build step to forget).
Reading package data that ships with the code is treated like importing code (D130). A language
is available when its catalog exists: a third one needs only a new ``.po`` (D132).
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from io import BytesIO

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "samsnakk"
LOCALE_PACKAGE = "samsnakk_bot.locale"


class Language(StrEnum):
    """The two written standards of Norwegian. Codes are ISO 639-1, as in the catalog folders."""

    NB = "nb"
    NN = "nn"


SOURCE = Language.NB
_speaking: ContextVar[str] = ContextVar("samsnakk_speaking", default=SOURCE.value)


def current() -> str:
    """The language code being spoken now (``nb`` unless an edge said otherwise)."""
    return _speaking.get()


@contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Speak ``language`` inside the block; ``None`` or an unknown code keeps bokmål."""
    code = language if language and language in available() else SOURCE.value
    token = _speaking.set(code)
    try:
        yield
    finally:
        _speaking.reset(token)


def N_(message: str) -> str:
    """Marks a text for the catalog without translating it now (module-level constants)."""
    return message


def _(message: str) -> str:
    """``message`` (bokmål) in the language being spoken."""
    code = _speaking.get()
    if code == SOURCE.value or not message:
        return message
    return _translations(code).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the language being spoken."""
    code = _speaking.get()
    if code == SOURCE.value:
        return singular if n == 1 else plural
    return _translations(code).ngettext(singular, plural, n)


def _locale_root() -> Traversable:
    return resources.files(LOCALE_PACKAGE)


@cache
def available() -> frozenset[str]:
    """The language codes that have a catalog, bokmål always among them."""
    root = _locale_root()
    found = {
        entry.name
        for entry in root.iterdir()
        if entry.is_dir() and entry.joinpath("LC_MESSAGES", f"{DOMAIN}.po").is_file()
    }
    return frozenset(found | {SOURCE.value})


@cache
def _translations(code: str) -> gettext.NullTranslations:
    po = _locale_root().joinpath(code, "LC_MESSAGES", f"{DOMAIN}.po")
    if not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=code, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _fold(text: str) -> str:
    folded = text.strip().strip(".!?«»\"'").casefold()
    return folded.replace("å", "a").replace("ø", "o").replace("æ", "ae")


@cache
def _names() -> dict[str, str]:
    """Every way to name an available language: its code and its name in every catalog's
    language, from Babel's locale data (so «nynorsk», «bokmål», «bokmal», «norsk bokmål»)."""
    names: dict[str, str] = {}
    codes = sorted(available())
    for code in codes:
        names[_fold(code)] = code
        for shown_in in codes:
            try:
                name = Locale.parse(code).get_language_name(shown_in)
            except (UnknownLocaleError, ValueError):
                continue
            if name:
                names[_fold(name)] = code
                names[_fold(name.split()[-1])] = code
    return names


def parse_language(text: str) -> str | None:
    """The language code a person meant by ``text`` («nynorsk», «NN», «bokmal.»), or None."""
    return _names().get(_fold(text))


def babel_locale() -> str:
    """The Babel/CLDR locale of the language being spoken: ``nb_NO``, ``nn_NO``."""
    code = current()
    return f"{code}_NO" if code in (Language.NB, Language.NN) else code


def language_name(code: str) -> str:
    """The language's own name in the language being spoken («nynorsk», «bokmål»)."""
    try:
        name = Locale.parse(code).get_language_name(current())
    except (UnknownLocaleError, ValueError):
        return code
    return name.split()[-1] if name else code
