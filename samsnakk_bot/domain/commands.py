"""Bot commands: a forgiving parser and a registry of what each command is and who may use it.

The parser only splits ``!name rest`` into a canonical lower-case name and its arguments. Which
words form a command (``!møte ny``, ``!admin katalog legg-til``), aliases, ASCII spellings of
æ, ø and å (``!mote`` → ``møte``), word forms (``møter``) and spaces or hyphens between words
(``legg til`` = ``legg-til`` = ``leggtil``) are the registry's business (D140). The specs
themselves live in :mod:`command_specs`, one module per feature. Everything here is pure.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from samsnakk_bot.domain.command_spec import (
    EVERYONE,
    IN_ADMIN_ROOM,
    IN_BRUKERROM,
    IN_DM,
    PLACES,
    ROLE_ADMIN,
    ROLE_ANSATT,
    ROLE_BRUKER,
    ROLES,
    CommandSpec,
    Refusal,
    is_name,
)
from samsnakk_bot.domain.command_specs import all_specs
from samsnakk_bot.domain.folding import fold_letters

__all__ = [
    "BANGS",
    "EVERYONE",
    "IN_ADMIN_ROOM",
    "IN_BRUKERROM",
    "IN_DM",
    "PLACES",
    "ROLES",
    "ROLE_ADMIN",
    "ROLE_ANSATT",
    "ROLE_BRUKER",
    "CommandMatch",
    "CommandRegistry",
    "CommandSpec",
    "ParsedCommand",
    "Refusal",
    "default_registry",
    "fold",
    "parse_command",
    "strip_reply_fallback",
]

# "!" and the look-alikes phone keyboards and other layouts produce.
BANGS = "!\uff01\u00a1"
# Invisible characters that copy-paste and some keyboards leave around words.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
# Hyphen look-alikes (autocorrect turns "-" into "–") folded to "-" inside command names.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))
# Quotes autocorrect and copy-paste put around a command: “!hjelp”, «!logg», '!deltakere'.
_QUOTES = "\"'“”„‟‘’‚‛«»‹›"
# Punctuation people put right after a command: "!hjelp?", "!hjelp.", "!hjelp»".
_TRAILING = ".,;:!?…)-" + _QUOTES + BANGS

_COMMAND_RE = re.compile(
    rf"[{BANGS}]+[^\S\n]*(?P<token>\S+)(?P<rest>.*)\Z",
    re.DOTALL,
)

# Other forms of words that occur in several commands, by their folded spelling (D140):
# inflections and nynorsk forms that mean the same word. Aliases cover whole commands.
WORD_FORMS = {
    "moter": "mote",  # møter
    "motet": "mote",  # møtet
    "motene": "mote",  # møtene
    "mota": "mote",  # nn møta
    "samtykket": "samtykke",
    "samtykk": "samtykke",
    "samtykkje": "samtykke",
    "varsler": "varsel",
    "varsling": "varsel",
    "varslinger": "varsel",
    "varslingar": "varsel",
    "varslar": "varsel",
    "nytt": "ny",
    "nye": "ny",
    "rommet": "rom",
    "rommene": "rom",
    "romma": "rom",
    "katalogen": "katalog",
    "jo": "ja",
    "ok": "ja",
}


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    """A message that looks like a command; the name is not necessarily a known one."""

    name: str
    args: tuple[str, ...]
    raw_args: str

    @property
    def words(self) -> tuple[str, ...]:
        return (self.name, *self.args)


def _clean_name(token: str) -> str | None:
    for ch in _INVISIBLE:
        token = token.replace(ch, "")
    token = token.translate(_DASHES).rstrip(_TRAILING)
    name = unicodedata.normalize("NFC", token.lower())
    return name if is_name(name) else None


def strip_reply_fallback(text: str) -> str:
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


def _strip_leading(text: str) -> str:
    """Spaces, invisible characters and quotes in front of the bang: “!hjelp”, « !logg»."""
    return text.lstrip().lstrip(_INVISIBLE + _QUOTES).lstrip()


def parse_command(body: str) -> ParsedCommand | None:
    """Parse a message body; ``None`` when it is not a command.

    Forgiving about case, surrounding whitespace, a space after the bang, ``！`` and ``¡``,
    invisible characters, quotes around it, trailing punctuation on the name and a quoted reply
    in front. A leading ``/`` is not a command: Element keeps slash commands for itself.
    """
    text = unicodedata.normalize("NFC", body).replace("\r\n", "\n").replace("\r", "\n")
    text = strip_reply_fallback(text.lstrip())
    text = _strip_leading(text)
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
    return fold_letters(word.translate(_DASHES)).replace("-", "").strip(_TRAILING)


def _word_key(word: str) -> str:
    """A word's key, its forms made one, also inside hyphenated words: «mine-møter»."""
    parts = (fold(part) for part in word.translate(_DASHES).split("-"))
    return "".join(WORD_FORMS.get(part, part) for part in parts)


def _key(name: str) -> str:
    """Words folded, their forms made one, and joined: «Legg til», «legg-til» → ``leggtil``."""
    return "".join(_word_key(word) for word in name.lstrip(BANGS).split())


def _drop_words(text: str, count: int) -> str:
    """``text`` without its first ``count`` whitespace-separated words."""
    rest = text
    for _ in range(count):
        rest = rest.lstrip()
        word = re.match(r"\S+", rest)
        rest = rest[word.end() :] if word else ""
    return rest.strip()


