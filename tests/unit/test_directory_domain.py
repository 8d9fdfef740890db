"""The katalog's pure parts: Norwegian-aware search, and checking a CSV file row by row."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from samsnakk_bot.domain.directory import (
    COLUMNS,
    PROBLEM_NOT_A_FIELD,
    PROBLEM_UNKNOWN_FIELD,
    CsvProblem,
    EntryIn,
    check_entry,
    decode_csv,
    fold,
    matches,
    merged_values,
    parse_csv,
    parse_fields,
    search_terms,
    sort_key,
)
from samsnakk_bot.policies import Organisations

ORGS = Organisations.model_validate(
    yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "policies" / "organisations.example.yaml").read_text(
            encoding="utf-8"
        )
    )
)
HEADER = "matrix_id;navn;organisasjon;enhet;rolle;epost;telefon;kan_hjelpe_med"
TROND = "@trond:hs.test;Trond Hansen;Askøy kommune;;psykolog;trond@askoy.no;912 34 567;Rus"
TROND_TEXT = fold("Trond Hansen, psykolog, Askøy kommune")


def csv_of(*rows: str, header: str = HEADER) -> str:
    return "\r\n".join((header, *rows)) + "\r\n"


# --- folding and matching --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Askøy", "askoy"),
        ("ASKOEY", "askoy"),
        ("Åsane", "asane"),
        ("Aasane", "asane"),
        ("Ærlig", "aerlig"),
        ("Øyane DPS", "oyane dps"),
        ("Hansen, Trond (psykolog)", "hansen trond psykolog"),
        ("Crème  brûlée!", "creme brulee"),
        ("Straße", "strasse"),
    ],
)
def test_fold_makes_norwegian_letters_and_ascii_spellings_alike(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize("query", ["psykolog askøy", "psyk ask", "PSYKOLOG Askoy", "askoey trond"])
def test_queries_written_any_way_find_the_askoy_psykolog(query: str) -> None:
    assert matches(TROND_TEXT, search_terms(query))


@pytest.mark.parametrize("query", ["psykolog bergen", "lege", "ondhansen", "", "!!"])
def test_a_term_that_starts_no_word_fails_the_match(query: str) -> None:
    assert not matches(TROND_TEXT, search_terms(query))


def test_search_terms_are_folded_once_each_in_order() -> None:
    assert search_terms("Psykolog, ASKØY psykolog") == ["psykolog", "askoy"]


def test_sort_key_puts_ae_o_a_after_z_in_norwegian_order() -> None:
    names = ["Åse", "Zara", "Øystein", "Ærle", "anne"]

    assert sorted(names, key=sort_key) == ["anne", "Zara", "Ærle", "Øystein", "Åse"]


_WORDS = st.text(
    alphabet=st.characters(categories=("L", "N", "P", "Zs")), min_size=1, max_size=60
).filter(lambda t: fold(t) != "")


@given(_WORDS)
def test_any_text_matches_itself_as_a_query(text: str) -> None:
    assert matches(fold(text), search_terms(text))


@given(st.text(max_size=80))
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


# --- one entry -------------------------------------------------------------------------------


def test_check_entry_normalises_org_role_and_phone() -> None:
    entry = check_entry(
        {
            "matrix_id": "@Trond:HS.test",
            "navn": " Trond   Hansen ",
            "organisasjon": "askoy-kommune",
            "rolle": "Psykolog",
            "telefon": "+47 912 34 567",
        },
        ORGS,
    )

    assert entry == EntryIn(
        user_id="@trond:hs.test",
        name="Trond Hansen",
        org_id="askoy-kommune",
        org_name="Askøy kommune",
        unit=None,
        role="psykolog",
        email=None,
        phone="+4791234567",
        help_text=None,
    )


def test_search_text_holds_what_may_be_searched_but_no_contact_details() -> None:
    entry = check_entry(dict(zip(COLUMNS, TROND.split(";"), strict=True)), ORGS)

    assert isinstance(entry, EntryIn)
    assert entry.search_text == "trond hansen askoy kommune psykolog rus"


# --- CSV -------------------------------------------------------------------------------------


def test_semicolon_csv_with_bom_and_quoted_fields_parses() -> None:
    text = "\ufeff" + csv_of(
        TROND,
        '@kari:hs.test;Kari Nordmann;oyane-dps;"Voksenpsykiatrisk poliklinikk";'
        'Spesialist i psykiatri;;;"Medisiner; innleggelse"',
    )

    entries, problems = parse_csv(text, ORGS)

    assert problems == []
    assert [(e.user_id, e.org_id, e.role) for e in entries] == [
        ("@trond:hs.test", "askoy-kommune", "psykolog"),
        ("@kari:hs.test", "oyane-dps", "spesialist i psykiatri"),
    ]
    assert entries[1].unit == "Voksenpsykiatrisk poliklinikk"
    assert entries[1].help_text == "Medisiner; innleggelse"


def test_comma_csv_in_another_column_order_without_optional_columns_parses() -> None:
    text = "navn,rolle,matrix_id,organisasjon\nTrond Hansen,Veileder,@trond:hs.test,NAV ASKØY\n"

    entries, problems = parse_csv(text, ORGS)

    assert problems == []
    assert (entries[0].org_id, entries[0].unit, entries[0].email) == ("nav-askoy", None, None)


def test_blank_rows_are_skipped_and_do_not_shift_line_numbers() -> None:
    text = csv_of(TROND, "", ";;;;;;;", TROND.replace("@trond", "bad"))

    _, problems = parse_csv(text, ORGS)

    assert problems == [CsvProblem(5, "matrix_id", "invalid matrix id")]


def row_with(column: str, value: str) -> str:
    fields = TROND.split(";")
    fields[COLUMNS.index(column)] = value
    return ";".join(fields)


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("matrix_id", "", "required"),
        ("matrix_id", "trond@hs.test", "invalid matrix id"),
        ("navn", " ", "required"),
        ("navn", "x" * 201, "too long"),
        ("organisasjon", "", "required"),
        ("organisasjon", "Bergen kommune", "unknown organisation"),
        ("rolle", "", "required"),
        ("rolle", "fastlege", "unknown role"),
        ("epost", "trond.askoy.no", "invalid email"),
        ("telefon", "12", "invalid phone"),
        ("telefon", "+46 70 123 45 67", "invalid phone"),
    ],
)
def test_each_bad_field_is_named_with_its_line(column: str, value: str, problem: str) -> None:
    text = csv_of(TROND.replace("@trond", "@per"), row_with(column, value))

    entries, problems = parse_csv(text, ORGS)

    assert [(p.line, p.field, p.problem) for p in problems] == [(3, column, problem)]
    assert [e.user_id for e in entries] == ["@per:hs.test"]


def test_unknown_role_lists_the_roles_the_organisation_offers() -> None:
    _, problems = parse_csv(csv_of(row_with("rolle", "lege")), ORGS)

    assert problems[0].detail == "psykolog, ruskonsulent, sykepleier, miljøterapeut, koordinator"


def test_duplicate_matrix_id_names_the_first_line() -> None:
    _, problems = parse_csv(csv_of(TROND, TROND.replace("@trond", "@ola"), TROND.upper()), ORGS)

    assert problems == [CsvProblem(4, "matrix_id", "duplicate matrix id", "2")]


def test_row_with_wrong_number_of_fields_is_reported() -> None:
    _, problems = parse_csv(csv_of(TROND, TROND + ";ekstra"), ORGS)

    assert problems == [CsvProblem(3, "", "wrong number of fields", "8")]


def test_multi_line_quoted_field_reports_the_line_the_row_starts_on() -> None:
    quoted = row_with("kan_hjelpe_med", '"Rus\nog psykisk helse"')
    text = csv_of(quoted, row_with("epost", "nei").replace("@trond", "@ola"))

    entries, problems = parse_csv(text, ORGS)

    assert entries[0].help_text == "Rus og psykisk helse"
    assert problems == [CsvProblem(4, "epost", "invalid email")]


def test_malformed_quoting_is_reported_on_its_line() -> None:
    _, problems = parse_csv(csv_of(TROND, '"@ola:hs.test"x;Ola'), ORGS)

    assert problems == [CsvProblem(3, "", "malformed csv")]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            HEADER.replace("rolle", "role"),
            [("role", "unknown column"), ("rolle", "missing column")],
        ),
        (HEADER + ";navn", [("navn", "duplicate column")]),
        ("matrix_id;navn;organisasjon", [("rolle", "missing column")]),
    ],
)
def test_header_problems_name_the_column_on_line_1(
    header: str, expected: list[tuple[str, str]]
) -> None:
    entries, problems = parse_csv(csv_of(TROND, header=header), ORGS)

    assert entries == []
    assert [(p.line, p.field, p.problem) for p in problems] == [(1, *e) for e in expected]


@pytest.mark.parametrize("text", ["", "\ufeff", " \r\n\r\n"])
def test_empty_file_is_a_problem(text: str) -> None:
    assert parse_csv(text, ORGS) == ([], [CsvProblem(1, "", "empty file")])


def test_decode_csv_refuses_windows_1252_on_the_line_of_the_first_bad_byte() -> None:
    data = csv_of(TROND).replace("Askøy", "Askoy").encode() + "Ås;x".encode("cp1252")

    assert decode_csv(data) == (None, [CsvProblem(3, "", "not utf-8")])


def test_decode_csv_keeps_the_bom_for_parse_csv_to_skip() -> None:
    text, problems = decode_csv(b"\xef\xbb\xbf" + csv_of(TROND).encode())

    assert problems == []
    assert text is not None
    assert len(parse_csv(text, ORGS)[0]) == 1


_CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@given(st.text(max_size=300))
def test_parse_csv_never_raises_on_arbitrary_text(text: str) -> None:
    _, problems = parse_csv(text, ORGS)

    assert all(p.line >= 1 for p in problems)


@given(st.lists(st.lists(_CELL, min_size=1, max_size=9), max_size=6), st.sampled_from(";,"))
def test_parse_csv_never_raises_on_rows_under_a_valid_header(
    rows: list[list[str]], delimiter: str
) -> None:
    lines = [delimiter.join(COLUMNS), *(delimiter.join(r) for r in rows)]

    entries, problems = parse_csv("\n".join(lines), ORGS)

    assert len({e.user_id for e in entries}) == len(entries)
    assert all(
        1 <= p.line <= len(lines) + sum(c in "\r\n" for c in "".join(lines)) for p in problems
    )


# --- an admin's "felt: verdi" input ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "navn: Kari Nordmann; rolle: psykolog; E-post: kari@askoy.kommune.no",
        "navn: Kari Nordmann\nrolle:psykolog\n\ne-post = kari@askoy.kommune.no",
        "Navn:  Kari   Nordmann ;Yrke: psykolog;email: kari@askoy.kommune.no;",
    ],
)
def test_fields_are_read_from_one_line_or_a_form(text: str) -> None:
    fields, problems = parse_fields(text)
    assert problems == []
    assert fields == {
        "navn": "Kari Nordmann",
        "rolle": "psykolog",
        "epost": "kari@askoy.kommune.no",
    }


def test_help_text_on_its_own_line_may_hold_semicolons() -> None:
    fields, _ = parse_fields("navn: Kari\nhjelp: rus; bolig; overgang fra DPS")
    assert fields["kan_hjelpe_med"] == "rus; bolig; overgang fra DPS"


def test_unknown_fields_and_loose_words_are_named() -> None:
    _, problems = parse_fields("navn: Kari; skostørrelse: 38; bare tekst")
    assert [(p.field, p.problem) for p in problems] == [
        ("skostørrelse", PROBLEM_UNKNOWN_FIELD),
        ("bare tekst", PROBLEM_NOT_A_FIELD),
    ]


def test_a_dash_clears_a_field_and_other_fields_are_kept() -> None:
    old = {"navn": "Kari", "telefon": "+4791234567", "enhet": "Rus"}
    assert merged_values(old, {"telefon": "-", "enhet": "Psykisk helse"}) == {
        "navn": "Kari",
        "telefon": None,
        "enhet": "Psykisk helse",
    }
