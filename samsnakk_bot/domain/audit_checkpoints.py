"""Checkpoints of the audit chain's head, and what a database that disagrees with them lost.

Pure: no I/O. A checkpoint is the id (``seq``) and hash of the newest audit row at some moment,
kept outside the database (a file and the admin rooms, D70). The chain alone cannot show that
its newest rows were cut off (D19); a checkpoint can, because the database must still hold
that row with that hash.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_HASH_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    hash: str


@dataclass(frozen=True, slots=True)
class Gap:
    """Rows ``first``–``last`` are missing or were replaced since a checkpoint saw them."""

    first: int
    last: int
    checkpoint: Checkpoint  # the newest checkpoint the database does not hold
    db_last: int  # the database's newest id (0 when empty)
    db_hash: str | None  # the database's hash at ``checkpoint.seq``, if it has that row


class BadCheckpoint(ValueError):
    """A checkpoint line or argument that is not ``seq`` and a 64-digit hex hash."""


def due(first_id: int, last_id: int, every: int) -> bool:
    """Whether appending ids ``first_id``..``last_id`` crossed a multiple of ``every``."""
    return last_id // every > (first_id - 1) // every


def checkpoint_line(cp: Checkpoint, ts_ms: int) -> str:
    """One line of the checkpoint file: JSON, so a later field can be added."""
    return json.dumps({"seq": cp.seq, "hash": cp.hash, "ts_ms": ts_ms}, sort_keys=True) + "\n"


def _checked(seq: object, hash_: object) -> Checkpoint:
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise BadCheckpoint(f"seq must be a positive integer, got {seq!r}")
    if not isinstance(hash_, str) or not _HASH_RE.match(hash_):
        raise BadCheckpoint("hash must be 64 lower-case hex digits")
    return Checkpoint(seq, hash_)


def parse_line(line: str) -> Checkpoint:
    try:
        raw = json.loads(line)
    except ValueError:
        raise BadCheckpoint("not JSON") from None
    if not isinstance(raw, dict):
        raise BadCheckpoint("not a JSON object")
    return _checked(raw.get("seq"), raw.get("hash"))


def parse_argument(text: str) -> Checkpoint:
    """``SEQ:HASH``, as an admin copies it from a checkpoint message in the admin room."""
    seq, sep, hash_ = text.strip().partition(":")
    if not sep or not seq.isdigit():
        raise BadCheckpoint(f"expected SEQ:HASH, got {text!r}")
    return _checked(int(seq), hash_.strip().lower())


def find_gap(
    checkpoints: Iterable[Checkpoint],
    db_first: int,
    db_last: int,
    db_hashes: Mapping[int, str],
) -> Gap | None:
    """The rows the database lost, judged by every checkpoint; None when it holds them all.

    ``checkpoints`` come in the order they were written. ``db_hashes`` maps each checkpoint's
    seq to the database's hash for that id, when the database has that row. A checkpoint
    older than the database's first row (a retention prune that the chain itself vouches for,
    D38) says nothing and is skipped.
    """
    agreed = max(db_first - 1, 0)
    lost: list[Checkpoint] = []
    for cp in checkpoints:
        if db_first > 1 and cp.seq < db_first:
            continue
        if db_hashes.get(cp.seq) != cp.hash:
            lost.append(cp)
        elif not lost:
            # Only checkpoints written before the first lost one vouch for rows: the bot writes
            # new, matching ones after a cut, over rows that replaced the missing ones.
            agreed = max(agreed, cp.seq)
    if not lost:
        return None
    newest = max(lost, key=lambda c: c.seq)
    agreed = min(agreed, min(c.seq for c in lost) - 1)
    return Gap(
        first=agreed + 1,
        last=newest.seq,
        checkpoint=newest,
        db_last=db_last,
        db_hash=db_hashes.get(newest.seq),
    )


def describe(gap: Gap) -> str:
    """Operator text (English, like the rest of the CLI) naming the missing rows."""
    if gap.first == gap.last:
        span = f"row {gap.first} is missing or was replaced"
    else:
        span = f"rows {gap.first}–{gap.last} are missing or were replaced"
    cp = gap.checkpoint
    if gap.db_hash is None:
        found = f"the database ends at {gap.db_last}"
    else:
        found = f"the database's row {cp.seq} has hash {gap.db_hash}"
    return f"{span}: the checkpoint at seq {cp.seq} has hash {cp.hash}, but {found}"
