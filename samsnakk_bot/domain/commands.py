"""Bot commands: a forgiving parser and a registry of what each command is and who may use it.

The parser only splits ``!name rest`` into a canonical lower-case name and its arguments. Which
words form a command (``!møte ny``, ``!admin katalog legg-til``), aliases and ASCII spellings of
æ, ø and å (``!mote`` → ``møte``) are the registry's business. Everything here is pure.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.folding import fold_letters

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

# "!" and the look-alikes phone keyboards and other layouts produce.
BANGS = "!\uff01\u00a1"
# Invisible characters that copy-paste and some keyboards leave around words.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f"
# Hyphen look-alikes (autocorrect turns "-" into "–") folded to "-" inside command names.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))
# Punctuation people put right after a command: "!hjelp?", "!hjelp.", "!hjelp»".
_TRAILING = ".,;:!?…»\"')-" + BANGS

_COMMAND_RE = re.compile(
    rf"[{BANGS}]+[^\S\n]*(?P<token>\S+)(?P<rest>.*)\Z",
    re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    """A message that looks like a command; the name is not necessarily a known one."""

    name: str
    args: tuple[str, ...]
    raw_args: str

    @property
    def words(self) -> tuple[str, ...]:
        return (self.name, *self.args)


def _is_name(word: str) -> bool:
    """Letters (æøå included), digits and single inner hyphens, starting with a letter."""
    if not word or not word[0].isalpha() or word.endswith("-") or "--" in word:
        return False
    return all(ch.isalnum() or ch == "-" for ch in word)


def _clean_name(token: str) -> str | None:
    for ch in _INVISIBLE:
        token = token.replace(ch, "")
    token = token.translate(_DASHES).rstrip(_TRAILING)
    name = unicodedata.normalize("NFC", token.lower())
    return name if _is_name(name) else None


def _strip_reply_fallback(text: str) -> str:
    """Drop a rich-reply fallback: leading ``> `` lines followed by a blank line."""
    if not text.startswith(">"):
        return text
    lines = text.split("\n")
    index = 0
    while index < len(lines) and lines[index].startswith(">"):
        index += 1
    if index < len(lines) and not lines[index].strip():
        return "\n".join(lines[index + 1 :])
    return text


def parse_command(body: str) -> ParsedCommand | None:
    """Parse a message body; ``None`` when it is not a command.

    Forgiving about case, surrounding whitespace, a space after the bang, ``！`` and ``¡``,
    invisible characters, trailing punctuation on the name and a quoted reply in front.
    A leading ``/`` is not a command: Element keeps slash commands for itself.
    """
    text = unicodedata.normalize("NFC", body).replace("\r\n", "\n").replace("\r", "\n")
    text = _strip_reply_fallback(text.lstrip())
    text = text.lstrip().lstrip(_INVISIBLE).lstrip()
    match = _COMMAND_RE.match(text)
    if match is None:
        return None
    name = _clean_name(match["token"])
    if name is None:
        return None
    raw_args = match["rest"].strip()
    return ParsedCommand(name=name, args=tuple(raw_args.split()), raw_args=raw_args)


def fold(word: str) -> str:
    """The key a command word is looked up by: lower-case, ASCII, no hyphens.

    ``Møte``, ``mote`` and ``moete`` fold alike, as do ``avslå``/``avsla``/``avslaa`` and
    ``legg-til``/``leggtil``.
    """
    return fold_letters(word.translate(_DASHES)).replace("-", "")


def _key(name: str) -> tuple[str, ...]:
    return tuple(fold(word) for word in name.lstrip(BANGS).split())


def _drop_words(text: str, count: int) -> str:
    """``text`` without its first ``count`` whitespace-separated words."""
    rest = text
    for _ in range(count):
        rest = rest.lstrip()
        word = re.match(r"\S+", rest)
        rest = rest[word.end() :] if word else ""
    return rest.strip()


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """What a command is called, how it is written and explained, who may use it and where.

    ``name`` may be several words (``"møte ny"``). Texts come from :mod:`texts`.
    """

    name: str
    aliases: tuple[str, ...]
    usage: str
    summary: str
    details: str
    example: str
    audience: frozenset[str]
    where: frozenset[str]

    def __post_init__(self) -> None:
        for name in (self.name, *self.aliases):
            words = name.split()
            if not words or name != " ".join(words) or not all(map(_is_name, words)):
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


@dataclass(frozen=True, slots=True)
class CommandMatch:
    """A parsed command matched to its spec; args and raw_args exclude the command's own words."""

    spec: CommandSpec
    args: tuple[str, ...]
    raw_args: str


