"""Every command Samsnakk has, one module per feature; ``!hjelp`` lists them in this order.

Adding a command: write its spec in the feature's module (texts in :mod:`texts`), register a
handler for its name in the feature's service. Aliases list the other ways people write it.
"""

from __future__ import annotations

from samsnakk_bot.domain.command_spec import CommandSpec
from samsnakk_bot.domain.command_specs import (
    admin,
    consent,
    general,
    innsyn,
    katalog,
    meetings,
    participants,
    rooms,
    trust,
    varsler,
)

FEATURES = (general, rooms, consent, participants, varsler, meetings, admin, katalog, innsyn, trust)


def all_specs() -> list[CommandSpec]:
    return [spec for feature in FEATURES for spec in feature.specs()]
