"""Events that came before their room key wait for it, in order, and not forever."""

from __future__ import annotations

from samsnakk_bot.matrix.late_keys import LateEvents


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_key_releases_only_its_own_events_in_the_order_they_came() -> None:
    late: LateEvents[str] = LateEvents()
    late.hold("$1", "!a", "s1", "first")
    late.hold("$2", "!a", "s2", "other session")
    late.hold("$3", "!b", "s1", "other room")
    late.hold("$4", "!a", "s1", "second")

    assert late.release("!a", "s1") == ["first", "second"]
    assert late.release("!a", "s1") == []
    assert len(late) == 2


def test_the_same_event_twice_is_held_once() -> None:
    late: LateEvents[str] = LateEvents()
    late.hold("$1", "!a", "s1", "x")
    late.hold("$1", "!a", "s1", "x")
    assert late.release("!a", "s1") == ["x"]


def test_a_key_that_never_comes_does_not_hold_memory_forever() -> None:
    clock = Clock()
    late: LateEvents[str] = LateEvents(max_held=3, max_age_s=60, clock=clock)
    for n in range(5):
        late.hold(f"${n}", "!a", "s1", str(n))
    assert len(late) == 3  # the oldest two gave way
    clock.now = 61
    assert late.release("!a", "s1") == []
    assert len(late) == 0
