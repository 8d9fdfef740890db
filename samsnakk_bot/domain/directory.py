"""The staff directory (katalog): Norwegian-aware search and checking entries, e.g. from CSV.

Nothing here does I/O. Search works on a pre-folded ``search_text`` per entry: :func:`fold`
turns ``"Trond Hansen, Askøy kommune"`` into ``"trond hansen askoy kommune"``, and a query
matches when each of its folded words starts some word of that text, so ``psyk ask`` finds a
psykolog in Askøy.

Problems are short English codes (the ``PROBLEM_*`` constants). People see Norwegian text, which
the caller picks by code; ``detail`` carries what that text may need (valid choices, a line).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import phonenumbers

from samsnakk_bot.domain.folding import fold_letters

# The CSV columns, in the order the header usually has them.
COLUMNS = (
    "matrix_id",
    "navn",
    "organisasjon",
    "enhet",
    "rolle",
    "epost",
    "telefon",
    "kan_hjelpe_med",
)
REQUIRED_COLUMNS = ("matrix_id", "navn", "organisasjon", "rolle")

# Longest accepted value per column; the database column sizes leave room above these.
MAX_LENGTHS = {
    "matrix_id": 255,
    "navn": 200,
    "organisasjon": 200,
    "enhet": 200,
    "rolle": 100,
    "epost": 254,
    "telefon": 32,
    "kan_hjelpe_med": 500,
}

PROBLEM_NOT_UTF8 = "not utf-8"
PROBLEM_EMPTY_FILE = "empty file"
PROBLEM_MALFORMED_CSV = "malformed csv"
PROBLEM_MISSING_COLUMN = "missing column"
PROBLEM_UNKNOWN_COLUMN = "unknown column"
PROBLEM_DUPLICATE_COLUMN = "duplicate column"
PROBLEM_FIELD_COUNT = "wrong number of fields"
PROBLEM_REQUIRED = "required"
PROBLEM_TOO_LONG = "too long"
PROBLEM_MATRIX_ID = "invalid matrix id"
PROBLEM_UNKNOWN_ORG = "unknown organisation"
PROBLEM_UNKNOWN_ROLE = "unknown role"
PROBLEM_EMAIL = "invalid email"
PROBLEM_PHONE = "invalid phone"
PROBLEM_DUPLICATE_ID = "duplicate matrix id"

_MXID = re.compile(r"^@[a-z0-9._=/+\-]+:[a-z0-9.\-]+(:[0-9]{1,5})?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
# Sorts æ, ø, å after z and in that order (the Norwegian alphabet).
_SORT_LETTERS = str.maketrans({"æ": "z{", "ø": "z|", "å": "z}"})


class Organisation(Protocol):
    """What the directory needs of an organisation in ``policies/`` (``policies.Organisation``)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def roles(self) -> Sequence[str]: ...


class Organisations(Protocol):
    """The helsefellesskap's organisations (``policies.Organisations``)."""

    @property
    def organisations(self) -> Sequence[Organisation]: ...
    def by_id(self, org_id: str) -> Organisation | None: ...
    def by_name(self, name: str) -> Organisation | None: ...


@dataclass(frozen=True, slots=True)
class EntryIn:
    """A checked directory entry, ready to store (see :func:`check_entry`)."""

    user_id: str
    name: str
    org_id: str
    org_name: str  # for search_text only; the organisation is stored by id
    unit: str | None
    role: str
    email: str | None
    phone: str | None  # E.164
    help_text: str | None

    @property
    def search_text(self) -> str:
        """What ``!katalog`` searches. Only what every ansatt may see: no e-mail or phone."""
        parts = (self.name, self.org_name, self.unit, self.role, self.help_text)
        return fold(" ".join(p for p in parts if p))


@dataclass(frozen=True, slots=True)
class CsvProblem:
    """A problem on a 1-based file line (the header is line 1) in one column (``""``: the row)."""

    line: int
    field: str
    problem: str
    detail: str | None = None


