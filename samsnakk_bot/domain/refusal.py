"""The kinds of refusal a command can carry, known to both the specs and the texts."""

from __future__ import annotations

from enum import Enum


class Refusal(Enum):
    """Which answer someone gets who may not use a command where they wrote it (D141)."""

    NOT_HERE = "not_here"  # the general «kan ikke brukes her»
    BRUKER_SEES = "bruker_sees"  # a read command only the bruker may use (!logg)
    BRUKER_ANSWERS = "bruker_answers"  # the bruker's own answer (consent, approve, refuse)
    BRUKER_DECIDES = "bruker_decides"  # the bruker's own decision about who is in (!fjern)
    STAFF_ONLY = "staff_only"  # for ansatte (and admins) only (!rom ny, !forlat, !katalog)
