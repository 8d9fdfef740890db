"""Does an SMS text fit one GSM-7 segment?

A text with even one character outside the GSM 03.38 alphabet is sent as UCS-2, where a single
segment holds only 70 characters; a GSM-7 text longer than 160 septets is split into parts.
Either way the message costs more and may arrive in pieces. Our varsel texts are fixed, so the
outbox checks each one with :func:`is_gsm7_single_segment`.

Norwegian æ ø å Æ Ø Å are in the basic set. The guillemets « » that Norwegian typography
prefers are not, and neither are typographic quotes, dashes or the ellipsis character: write
"…" as "...", "–" as "-" and «…» as "…" in SMS texts.
"""

from __future__ import annotations

# GSM 03.38 default alphabet, in table order. 0x1B (ESC) is left out: it only introduces an
# extension character and is never a character of its own.
_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ"
    "ÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)

# The extension table: each character is sent as ESC + code, so it takes two septets.
_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE_SEGMENT_SEPTETS = 160


def gsm7_septets(text: str) -> int | None:
    """How many septets ``text`` takes in GSM-7, or None if it cannot be sent as GSM-7."""
    septets = 0
    for char in text:
        if char in _BASIC:
            septets += 1
        elif char in _EXTENSION:
            septets += 2
        else:
            return None
    return septets


def is_gsm7_single_segment(text: str) -> bool:
    """True if ``text`` is pure GSM-7 and fits one 160-septet segment."""
    septets = gsm7_septets(text)
    return septets is not None and septets <= SINGLE_SEGMENT_SEPTETS
