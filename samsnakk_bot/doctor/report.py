"""The doctor's report: one line per check, and the exit code. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from samsnakk_bot.domain import texts

EXIT_OK = 0
EXIT_FAILED = 1
_MARK_WIDTH = 6


class Status(Enum):
    OK = "ok"
    FAIL = "fail"
    # Not checked, e.g. no Synapse config was given; never a failure by itself.
    SKIPPED = "skipped"


_MARKS = {
    Status.OK: texts.DOCTOR_MARK_OK,
    Status.FAIL: texts.DOCTOR_MARK_FAIL,
    Status.SKIPPED: texts.DOCTOR_MARK_SKIP,
}


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    status: Status
    detail: str
    # Further lines (e.g. what Synapse answered), printed indented below the check.
    more: tuple[str, ...] = ()


def ok(name: str, detail: str) -> CheckResult:
    return CheckResult(name, Status.OK, detail)


def fail(name: str, detail: str, *more: str) -> CheckResult:
    return CheckResult(name, Status.FAIL, detail, tuple(more))


def skipped(name: str, detail: str) -> CheckResult:
    return CheckResult(name, Status.SKIPPED, detail)


def format_line(result: CheckResult) -> str:
    mark = _MARKS[result.status].ljust(_MARK_WIDTH)
    lines = [f"{mark}{result.name}: {result.detail}"]
    lines.extend(" " * _MARK_WIDTH + line for line in result.more)
    return "\n".join(lines)


def format_summary(results: Sequence[CheckResult]) -> str:
    failed = sum(r.status is Status.FAIL for r in results)
    if failed:
        return texts.DOCTOR_SUMMARY_FAILED.format(failed=failed, total=len(results))
    return texts.DOCTOR_SUMMARY_OK.format(
        passed=sum(r.status is Status.OK for r in results),
        skipped=sum(r.status is Status.SKIPPED for r in results),
    )


def format_report(heading: str, results: Sequence[CheckResult]) -> str:
    lines = [heading, *(format_line(r) for r in results), format_summary(results)]
    return "\n".join(lines) + "\n"


def exit_code(results: Sequence[CheckResult]) -> int:
    return EXIT_FAILED if any(r.status is Status.FAIL for r in results) else EXIT_OK
