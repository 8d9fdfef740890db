"""An illegal lifecycle move gets the Norwegian answer people got before it was a typed error."""

from __future__ import annotations

import pytest

from samsnakk_bot.domain import lifecycle, texts
from samsnakk_bot.domain.lifecycle import IllegalTransition, RequestStatus, RoomState
from samsnakk_bot.services.room_common import refusal


def _refused(move: object, *args: object) -> IllegalTransition:
    with pytest.raises(IllegalTransition) as caught:
        move(*args)  # type: ignore[operator]
    return caught.value


@pytest.mark.parametrize(
    ("state", "answer"),
    [(RoomState.CLOSED, texts.ROOM_CLOSED), (RoomState.ACTIVE, texts.CONSENT_NOT_PENDING)],
)
def test_samtykke_ja_and_nei_when_consent_is_not_pending(state: RoomState, answer: str) -> None:
    assert refusal(_refused(lifecycle.consent, state)) == answer
    assert refusal(_refused(lifecycle.refuse_consent, state)) == answer


def test_samtykke_trekk_in_a_closed_room() -> None:
    assert refusal(_refused(lifecycle.withdraw_consent, RoomState.CLOSED)) == texts.ROOM_CLOSED


@pytest.mark.parametrize("state", [RoomState.AWAITING_BRUKER, RoomState.AWAITING_CONSENT])
def test_approving_before_consent(state: RoomState) -> None:
    illegal = _refused(lifecycle.approve, state, RequestStatus.PENDING)
    assert refusal(illegal, 3) == texts.CONSENT_NEEDED_FIRST


@pytest.mark.parametrize(
    "status", [RequestStatus.APPROVED, RequestStatus.REJECTED, RequestStatus.EXPIRED]
)
def test_a_decided_request(status: RequestStatus) -> None:
    illegal = _refused(lifecycle.approve, RoomState.ACTIVE, status)
    assert refusal(illegal, 7) == texts.request_not_pending(7)
    assert refusal(_refused(lifecycle.refuse, status), 7) == texts.request_not_pending(7)
