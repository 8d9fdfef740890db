"""A last line of defence for the logs: fødselsnummer, phone numbers and e-mail addresses are
masked in every line and logged traceback (D73).

Our log calls pass IDs only; this catches what an exception message might carry (a library
that quotes its input). Matrix IDs (``@user:server``), room and event IDs stay readable.
"""

from __future__ import annotations

import logging
import re

_NOT_AFTER = r"(?<![\w$!:/.=+-])"
_NOT_BEFORE = r"(?![\w])"
_MASKS = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[e-post]"),
    (re.compile(_NOT_AFTER + r"\d{6} ?\d{5}" + _NOT_BEFORE), "[fnr]"),
    (re.compile(_NOT_AFTER + r"(?:(?:\+|00)47 ?)?[2-9]\d(?: ?\d){6}" + _NOT_BEFORE), "[telefon]"),
)


def redact(text: str) -> str:
    for pattern, mask in _MASKS:
        text = pattern.sub(mask, text)
    return text


class RedactIdentifiers(logging.Filter):
    """Handler filter: rewrites the record's message and traceback text, never drops it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
