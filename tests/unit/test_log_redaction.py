"""The log filter masks what identifies a person and leaves the IDs we log readable (D73)."""

from __future__ import annotations

import io
import logging

from samsnakk_bot.log_redaction import RedactIdentifiers, redact


def test_numbers_and_addresses_are_masked_ids_and_figures_are_not() -> None:
    line = (
        "fnr 15076500565 and 150765 00565, mobile +47 912 34 567, 91234567 and 0047 41234567, "
        "mail per.persen@example.no; room !abc123:hs.test, user @b-x7k2:hs.test, "
        "event $Xy12345678901, ts 1796172960116, port 8008, 3 rooms in 0.25 s"
    )
    assert redact(line) == (
        "fnr [fnr] and [fnr], mobile [telefon], [telefon] and [telefon], "
        "mail [e-post]; room !abc123:hs.test, user @b-x7k2:hs.test, "
        "event $Xy12345678901, ts 1796172960116, port 8008, 3 rooms in 0.25 s"
    )


def test_the_filter_rewrites_messages_and_tracebacks() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(RedactIdentifiers())
    log = logging.getLogger("samsnakk_bot.test_log_redaction")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("answer to %s", "per@example.no")
        try:
            raise ValueError("bad number 912 34 567")
        except ValueError:
            log.exception("command failed for %s", "@per:hs.test")
    finally:
        log.removeHandler(handler)
    text = out.getvalue()
    assert "answer to [e-post]" in text
    assert "command failed for @per:hs.test" in text
    assert "ValueError: bad number [telefon]" in text
    assert "912 34 567" not in text and "per@example.no" not in text