# --- search ----------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower-case words without punctuation or accents, æ/ø/å and their ASCII spellings alike.

    ``"Askøy"``, ``"Askoey"`` and ``"ASKOY"`` all become ``"askoy"``; ``"Åsane"`` and
    ``"Aasane"`` become ``"asane"``. Idempotent: ``fold(fold(x)) == fold(x)``.
    """
    text = "".join(c if c.isalnum() else " " for c in fold_letters(text))
    return " ".join(text.split())


def search_terms(query: str) -> list[str]:
    """The folded words of a query, each once, in the order written."""
    return list(dict.fromkeys(fold(query).split()))


def matches(search_text: str, terms: list[str]) -> bool:
    """True when every term starts some word of ``search_text``; no terms match nothing."""
    words = search_text.split()
    return bool(terms) and all(any(w.startswith(t) for w in words) for t in terms)


def sort_key(name: str) -> str:
    """Orders names as a Norwegian reader expects, the same on every database."""
    return unicodedata.normalize("NFKC", name).casefold().translate(_SORT_LETTERS)


# --- checking one entry ----------------------------------------------------------------------


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def _find_org(value: str, orgs: Organisations) -> Organisation | None:
    return orgs.by_id(value.lower()) or orgs.by_name(value)


def normalise_phone(text: str) -> str | None:
    """A valid Norwegian number as E.164 (``"+4791234567"``), else None."""
    try:
        number = phonenumbers.parse(text, "NO")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 47 or not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_entry(
    values: Mapping[str, str | None], orgs: Organisations, line: int = 0
) -> EntryIn | list[CsvProblem]:
    """Check one entry given by column name (see :data:`COLUMNS`); absent keys are empty.

    Used for each CSV row and for an admin's ``!admin katalog legg-til``. The organisation may
    be written as its id or its name (any case); the role must be one the organisation offers
    and is returned as the policy spells it.
    """
    v = {c: _clean(values.get(c)) for c in COLUMNS}
    problems: list[CsvProblem] = []

    def problem(field: str, code: str, detail: str | None = None) -> None:
        problems.append(CsvProblem(line, field, code, detail))

    for column in COLUMNS:
        if column in REQUIRED_COLUMNS and not v[column]:
            problem(column, PROBLEM_REQUIRED)
        elif len(v[column]) > MAX_LENGTHS[column]:
            problem(column, PROBLEM_TOO_LONG, str(MAX_LENGTHS[column]))
            v[column] = ""
    user_id = v["matrix_id"].lower()
    if user_id and not _MXID.match(user_id):
        problem("matrix_id", PROBLEM_MATRIX_ID)
    org = _find_org(v["organisasjon"], orgs) if v["organisasjon"] else None
    if v["organisasjon"] and org is None:
        problem("organisasjon", PROBLEM_UNKNOWN_ORG, ", ".join(o.id for o in orgs.organisations))
    role = v["rolle"]
    if org is not None and role:
        offered = {r.casefold(): r for r in org.roles}
        if role.casefold() not in offered:
            problem("rolle", PROBLEM_UNKNOWN_ROLE, ", ".join(org.roles))
        role = offered.get(role.casefold(), role)
    if v["epost"] and not _EMAIL.match(v["epost"]):
        problem("epost", PROBLEM_EMAIL)
    phone = normalise_phone(v["telefon"]) if v["telefon"] else None
    if v["telefon"] and phone is None:
        problem("telefon", PROBLEM_PHONE)
    if problems:
        return problems
    assert org is not None
    return EntryIn(
        user_id=user_id,
        name=v["navn"],
        org_id=org.id,
        org_name=org.name,
        unit=v["enhet"] or None,
        role=role,
        email=v["epost"] or None,
        phone=phone,
        help_text=v["kan_hjelpe_med"] or None,
    )


# --- CSV -------------------------------------------------------------------------------------


def decode_csv(data: bytes) -> tuple[str | None, list[CsvProblem]]:
    """UTF-8 text (with or without BOM), or a problem on the line of the first bad byte.

    Excel's plain "CSV" is Windows-1252; guessing would garble names, so it is refused and the
    person is asked (by the caller's text) to save as "CSV UTF-8".
    """
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return None, [CsvProblem(line, "", PROBLEM_NOT_UTF8)]


def _delimiter(header_line: str) -> str:
    # Excel in Norway writes ';'; a header never has both, but count in case a name has one.
    return ";" if header_line.count(";") >= header_line.count(",") else ","


def _header(row: list[str]) -> tuple[list[str], list[CsvProblem]]:
    names = [c.strip().lower() for c in row]
    problems: list[CsvProblem] = []
    for i, name in enumerate(names):
        if name not in COLUMNS:
            problems.append(CsvProblem(1, name, PROBLEM_UNKNOWN_COLUMN, ", ".join(COLUMNS)))
        elif name in names[:i]:
            problems.append(CsvProblem(1, name, PROBLEM_DUPLICATE_COLUMN))
    problems += [
        CsvProblem(1, c, PROBLEM_MISSING_COLUMN) for c in REQUIRED_COLUMNS if c not in names
    ]
    return names, problems


def parse_csv(text: str, orgs: Organisations) -> tuple[list[EntryIn], list[CsvProblem]]:
    """Every valid row as an entry, and every problem found; never raises on bad input.

    The header names the columns, in any order (:data:`COLUMNS`; the optional ones may be left
    out). Fields are separated by ``;`` or ``,``, taken from the header line. A UTF-8 BOM is
    skipped. Blank rows are ignored. Use the entries only when there are no problems: a file is
    imported whole or not at all.
    """
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return [], [CsvProblem(1, "", PROBLEM_EMPTY_FILE)]
    first_line = text.splitlines()[0] if text.splitlines() else ""
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(first_line), strict=True
    )
    entries: list[EntryIn] = []
    problems: list[CsvProblem] = []
    header: list[str] | None = None
    seen: dict[str, int] = {}
    end = 0
    try:
        for row in reader:
            start, end = end + 1, reader.line_num
            if header is None:
                header, header_problems = _header(row)
                if header_problems:
                    return [], header_problems
                continue
            if not any(field.strip() for field in row):
                continue
            if len(row) != len(header):
                problems.append(CsvProblem(start, "", PROBLEM_FIELD_COUNT, str(len(header))))
                continue
            values = dict(zip(header, row, strict=True))
            checked = check_entry(values, orgs, start)
            user_id = _clean(values.get("matrix_id")).lower()
            first = seen.setdefault(user_id, start) if user_id else start
            if first != start:
                problems.append(CsvProblem(start, "matrix_id", PROBLEM_DUPLICATE_ID, str(first)))
            if isinstance(checked, list):
                problems += checked
            elif first == start:
                entries.append(checked)
    except csv.Error:
        problems.append(CsvProblem(reader.line_num, "", PROBLEM_MALFORMED_CSV))
    return entries, problems


# --- an admin's "felt: verdi" input ----------------------------------------------------------

PROBLEM_UNKNOWN_FIELD = "unknown field"
PROBLEM_NOT_A_FIELD = "not a field"
# What admins may write before the colon, folded (see :func:`fold`), and the column it means.
FIELD_NAMES = {
    "navn": "navn",
    "organisasjon": "organisasjon",
    "org": "organisasjon",
    "enhet": "enhet",
    "avdeling": "enhet",
    "rolle": "rolle",
    "yrke": "rolle",
    "epost": "epost",
    "e post": "epost",
    "email": "epost",
    "telefon": "telefon",
    "tlf": "telefon",
    "mobil": "telefon",
    "hjelp": "kan_hjelpe_med",
    "kan hjelpe med": "kan_hjelpe_med",
    "kan_hjelpe_med": "kan_hjelpe_med",
    "hjelper med": "kan_hjelpe_med",
}
# Written as a value, clears an optional field in ``!admin katalog endre``.
CLEAR = "-"


def parse_fields(text: str) -> tuple[dict[str, str], list[CsvProblem]]:
    """``navn: Kari Nordmann`` lines (or ``;``-separated on one line) as column → value.

    Phones make one line easiest, a form on several lines is easiest to read; both work. ``=``
    is accepted for ``:``. Problems name the part as written.
    """
    parts = text.splitlines() if "\n" in text.strip() else text.split(";")
    fields: dict[str, str] = {}
    problems: list[CsvProblem] = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        key, sep, value = part.partition(":")
        if not sep or "=" in key:
            key, sep, value = part.partition("=")
        column = FIELD_NAMES.get(fold(key)) if sep else None
        if not sep:
            problems.append(CsvProblem(0, part[:40], PROBLEM_NOT_A_FIELD))
        elif column is None:
            problems.append(CsvProblem(0, key.strip()[:40], PROBLEM_UNKNOWN_FIELD))
        else:
            fields[column] = _clean(value)
    return fields, problems


def merged_values(
    old: Mapping[str, str | None], changes: Mapping[str, str]
) -> dict[str, str | None]:
    """An entry's columns after an admin's changes; ``-`` clears a field."""
    values = dict(old)
    for column, value in changes.items():
        values[column] = None if value == CLEAR else value
    return values