class CommandRegistry:
    """The known commands, in the order ``!hjelp`` lists them."""

    def __init__(self, specs: Iterable[CommandSpec] = ()) -> None:
        self._specs: list[CommandSpec] = []
        self._index: dict[tuple[str, ...], CommandSpec] = {}
        self._depth = 0
        for spec in specs:
            self.register(spec)

    def register(self, spec: CommandSpec) -> None:
        keys = [_key(name) for name in (spec.name, *spec.aliases)]
        for key in keys:
            taken = self._index.get(key)
            if taken is not None or keys.count(key) > 1:
                other = taken.name if taken else spec.name
                raise ValueError(f"command {spec.name!r} clashes with {other!r} on {key!r}")
        for key in keys:
            self._index[key] = spec
            self._depth = max(self._depth, len(key))
        self._specs.append(spec)

    def __iter__(self) -> Iterator[CommandSpec]:
        return iter(list(self._specs))

    def resolve(self, name: str) -> CommandSpec | None:
        """The spec for a full name or alias (``"Mote ny"``, ``"!help"``), or ``None``."""
        return self._index.get(_key(name))

    def match(self, parsed: ParsedCommand) -> CommandMatch | None:
        """The longest registered command the parsed words start with."""
        words = parsed.words
        for size in range(min(self._depth, len(words)), 0, -1):
            spec = self._index.get(tuple(fold(word) for word in words[:size]))
            if spec is not None:
                raw_args = _drop_words(parsed.raw_args, size - 1)
                return CommandMatch(spec, words[size:], raw_args)
        return None

    def subcommands(self, prefix: str) -> list[CommandSpec]:
        """Commands whose name continues ``prefix``: ``"møte"`` → ``møte ny``, ``møte avlys``."""
        key = _key(prefix)
        if not key:
            return []
        return [
            spec
            for spec in self._specs
            if len(_key(spec.name)) > len(key) and _key(spec.name)[: len(key)] == key
        ]

    def suggest(self, name: str) -> str | None:
        """The closest known command name (canonical spelling) to a mistyped one, if any."""
        wanted = " ".join(_key(name))
        if not wanted:
            return None
        candidates: dict[str, str] = {}
        for spec in self._specs:
            words = spec.name.split()
            for size in range(1, len(words)):
                prefix = " ".join(words[:size])
                candidates.setdefault(" ".join(_key(prefix)), prefix)
            for alias in (spec.name, *spec.aliases):
                candidates[" ".join(_key(alias))] = spec.name
        close = difflib.get_close_matches(wanted, list(candidates), n=1, cutoff=0.6)
        return candidates[close[0]] if close else None

    def visible_for(self, role: str | None, where: str) -> list[CommandSpec]:
        """Commands a person with ``role`` may use in ``where``, in registration order."""
        return [spec for spec in self._specs if spec.available_to(role, where)]