@dataclass(frozen=True, slots=True)
class CommandMatch:
    """A parsed command matched to its spec; args and raw_args exclude the command's own words."""

    spec: CommandSpec
    args: tuple[str, ...]
    raw_args: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What a mistyped command was read as (``words``) and the command it is closest to."""

    words: int
    name: str


# A suggestion must be at least this similar (difflib ratio), as before D140.
_CUTOFF = 0.6
# A reading of several words (the command's words plus maybe arguments) must be this close.
_MULTI_WORD_CUTOFF = 0.75
# A typed word that begins a command («!legg @x» → legg-til) counts as this much closer.
_PREFIX_BONUS = 0.2


class CommandRegistry:
    """The known commands, in the order ``!hjelp`` lists them."""

    def __init__(self, specs: Iterable[CommandSpec] = ()) -> None:
        self._specs: list[CommandSpec] = []
        self._index: dict[str, CommandSpec] = {}
        self._depth = 0
        for spec in specs:
            self.register(spec)

    def register(self, spec: CommandSpec) -> None:
        keys = [_key(name) for name in spec.names]
        for key in keys:
            taken = self._index.get(key)
            if taken is not None or keys.count(key) > 1:
                other = taken.name if taken else spec.name
                raise ValueError(f"command {spec.name!r} clashes with {other!r} on {key!r}")
        for key, name in zip(keys, spec.names, strict=True):
            self._index[key] = spec
            # Typed words may be more than the name's: «legg til» for «legg-til».
            self._depth = max(self._depth, len(name.split()) + name.count("-"))
        self._specs.append(spec)

    def __iter__(self) -> Iterator[CommandSpec]:
        return iter(list(self._specs))

    def resolve(self, name: str) -> CommandSpec | None:
        """The spec for a full name or alias (``"Mote ny"``, ``"!help"``), or ``None``."""
        key = _key(name)
        return self._index.get(key) if key else None

    def match(self, parsed: ParsedCommand) -> CommandMatch | None:
        """The longest registered command the parsed words start with."""
        words = parsed.words
        for size in range(min(self._depth, len(words)), 0, -1):
            spec = self._index.get("".join(_word_key(word) for word in words[:size]))
            if spec is not None:
                raw_args = _drop_words(parsed.raw_args, size - 1)
                return CommandMatch(spec, words[size:], raw_args)
        return None

    def subcommands(self, prefix: str) -> list[CommandSpec]:
        """Commands whose name continues ``prefix``: ``"møte"`` → ``møte ny``, ``møte avlys``."""
        wanted = [_word_key(word) for word in prefix.lstrip(BANGS).split()]
        if not wanted:
            return []
        found = []
        for spec in self._specs:
            words = [_word_key(word) for word in spec.name.split()]
            if len(words) > len(wanted) and words[: len(wanted)] == wanted:
                found.append(spec)
        return found

    def _candidates(self) -> dict[str, str]:
        """Joined keys of every name, alias and group word, to the name a suggestion shows."""
        candidates: dict[str, str] = {}
        for spec in self._specs:
            words = spec.name.split()
            for size in range(1, len(words)):
                prefix = " ".join(words[:size])
                candidates.setdefault(_key(prefix), prefix)
            for name in spec.names:
                candidates[_key(name)] = spec.name
        return candidates

    def suggest(self, name: str) -> str | None:
        """The closest known command name (canonical spelling) to a mistyped one, if any."""
        found = self.suggest_reading(tuple(name.lstrip(BANGS).split()), max_words=None)
        return found.name if found else None

    def suggest_reading(
        self, words: tuple[str, ...], max_words: int | None = 0
    ) -> Suggestion | None:
        """The command closest to what was typed, reading the first 1, 2, … words as its name.

        A close reading of several words wins over a single word that is merely one letter from
        another command: «!lag til @x» is «!legg-til», not «!logg» (D140). ``max_words=None``
        reads all of ``words`` as the name; ``0`` tries every length the registry has.
        """
        if not words:
            return None
        if max_words is None:
            sizes = [len(words)]
        else:
            # Only words that could be part of a name: «1» and «@kari:…» are arguments.
            named = next((i for i, w in enumerate(words) if not is_name(fold(w) or "-")), None)
            longest = min(self._depth, len(words) if named is None else max(named, 1))
            sizes = list(range(longest, 0, -1))
        candidates = self._candidates()
        for size in sizes:
            typed = "".join(_word_key(word) for word in words[:size])
            best = _closest(typed, candidates)
            # Several words must read clearly as one command; one word only needs the cutoff.
            needed = _MULTI_WORD_CUTOFF if size > 1 and len(sizes) > 1 else _CUTOFF
            if best is not None and best[0] >= needed:
                return Suggestion(size, best[1])
        return None

    def visible_for(self, role: str | None, where: str) -> list[CommandSpec]:
        """Commands a person with ``role`` may use in ``where``, in registration order."""
        return [spec for spec in self._specs if spec.available_to(role, where)]


def _closest(typed: str, candidates: dict[str, str]) -> tuple[float, str] | None:
    """The best (score, shown name) for a typed key; a typed start of a key scores higher."""
    if not typed:
        return None
    best: tuple[float, str] | None = None
    for key, shown in candidates.items():
        ratio = difflib.SequenceMatcher(None, typed, key).ratio()
        if len(typed) >= 3 and key.startswith(typed) and key != typed:
            ratio = max(ratio, _CUTOFF) + _PREFIX_BONUS
        if best is None or ratio > best[0]:
            best = (ratio, shown)
    return best


def default_registry() -> CommandRegistry:
    """The commands Samsnakk has, from the feature modules in :mod:`command_specs`."""
    return CommandRegistry(all_specs())
