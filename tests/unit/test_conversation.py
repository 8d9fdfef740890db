"""Plain answers, the suggestion rule, refusal kinds, and that nothing typed gets silence.

The service tests use small in-memory stand-ins for the repositories: the Matrix path is
covered against a real Synapse in tests/integration/test_plain_answers.py.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samsnakk_bot.domain import texts
from samsnakk_bot.domain import texts as talk
from samsnakk_bot.domain.answers import Answer, number_in, read_answer
from samsnakk_bot.domain.command_spec import Refusal
from samsnakk_bot.domain.commands import default_registry, parse_command
from samsnakk_bot.domain.help import render_unknown
from samsnakk_bot.domain.i18n import speaking
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.metrics import Metrics
from samsnakk_bot.services.commands import CommandContext, CommandService
from samsnakk_bot.services.pending_answers import PendingAnswers
from samsnakk_bot.services.room_common import RoomDeps

BOT = "@samsnakk:example.org"
PER = "@per:example.org"
TROND = "@trond:example.org"
VERA = "@vera:example.org"
DM, ROOM = "!dm:example.org", "!rom:example.org"

# --- Reading a plain answer ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "Ja",
        "ja",
        "JA!",
        "Ja.",
        "ja takk",
        "Ja takk 🙂",
        "ja takk 👍",
        "👍👍",
        "jo",
        "Jo!",
        "ok",
        "OK.",
        "javisst",
        "Ja visst",
        "👍",
        "👍🏽",
        "✅",
        " ja ",
        "ja\u00a0takk",
        "Jau",
        "ja gjerne",
        "Eg samtykkjer",
    ],
)
def test_yes_in_both_standards(body: str) -> None:
    assert read_answer(body) is Answer.YES


@pytest.mark.parametrize(
    "body",
    [
        "nei",
        "Nei",
        "NEI!",
        "nei takk",
        "Nei takk.",
        "neitakk",
        "Nei nei",
        "👎",
        "❌",
        "ikkje",
        "Eg vil ikkje",
        "samtykker ikke",
    ],
)
def test_no_in_both_standards(body: str) -> None:
    assert read_answer(body) is Answer.NO


@pytest.mark.parametrize(
    ("body", "answer"),
    [
        ("Godkjenn", Answer.APPROVE),
        ("godkjenne!", Answer.APPROVE),
        ("godta", Answer.APPROVE),
        ("Avslå", Answer.REJECT),
        ("avsla", Answer.REJECT),
        ("avslag.", Answer.REJECT),
        ("avvis", Answer.REJECT),
        ("godkjenn 2", Answer.APPROVE),
    ],
)
def test_approve_and_reject(body: str, answer: Answer) -> None:
    assert read_answer(body) is answer


@pytest.mark.parametrize(
    "body",
    [
        "",
        "hei",
        "Ja, men jeg lurer på noe først",
        "jaja, vi får se hva legen sier i morgen tidlig",
        "neste uke",
        "jakke",
        "ja " * 40,
        "🙂",
    ],
)
def test_other_text_is_no_answer(body: str) -> None:
    assert read_answer(body) is None


def test_a_reply_to_the_question_is_read_without_its_quote() -> None:
    body = "> <@samsnakk:example.org> Samtykker du til rommet som Trond har opprettet?\n\nJa!"
    assert read_answer(body) is Answer.YES


def test_a_named_number_is_read() -> None:
    assert number_in("godkjenn 2") == 2
    assert number_in("avslå #12.") == 12
    assert number_in("godkjenn") is None
    assert number_in("godkjenn 1 og 2") is None


# --- The suggestion rule: a closer reading wins -------------------------------------------------


@pytest.mark.parametrize(
    ("body", "shown", "suggested"),
    [
        ("!leg til @x:example.org", "!leg til", "!legg-til"),
        ("!lag til @x:example.org", "!lag til", "!legg-til"),
        ("!leggg @x:example.org", "!leggg", "!legg-til"),
        ("!trek tilbake", "!trek tilbake", "!samtykke trekk"),
        ("!samtyke ja", "!samtyke ja", "!samtykke ja"),
        ("!hjlep møte", "!hjlep", "!hjelp"),
        ("!avsl 1", "!avsl", "!avslå"),
        ("!loggg", "!loggg", "!logg"),
    ],
)
def test_unknown_command_suggests_the_closest_reading(
    body: str, shown: str, suggested: str
) -> None:
    parsed = parse_command(body)
    assert parsed is not None
    answer = render_unknown(default_registry(), parsed).body
    assert answer.startswith(f"Jeg kjenner ikke kommandoen «{shown}». Mente du «{suggested}»?")


@pytest.mark.parametrize("body", ["!legg til @x:example.org", "!Legg til @x:example.org"])
def test_legg_til_with_a_space_is_legg_til_never_logg(body: str) -> None:
    parsed = parse_command(body)
    assert parsed is not None
    found = default_registry().match(parsed)
    assert found is not None and found.spec.name == "legg-til"


# --- Refusal kinds ------------------------------------------------------------------------------


def test_each_command_carries_the_refusal_that_fits_it() -> None:
    registry = default_registry()

    def kind(name: str) -> Refusal:
        spec = registry.resolve(name)
        assert spec is not None
        return spec.refusal

    assert kind("logg") is Refusal.BRUKER_SEES
    for name in ("samtykke ja", "samtykke nei", "samtykke trekk", "godkjenn", "avslå"):
        assert kind(name) is Refusal.BRUKER_ANSWERS
    assert kind("fjern") is Refusal.BRUKER_DECIDES
    for name in ("rom ny", "forlat", "katalog"):
        assert kind(name) is Refusal.STAFF_ONLY


def test_refusal_texts_differ_and_each_says_what_to_do_instead() -> None:
    bodies = [talk.refusal(kind) for kind in Refusal if kind is not Refusal.NOT_HERE]
    assert len({reply.body for reply in bodies if reply}) == 4
    for reply in bodies:
        assert reply is not None and "«!" in reply.body
    assert talk.refusal(Refusal.NOT_HERE) is None
    sees = talk.refusal(Refusal.BRUKER_SEES)
    assert sees is not None and "se dette" in sees.body and "svare" not in sees.body


def test_every_new_text_has_its_nynorsk() -> None:
    """The NB/NN tables became the catalogs (D130): each text reads differently in nynorsk;
    placeholders are checked for every catalog text in tests/unit/test_catalogs.py."""

    def shown() -> list[str]:
        return [
            talk.REFUSAL_BRUKER_SEES,
            talk.REFUSAL_BRUKER_ANSWERS,
            talk.REFUSAL_BRUKER_DECIDES,
            talk.REFUSAL_STAFF_ONLY,
            talk.CONSENT_YES_UNDERSTOOD,
            talk.CONSENT_NO_ASK_AGAIN,
            talk.CONSENT_PENDING_HINT,
            talk.NO_REQUEST_PENDING,
            talk.request_approved_echo(2, "Vera").body,
            talk.request_pending_hint(2, "Vera").body,
            talk.requests_several_hint([2, 3]).body,
        ]

    bokmal = shown()
    with speaking("nn"):
        nynorsk = shown()
    for nb, nn in zip(bokmal, nynorsk, strict=True):
        assert nn != nb, nb


# --- The command service: who gets which refusal, and plain text --------------------------------


@dataclass
class _Room:
    kind: str
    dm_user_id: str | None = None


@dataclass
class _Rooms:
    rooms: dict[str, _Room] = field(
        default_factory=lambda: {DM: _Room("dm", PER), ROOM: _Room("brukerrom")}
    )

    async def get(self, room_id: str) -> _Room | None:
        return self.rooms.get(room_id)


ROLES = {PER: "bruker", TROND: "ansatt", VERA: "ansatt"}


def _service(handled: list[str] | None = None) -> CommandService:
    service = CommandService(cast(Any, None), cast(Any, _Rooms()), Metrics())

    async def role(user: str) -> str | None:
        return ROLES.get(user)

    service.set_role_resolver(role)

    def answering(name: str) -> Any:
        async def handler(ctx: CommandContext) -> Reply:
            if handled is not None:
                handled.append(f"{name} {ctx.match.raw_args}".strip())
            return Reply(f"ok {name}", None)

        return handler

    for spec in service.registry:
        if spec.name != "hjelp":
            service.add_handler(spec.name, answering(spec.name))
    return service


@pytest.mark.parametrize(
    ("sender", "body", "expected"),
    [
        (TROND, "!logg", talk.REFUSAL_BRUKER_SEES),
        (TROND, "!godkjenn 1", talk.REFUSAL_BRUKER_ANSWERS),
        (TROND, "!samtykke ja", talk.REFUSAL_BRUKER_ANSWERS),
        (TROND, "!fjern @vera:example.org", talk.REFUSAL_BRUKER_DECIDES),
        (PER, "!forlat", talk.REFUSAL_STAFF_ONLY),
        (PER, "!katalog psykolog", talk.REFUSAL_STAFF_ONLY),
    ],
)
async def test_a_refusal_fits_the_command(sender: str, body: str, expected: str) -> None:
    reply = await _service().handle(sender, ROOM, body)
    assert reply is not None and reply.body == expected


async def test_a_bruker_asking_for_rom_ny_in_the_dm_is_told_it_is_for_staff() -> None:
    reply = await _service().handle(PER, DM, "!rom ny @kari:example.org")
    assert reply is not None and reply.body == talk.REFUSAL_STAFF_ONLY


async def test_a_command_in_the_wrong_place_keeps_the_general_answer() -> None:
    reply = await _service().handle(PER, DM, "!logg")
    assert reply == texts.command_not_available("logg")


# --- Pending answers ----------------------------------------------------------------------------


@dataclass
class _Request:
    id: int
    number: int
    candidate_user_id: str


@dataclass
class _World:
    state: str = "awaiting_consent"
    pending: list[_Request] = field(default_factory=list)
    joined: list[str] = field(default_factory=lambda: [BOT, PER])

    def deps(self) -> RoomDeps:
        world = self

        async def get_room(room_id: str) -> Any:
            if room_id != ROOM:
                return None
            return SimpleNamespace(room_id=ROOM, bruker_user_id=PER, state=world.state)

        async def pending(room_id: str) -> list[_Request]:
            return list(world.pending)

        async def get_request(room_id: str, number: int) -> _Request | None:
            return next((r for r in world.pending if r.number == number), None)

        async def describe(user: str) -> str:
            return f"Vera Veileder (NAV Askøy, veileder, {user})"

        async def joined_members(room_id: str) -> list[str]:
            return list(world.joined)

        return cast(
            RoomDeps,
            SimpleNamespace(
                bot_user_id=BOT,
                brukerrom=SimpleNamespace(get=get_room),
                requests=SimpleNamespace(pending=pending, get=get_request),
                people=SimpleNamespace(describe=describe),
                actions=SimpleNamespace(joined_members=joined_members),
            ),
        )


class _Commands:
    """Records which command a plain answer stood for; answers as the real handlers do."""

    def __init__(self) -> None:
        self.ran: list[str] = []

    async def handle(self, sender: str, room_id: str, body: str) -> Reply | None:
        self.ran.append(body)
        return None


def _answers(world: _World) -> tuple[PendingAnswers, _Commands]:
    commands = _Commands()
    return PendingAnswers(world.deps(), cast(CommandService, commands)), commands


async def test_ja_to_the_consent_consents_and_says_what_was_understood() -> None:
    answers, commands = _answers(_World())
    reply = await answers.answer(PER, ROOM, "Ja takk!")
    assert commands.ran == ["!samtykke ja"]
    assert reply is not None and reply.body == talk.CONSENT_YES_UNDERSTOOD


async def test_nei_asks_once_more_and_a_second_nei_closes() -> None:
    answers, commands = _answers(_World())
    first = await answers.answer(PER, ROOM, "Nei")
    assert first is not None and first.body == talk.CONSENT_NO_ASK_AGAIN
    assert commands.ran == []
    await answers.answer(PER, ROOM, "nei takk")
    assert commands.ran == ["!samtykke nei"]


async def test_nei_then_ja_consents() -> None:
    answers, commands = _answers(_World())
    await answers.answer(PER, ROOM, "nei")
    await answers.answer(PER, ROOM, "jo")
    assert commands.ran == ["!samtykke ja"]


async def test_other_text_while_consent_waits_gets_a_hint() -> None:
    answers, commands = _answers(_World())
    reply = await answers.answer(PER, ROOM, "Hva betyr dette?")
    assert reply is not None and reply.body == talk.CONSENT_PENDING_HINT
    assert commands.ran == []


@pytest.mark.parametrize("sender", [TROND, "@mallory:evil.example"])
async def test_nobody_but_the_bruker_answers(sender: str) -> None:
    answers, commands = _answers(_World())
    assert await answers.answer(sender, ROOM, "ja") is None
    assert not await answers.awaits_answer(sender, ROOM, "ja")
    assert commands.ran == []


async def test_godkjenn_answers_the_one_waiting_request_and_names_the_person() -> None:
    answers, commands = _answers(_World("active", [_Request(7, 1, VERA)], [BOT, PER, TROND]))
    reply = await answers.answer(PER, ROOM, "Godkjenn.")
    assert commands.ran == ["!godkjenn 1"]
    assert reply is not None and reply.body.startswith("Godkjent: Vera Veileder")
    assert VERA in reply.body


async def test_avsla_answers_the_one_waiting_request() -> None:
    answers, commands = _answers(_World("active", [_Request(7, 1, VERA)], [BOT, PER, TROND]))
    await answers.answer(PER, ROOM, "avslå")
    assert commands.ran == ["!avslå 1"]


async def test_with_two_waiting_the_bruker_is_asked_which() -> None:
    waiting = [_Request(7, 1, VERA), _Request(8, 2, TROND)]
    answers, commands = _answers(_World("active", waiting))
    reply = await answers.answer(PER, ROOM, "godkjenn")
    assert commands.ran == []
    assert reply is not None and "«!godkjenn 1»" in reply.body
    await answers.answer(PER, ROOM, "godkjenn 2")
    assert commands.ran == ["!godkjenn 2"]


async def test_bare_ja_answers_a_request_only_when_nobody_else_is_there() -> None:
    alone = _World("active", [_Request(7, 1, VERA)], [BOT, PER])
    answers, commands = _answers(alone)
    await answers.answer(PER, ROOM, "ja")
    assert commands.ran == ["!godkjenn 1"]

    talking = _World("active", [_Request(7, 1, VERA)], [BOT, PER, TROND])
    answers, commands = _answers(talking)
    hint = await answers.answer(PER, ROOM, "ja")
    assert hint is not None and "Forespørsel 1 venter" in hint.body
    assert await answers.answer(PER, ROOM, "ja, det passer fint") is None  # hinted once
    assert commands.ran == []


async def test_nothing_pending_is_conversation() -> None:
    answers, commands = _answers(_World("active"))
    assert await answers.answer(PER, ROOM, "ja") is None
    reply = await answers.answer(PER, ROOM, "godkjenn")
    assert reply is not None and reply.body == talk.NO_REQUEST_PENDING
    assert commands.ran == []


# --- Nothing typed crashes or gets silence ------------------------------------------------------

ANY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec=None), min_size=1, max_size=200),
    st.text(
        alphabet="!! \u00a0\u200f\u202e\u200b\u0000\u0007\t\nJjAaNnEeIi👍❌«»“”–—.", max_size=50
    ),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=20), st.integers(1, 2000)),
    st.builds(lambda rest: "!" + rest, st.text(max_size=300)),
)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_every_message_in_the_dm_gets_an_answer(body: str) -> None:
    reply = asyncio.run(_service().handle(PER, DM, body))
    assert isinstance(reply, Reply) and reply.body.strip()


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_every_message_from_the_bruker_while_consent_waits_gets_an_answer(body: str) -> None:
    service = _service()
    service.on_plain_text(PendingAnswers(_World().deps(), service).answer)
    reply = asyncio.run(service.handle(PER, ROOM, body))
    assert isinstance(reply, Reply) and reply.body.strip()


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT, st.sampled_from([PER, TROND]))
def test_every_command_in_a_brukerrom_gets_an_answer(body: str, sender: str) -> None:
    reply = asyncio.run(_service().handle(sender, ROOM, "!" + body.lstrip("!")))
    if parse_command("!" + body.lstrip("!")) is not None:
        assert isinstance(reply, Reply) and reply.body.strip()