def default_registry() -> CommandRegistry:
    """The commands Samsnakk has. Adding a command is one ``register`` call."""
    registry = CommandRegistry()
    registry.register(
        CommandSpec(
            name="hjelp",
            aliases=("help",),
            usage=texts.HJELP_USAGE,
            summary=texts.HJELP_SUMMARY,
            details=texts.HJELP_DETAILS,
            example=texts.HJELP_EXAMPLE,
            audience=frozenset({EVERYONE}),
            where=PLACES,
        )
    )
    for spec in _brukerrom_specs():
        registry.register(spec)
    return registry


def _spec(
    name: str,
    usage: str,
    summary: str,
    details: str,
    example: str,
    audience: set[str],
    where: set[str],
    aliases: tuple[str, ...] = (),
) -> CommandSpec:
    return CommandSpec(
        name, aliases, usage, summary, details, example, frozenset(audience), frozenset(where)
    )


def _brukerrom_specs() -> list[CommandSpec]:
    t = texts
    room, dm, everyone = {IN_BRUKERROM}, {IN_DM}, {EVERYONE}
    bruker = {ROLE_BRUKER}
    return [
        _spec(
            "rom ny",
            t.ROM_NY_USAGE,
            t.ROM_NY_SUMMARY,
            t.ROM_NY_DETAILS,
            t.ROM_NY_EXAMPLE,
            {ROLE_ANSATT},
            dm,
        ),
        _spec("kode", t.KODE_USAGE, t.KODE_SUMMARY, t.KODE_DETAILS, t.KODE_EXAMPLE, everyone, dm),
        _spec(
            "samtykke ja",
            t.SAMTYKKE_JA_USAGE,
            t.SAMTYKKE_JA_SUMMARY,
            t.SAMTYKKE_JA_DETAILS,
            t.SAMTYKKE_JA_USAGE,
            bruker,
            room,
        ),
        _spec(
            "samtykke nei",
            t.SAMTYKKE_NEI_USAGE,
            t.SAMTYKKE_NEI_SUMMARY,
            t.SAMTYKKE_NEI_DETAILS,
            t.SAMTYKKE_NEI_USAGE,
            bruker,
            room,
        ),
        _spec(
            "samtykke vis",
            t.SAMTYKKE_VIS_USAGE,
            t.SAMTYKKE_VIS_SUMMARY,
            t.SAMTYKKE_VIS_DETAILS,
            t.SAMTYKKE_VIS_USAGE,
            everyone,
            room,
        ),
        _spec(
            "samtykke trekk",
            t.SAMTYKKE_TREKK_USAGE,
            t.SAMTYKKE_TREKK_SUMMARY,
            t.SAMTYKKE_TREKK_DETAILS,
            t.SAMTYKKE_TREKK_USAGE,
            bruker,
            room,
        ),
        _spec(
            "legg-til",
            t.LEGG_TIL_USAGE,
            t.LEGG_TIL_SUMMARY,
            t.LEGG_TIL_DETAILS,
            t.LEGG_TIL_EXAMPLE,
            everyone,
            room,
        ),
        _spec(
            "godkjenn",
            t.GODKJENN_USAGE,
            t.GODKJENN_SUMMARY,
            t.GODKJENN_DETAILS,
            t.GODKJENN_EXAMPLE,
            bruker,
            room,
        ),
        _spec(
            "avslå", t.AVSLA_USAGE, t.AVSLA_SUMMARY, t.AVSLA_DETAILS, t.AVSLA_EXAMPLE, bruker, room
        ),
        _spec(
            "fjern", t.FJERN_USAGE, t.FJERN_SUMMARY, t.FJERN_DETAILS, t.FJERN_EXAMPLE, bruker, room
        ),
        _spec(
            "forlat",
            t.FORLAT_USAGE,
            t.FORLAT_SUMMARY,
            t.FORLAT_DETAILS,
            t.FORLAT_USAGE,
            {ROLE_ANSATT},
            room,
        ),
        _spec(
            "deltakere",
            t.DELTAKERE_USAGE,
            t.DELTAKERE_SUMMARY,
            t.DELTAKERE_DETAILS,
            t.DELTAKERE_USAGE,
            everyone,
            room,
        ),
        _spec(
            "varsel",
            t.VARSEL_USAGE,
            t.VARSEL_SUMMARY,
            t.VARSEL_DETAILS,
            t.VARSEL_EXAMPLE,
            everyone,
            dm,
        ),
        _spec(
            "varsel status",
            t.VARSEL_STATUS_USAGE,
            t.VARSEL_STATUS_SUMMARY,
            t.VARSEL_STATUS_SUMMARY,
            t.VARSEL_STATUS_USAGE,
            everyone,
            dm,
        ),
        _spec(
            "varsel stille",
            t.VARSEL_STILLE_USAGE,
            t.VARSEL_STILLE_SUMMARY,
            t.VARSEL_STILLE_DETAILS,
            t.VARSEL_STILLE_USAGE,
            everyone,
            dm,
        ),
        _spec(
            "varsel sms-oppsummering",
            t.VARSEL_OPPSUMMERING_USAGE,
            t.VARSEL_OPPSUMMERING_SUMMARY,
            t.VARSEL_OPPSUMMERING_DETAILS,
            t.VARSEL_OPPSUMMERING_EXAMPLE,
            everyone,
            dm,
        ),
        _spec(
            "møte ny",
            t.MOTE_NY_USAGE,
            t.MOTE_NY_SUMMARY,
            t.MOTE_NY_DETAILS,
            t.MOTE_NY_EXAMPLE,
            everyone,
            room,
        ),
        _spec("møte", t.MOTE_USAGE, t.MOTE_SUMMARY, t.MOTE_SUMMARY, t.MOTE_EXAMPLE, everyone, room),
        _spec(
            "møte bekreft",
            t.MOTE_BEKREFT_USAGE,
            t.MOTE_BEKREFT_SUMMARY,
            t.MOTE_BEKREFT_SUMMARY,
            t.MOTE_BEKREFT_EXAMPLE,
            everyone,
            room,
        ),
        _spec(
            "møte kan-ikke",
            t.MOTE_KAN_IKKE_USAGE,
            t.MOTE_KAN_IKKE_SUMMARY,
            t.MOTE_KAN_IKKE_SUMMARY,
            t.MOTE_KAN_IKKE_EXAMPLE,
            everyone,
            room,
        ),
        _spec(
            "møte flytt",
            t.MOTE_FLYTT_USAGE,
            t.MOTE_FLYTT_SUMMARY,
            t.MOTE_FLYTT_SUMMARY,
            t.MOTE_FLYTT_EXAMPLE,
            everyone,
            room,
        ),
        _spec(
            "møte avlys",
            t.MOTE_AVLYS_USAGE,
            t.MOTE_AVLYS_SUMMARY,
            t.MOTE_AVLYS_SUMMARY,
            t.MOTE_AVLYS_EXAMPLE,
            everyone,
            room,
        ),
        _spec(
            "møte liste",
            t.MOTE_LISTE_USAGE,
            t.MOTE_LISTE_SUMMARY,
            t.MOTE_LISTE_SUMMARY,
            t.MOTE_LISTE_USAGE,
            everyone,
            room,
        ),
        _spec(
            "mine møter",
            t.MINE_MOTER_USAGE,
            t.MINE_MOTER_SUMMARY,
            t.MINE_MOTER_SUMMARY,
            t.MINE_MOTER_USAGE,
            everyone,
            dm,
        ),
        _spec(
            "agenda",
            t.AGENDA_USAGE,
            t.AGENDA_SUMMARY,
            t.AGENDA_DETAILS,
            t.AGENDA_EXAMPLE,
            everyone,
            room,
        ),
        _spec(
            "sjekk",
            t.SJEKK_USAGE,
            t.SJEKK_SUMMARY,
            t.SJEKK_SUMMARY,
            t.SJEKK_EXAMPLE,
            everyone,
            room,
        ),
        _spec(
            "oppsummering",
            t.OPPSUMMERING_USAGE,
            t.OPPSUMMERING_SUMMARY,
            t.OPPSUMMERING_DETAILS,
            t.OPPSUMMERING_EXAMPLE,
            everyone,
            room,
        ),
        _spec(
            "admin rapport",
            t.ADMIN_RAPPORT_USAGE,
            t.ADMIN_RAPPORT_SUMMARY,
            t.ADMIN_RAPPORT_SUMMARY,
            t.ADMIN_RAPPORT_EXAMPLE,
            everyone,
            {IN_ADMIN_ROOM},
        ),
        _spec(
            "admin rom",
            t.ADMIN_ROM_USAGE,
            t.ADMIN_ROM_SUMMARY,
            t.ADMIN_ROM_SUMMARY,
            t.ADMIN_ROM_EXAMPLE,
            everyone,
            {IN_ADMIN_ROOM},
        ),
        _spec(
            "admin deaktiver",
            t.ADMIN_DEAKTIVER_USAGE,
            t.ADMIN_DEAKTIVER_SUMMARY,
            t.ADMIN_DEAKTIVER_DETAILS,
            t.ADMIN_DEAKTIVER_EXAMPLE,
            everyone,
            {IN_ADMIN_ROOM},
        ),
        _spec(
            "admin revisjon",
            t.ADMIN_REVISJON_USAGE,
            t.ADMIN_REVISJON_SUMMARY,
            t.ADMIN_REVISJON_SUMMARY,
            t.ADMIN_REVISJON_EXAMPLE,
            everyone,
            {IN_ADMIN_ROOM},
        ),
        _spec(
            "admin katalog legg-til",
            t.ADMIN_KATALOG_LEGG_TIL_USAGE,
            t.ADMIN_KATALOG_LEGG_TIL_SUMMARY,
            t.ADMIN_KATALOG_LEGG_TIL_DETAILS,
            t.ADMIN_KATALOG_LEGG_TIL_EXAMPLE,
            everyone,
            {IN_ADMIN_ROOM},
            aliases=("admin katalog ny",),
        ),
        _spec(
            "admin katalog endre",
            t.ADMIN_KATALOG_ENDRE_USAGE,
            t.ADMIN_KATALOG_ENDRE_SUMMARY,
            t.ADMIN_KATALOG_ENDRE_SUMMARY,
            t.ADMIN_KATALOG_ENDRE_EXAMPLE,
            everyone,
            {IN_ADMIN_ROOM},
        ),
        _spec(
            "admin katalog fjern",
            t.ADMIN_KATALOG_FJERN_USAGE,
            t.ADMIN_KATALOG_FJERN_SUMMARY,
            t.ADMIN_KATALOG_FJERN_SUMMARY,
            t.ADMIN_KATALOG_FJERN_EXAMPLE,
            everyone,
            {IN_ADMIN_ROOM},
        ),
        _spec(
            "katalog",
            t.KATALOG_USAGE,
            t.KATALOG_SUMMARY,
            t.KATALOG_DETAILS,
            t.KATALOG_EXAMPLE,
            {ROLE_ANSATT, ROLE_ADMIN},
            {IN_DM, IN_BRUKERROM},
        ),
        _spec(
            "logg",
            t.LOGG_USAGE,
            t.LOGG_SUMMARY,
            t.LOGG_DETAILS,
            t.LOGG_USAGE,
            bruker,
            room,
            aliases=("innsynslogg",),
        ),
        _spec(
            "godta-nøkkel",
            t.GODTA_NOKKEL_USAGE,
            t.GODTA_NOKKEL_SUMMARY,
            t.GODTA_NOKKEL_DETAILS,
            t.GODTA_NOKKEL_EXAMPLE,
            everyone,
            {IN_BRUKERROM, IN_ADMIN_ROOM},
        ),
    ]
