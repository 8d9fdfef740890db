"""Pure rules for Det første møtet: reading `!møte ny`, the oppskrift, and summaries."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from samsnakk_bot.domain.brukerrom import Target, people_readings
from samsnakk_bot.domain.folding import fold_letters

KEYWORDS = ("sted", "video", "med", "ansvarlig", "forberedelse")

# The pilot's oppskrift: three stages, each a few steps. Labels live in texts.py.
OPPSKRIFT: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("forberedelse", ("tilbud", "ny-behandler", "agenda", "innkalling")),
    ("motet", ("gjennomfort", "sporsmal")),
    ("oppfolging", ("oppsummering", "neste-avtale")),
)
STEPS = tuple(step for _, steps in OPPSKRIFT for step in steps)


@dataclass(frozen=True)
class MeetingOptions:
    place: str | None = None
    video: str | None = None
    people: tuple[tuple[Target, ...], ...] = ()
    responsible: tuple[tuple[Target, ...], ...] = ()
    preparation: bool = False
    unknown: tuple[str, ...] = field(default_factory=tuple)


def parse_options(words: Sequence[str]) -> MeetingOptions:
    """What follows the date and time: ``sted …``, ``video …``, ``med …``, ``ansvarlig …``,
    ``forberedelse``. Each keyword's text runs until the next keyword."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    unknown: list[str] = []
    for word in words:
        key = word.lower().strip(",")
        if key in KEYWORDS and (current is None or key != current):
            current = key
            sections.setdefault(key, [])
            continue
        if current is None:
            unknown.append(word)
        else:
            sections[current].append(word)
    return MeetingOptions(
        place=" ".join(sections["sted"]) or None if "sted" in sections else None,
        video=" ".join(sections["video"]) or None if "video" in sections else None,
        people=people_readings(" ".join(sections.get("med", []))),
        responsible=people_readings(" ".join(sections.get("ansvarlig", []))),
        preparation="forberedelse" in sections,
        unknown=tuple(unknown),
    )


def normalise_step(text: str) -> str | None:
    """``Ny behandler`` / ``ny-behandler`` / ``gjennomført`` → the step key, if there is one."""
    folded = re.sub(r"[\s_]+", "-", fold_letters(text.strip()))
    for step in STEPS:
        if folded == step or folded.replace("-", "") == step.replace("-", ""):
            return step
    return None


def answers_bruker_first(participants: Sequence[str], bruker: str | None) -> list[str]:
    """The bruker's answer is shown first; then the others in the order they were added."""
    return sorted(participants, key=lambda u: 0 if u == bruker else 1)


SUMMARY_SECTIONS = ("Viktigste punkter", "Dette skjer videre", "Neste avtale")


def split_summary(text: str) -> tuple[str, list[tuple[str, list[str]]]]:
    """(free text before any section, [(section, lines)]) from a multi-line summary.

    A section starts with its name on its own line (a trailing colon is fine).
    """
    intro: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    names = {s.lower(): s for s in SUMMARY_SECTIONS}
    for raw in text.splitlines():
        line = raw.strip()
        heading = names.get(line.rstrip(":").strip().lower())
        if heading is not None:
            sections.append((heading, []))
        elif line:
            target = sections[-1][1] if sections else intro
            target.append(line.lstrip("-•* ").strip())
    return "\n".join(intro), sections
