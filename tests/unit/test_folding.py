"""One folding of letters for commands, directory search and meeting steps (D103)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from samsnakk_bot.domain.commands import fold
from samsnakk_bot.domain.directory import fold as fold_search
from samsnakk_bot.domain.folding import fold_letters
from samsnakk_bot.domain.meetings import normalise_step


def test_nordic_letters_and_their_ascii_spellings_fold_alike() -> None:
    assert {fold_letters(w) for w in ("Møte", "mote", "moete", "MØTE")} == {"mote"}
    assert {fold_letters(w) for w in ("Åsane", "Aasane", "asane")} == {"asane"}
    assert fold_letters("Kjære Ærlig") == fold_letters("kjaere aerlig") == "kjaere aerlig"
    assert fold_letters("Café Köln") == "cafe koln"


def test_what_is_not_a_letter_is_left_to_the_caller() -> None:
    assert fold_letters("legg-til, nå!") == "legg-til, na!"


def test_each_caller_folds_letters_alike() -> None:
    assert fold("Avslå") == fold("avslaa") == "avsla"
    assert fold_search("Askøy kommune") == fold_search("ASKOEY  kommune") == "askoy kommune"
    assert normalise_step("Gjennomført") == normalise_step("gjennomfoert") == "gjennomfort"
    assert normalise_step("Spørsmål") == "sporsmal"
    assert normalise_step("ny behandler") == normalise_step("Ny_behandler") == "ny-behandler"


@given(st.text(max_size=40))
def test_folding_is_idempotent(text: str) -> None:
    assert fold_letters(fold_letters(text)) == fold_letters(text)
