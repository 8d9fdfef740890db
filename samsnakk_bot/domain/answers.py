"""Reading a plain answer («Ja!», «nei takk», «godkjenn», 👍) to a question the bot asked.

Pure: what the words mean, not who may answer or what is pending (services/pending_answers,
D142). Both standards, with capitals, punctuation, emoji and ASCII for æøå tolerated.
"""

from __future__ import annotations

import re
import unicodedata
from enum import Enum

from samsnakk_bot.domain.commands import BANGS, fold, strip_reply_fallback


class Answer(Enum):
    YES = "ja"
    NO = "nei"
    APPROVE = "godkjenn"
    REJECT = "avslå"


# Emoji people answer with, read as a word before everything else is stripped.
_EMOJI = {
    "👍": "ja",
    "👌": "ja",
    "✅": "ja",
    "✔": "ja",
    "☑": "ja",
    "🙂": "",
    "😊": "",
    "🙏": "",
    "👎": "nei",
    "❌": "nei",
    "✖": "nei",
    "🚫": "nei",
}

# Folded phrases (see commands.fold: lower-case, æøå as a/o/a, no hyphens), one per meaning.
_PHRASES: dict[Answer, frozenset[str]] = {
    Answer.YES: frozenset(
        {
            "ja",
            "jo",
            "jau",
            "ok",
            "okay",
            "okei",
            "oki",
            "jepp",
            "japp",
            "jada",
            "ja da",
            "javisst",
            "ja visst",
            "ja takk",
            "jatakk",
            "ja gjerne",
            "gjerne",
            "ja det er greit",
            "det er greit",
            "greit",
            "sant",
            "yes",
            "samtykker",
            "jeg samtykker",
            "eg samtykkjer",
            "samtykkjer",
            "ja jeg samtykker",
            "ja eg samtykkjer",
        }
    ),
    Answer.NO: frozenset(
        {
            "nei",
            "nei takk",
            "neitakk",
            "nei ass",
            "neida",
            "nei da",
            "nope",
            "no",
            "niks",
            "ikke",
            "ikkje",
            "vil ikke",
            "vil ikkje",
            "jeg vil ikke",
            "eg vil ikkje",
            "samtykker ikke",
            "jeg samtykker ikke",
            "samtykkjer ikkje",
            "eg samtykkjer ikkje",
        }
    ),
    Answer.APPROVE: frozenset(
        {
            "godkjenn",
            "godkjenne",
            "godkjenner",
            "godkjent",
            "godkjen",
            "godta",
            "godtar",
            "godkjenn den",
            "godkjenn han",
            "godkjenn henne",
            "ja godkjenn",
            "slipp inn",
        }
    ),
    Answer.REJECT: frozenset(
        {
            "avsla",
            "avslag",
            "avslar",
            "avvis",
            "avvise",
            "avsla den",
            "nei avsla",
            "ikke godkjenn",
            "ikkje godkjenn",
        }
    ),
}

_LOOKUP = {phrase: answer for answer, phrases in _PHRASES.items() for phrase in phrases}
# Longer than any answer: a long message is conversation, never a yes or a no.
_MAX_LENGTH = 60


def _words(body: str) -> str:
    text = unicodedata.normalize("NFC", body).strip()
    for emoji, word in _EMOJI.items():
        text = text.replace(emoji, f" {word} ")
    text = text.lstrip(BANGS)
    # Everything but letters and spaces goes: punctuation, other emoji, quotes, digits.
    kept = "".join(ch if ch.isalpha() or ch.isspace() else " " for ch in text)
    return " ".join(fold(word) for word in kept.split())


def read_answer(body: str) -> Answer | None:
    """What a short plain message answers, or ``None`` when it is not a plain answer.

    «Ja», «JA!», «ja takk 🙂», «Jo.», «👍», «Nei takk», «neitakk», «Godkjenn», «avsla».
    """
    body = strip_reply_fallback(body.replace("\r\n", "\n").lstrip())  # a reply to the question
    if len(body) > _MAX_LENGTH:
        return None
    words = _words(body)
    if not words:
        return None
    found = _LOOKUP.get(words)
    if found is not None:
        return found
    # «ja ja», «nei nei nei», «ja takk 👍» (👍 reads as «ja»): each word once, in order.
    once = " ".join(dict.fromkeys(words.split()))
    return _LOOKUP.get(once)


def is_bare_yes_or_no(answer: Answer | None) -> bool:
    """«ja» and «nei» may answer a person rather than the bot; «godkjenn» never does."""
    return answer in (Answer.YES, Answer.NO)


_NUMBER = re.compile(r"#?(\d{1,6})")


def number_in(body: str) -> int | None:
    """«godkjenn 2», «avslå #2»: the request the bruker named, if exactly one number."""
    numbers = _NUMBER.findall(body)
    return int(numbers[0]) if len(numbers) == 1 else None
