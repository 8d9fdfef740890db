"""What a command is: its names, texts, who may use it, where, and how a refusal is worded.

Kept apart from the parser and registry (:mod:`commands`) so that the specs, grouped by feature
in :mod:`command_specs`, can import it without a circle.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.refusal import Refusal as Refusal  # re-exported: specs name it here

# Roles in ``CommandSpec.audience``; EVERYONE also covers people whose role we do not know.
ROLE_ANSATT = "ansatt"
ROLE_BRUKER = "bruker"
ROLE_ADMIN = "admin"
EVERYONE = "alle"
ROLES = frozenset({ROLE_ANSATT, ROLE_BRUKER, ROLE_ADMIN})

# Places in ``CommandSpec.where``.
IN_DM = "dm"
IN_BRUKERROM = "brukerrom"
IN_ADMIN_ROOM = "admin"
PLACES = frozenset({IN_DM, IN_BRUKERROM, IN_ADMIN_ROOM})


def is_name(word: str) -> bool:
    """Letters (æøå included), digits and single inner hyphens, starting with a letter."""
    if not word or not word[0].isalpha() or word.endswith("-") or "--" in word:
        return False
    return all(ch.isalnum() or ch == "-" for ch in word)


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """What a command is called, how it is written and explained, who may use it and where.

    ``name`` may be several words (``"møte ny"``). ``aliases`` are other names ``!hjelp`` shows;
    ``variants`` are the other ways people write it (nynorsk, other spellings and word orders),
    understood but not listed. ASCII for æøå, inflections shared by several commands and spaces
    or hyphens between words need neither (see :mod:`commands`). Texts come from :mod:`texts`.
    """

    name: str
    aliases: tuple[str, ...]
    usage: str
    summary: str
    details: str
    example: str
    audience: frozenset[str]
    where: frozenset[str]
    refusal: Refusal = Refusal.NOT_HERE
    variants: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every way this command is written: name, aliases and variants."""
        return (self.name, *self.aliases, *self.variants)

    def __post_init__(self) -> None:
        for name in self.names:
            words = name.split()
            if not words or name != " ".join(words) or not all(map(is_name, words)):
                raise ValueError(f"command name {name!r} must be lower-case words like 'møte ny'")
            if name != unicodedata.normalize("NFC", name.lower()):
                raise ValueError(f"command name {name!r} must be lower-case NFC")
        if not self.usage.startswith(texts.BANG):
            raise ValueError(f"usage of {self.name!r} must start with '!'")
        if not (self.summary.strip() and self.details.strip() and self.example.strip()):
            raise ValueError(f"command {self.name!r} needs a summary, details and an example")
        if not self.audience or not self.audience <= ROLES | {EVERYONE}:
            choices = ", ".join(sorted(ROLES | {EVERYONE}))
            raise ValueError(f"audience of {self.name!r} must be some of: {choices}")
        if not self.where or not self.where <= PLACES:
            raise ValueError(f"where of {self.name!r} must be some of: {', '.join(sorted(PLACES))}")

    def available_to(self, role: str | None, where: str) -> bool:
        """May a person with ``role`` (``None``: unknown) use this command in ``where``?"""
        if where not in self.where:
            return False
        return EVERYONE in self.audience or (role is not None and role in self.audience)


def spec(
    name: str,
    usage: str,
    summary: str,
    details: str,
    example: str,
    audience: set[str],
    where: set[str],
    aliases: tuple[str, ...] = (),
    refusal: Refusal = Refusal.NOT_HERE,
    variants: tuple[str, ...] = (),
) -> CommandSpec:
    """A spec written compactly, as the feature modules in :mod:`command_specs` do."""
    return CommandSpec(
        name,
        aliases,
        usage,
        summary,
        details,
        example,
        frozenset(audience),
        frozenset(where),
        refusal,
        variants,
    )
