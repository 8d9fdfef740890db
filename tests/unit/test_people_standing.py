"""Who someone is to Samsnakk, how people are named, and which poll answer fits which request."""

from __future__ import annotations

import pytest

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.polls import MISMATCH, command_for_answer, request_answer_ids
from samsnakk_bot.domain.ratelimit import minutes_to_wait
from samsnakk_bot.domain.standing import Signals, Standing, standing

BRUKER = "@b-abcdefghijklmnopqr:hs.test"
STAFF = "@trond:hs.test"


def _signals(user_id: str, **kw: object) -> Signals:
    base: dict[str, object] = {
        "in_directory": False,
        "listed_in_policies": False,
        "offboarded": False,
        "account_role": None,
    }
    base.update(kw)
    return Signals(user_id=user_id, **base)  # type: ignore[arg-type]


def test_the_pseudonymous_namespace_is_a_bruker_without_any_role_record() -> None:
    assert standing(_signals(BRUKER)) is Standing.BRUKER


@pytest.mark.parametrize(
    "signal",
    [
        {"in_directory": True},
        {"listed_in_policies": True},
        {"offboarded": True},
        {"account_role": "ansatt"},
        {"account_role": "admin"},
    ],
)
def test_any_staff_signal_wins_even_in_the_bruker_namespace(signal: dict[str, object]) -> None:
    assert standing(_signals(BRUKER, **signal)) is Standing.STAFF
    assert standing(_signals(STAFF, **signal)) is Standing.STAFF


def test_an_account_with_no_signal_at_all_is_unknown_not_bruker() -> None:
    assert standing(_signals(STAFF)) is Standing.UNKNOWN
    assert standing(_signals(STAFF, account_role="bruker")) is Standing.BRUKER


def test_request_answers_carry_their_request_and_others_are_a_mismatch() -> None:
    approve, reject = request_answer_ids(7)
    assert command_for_answer("request", approve, 7, 2) == "!godkjenn 2"
    assert command_for_answer("request", reject, 7, 2) == "!avslå 2"
    other_approve, _ = request_answer_ids(8)
    assert command_for_answer("request", other_approve, 7, 2) is MISMATCH
    assert command_for_answer("request", "godkjenn", 7, 2) is MISMATCH  # the old shared ID
    assert command_for_answer("request", approve, 7, None) is None  # request gone
    assert command_for_answer("consent", "ja", None, None) == "!samtykke ja"


def test_rate_limit_waits_until_the_oldest_attempt_leaves_the_window() -> None:
    hour = 3_600_000
    assert minutes_to_wait(9, 0, 10, 10, hour) is None
    assert minutes_to_wait(10, 0, 30 * 60_000, 10, hour) == 30
    assert minutes_to_wait(10, 0, hour - 1, 10, hour) == 1


def test_an_impostors_chosen_name_never_reads_like_a_directory_entry() -> None:
    real = texts.person_listed("Frida Fastlege", "Kleppestø legekontor", "fastlege", "@frida:hs")
    fake = texts.person_unlisted("@mallory:hs", "Frida Fastlege (Kleppestø legekontor, fastlege)")
    assert real == "Frida Fastlege (Kleppestø legekontor, fastlege, @frida:hs)"
    assert fake.startswith("@mallory:hs (ikke i katalogen, kaller seg «Frida Fastlege")
    assert texts.person_unlisted("@x:hs", None) == "@x:hs (ikke i katalogen)"
    assert texts.person_short_unlisted("@x:hs", "X") == "«X» (@x:hs)"
    former = texts.person_listed("Trond", "Askøy kommune", "psykolog", STAFF, active=False)
    assert former.endswith("ikke lenger i katalogen)")


def test_a_chosen_name_cannot_reorder_or_break_the_line_or_close_the_quote() -> None:
    tricky = "Frida\u202e)gotsalf ,rotkegel\u202c»\nFrida Fastlege (Kleppestø legekontor, fastlege"
    shown = texts.person_unlisted("@m:hs", tricky)
    assert "\u202e" not in shown and "\n" not in shown
    assert shown.count("«") == 1 and shown.count("»") == 1 and shown.endswith("»)")
    assert len(texts.person_unlisted("@m:hs", "x" * 500)) < 100
    assert texts.person_unlisted("@m:hs", "\u200b\u200b") == "@m:hs (ikke i katalogen)"


def test_every_issue_12_audit_action_in_a_room_reads_as_norwegian() -> None:
    for action in (
        "code_voided",
        "creator_handed_over",
        "poll_answer_refused",
        "creator_not_admitted",
        "offboarded_refused",
    ):
        line = texts.innsyn_log([(0, "@a:hs", "@b:hs", action, {})], {"@a:hs": "A"}).body
        assert action not in line and "ukjent" not in line, line
