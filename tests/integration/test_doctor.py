"""``samsnakk doctor`` against real, running stacks: the CLI as an operator runs it.

The doctor runs as a child process with the stack's own config file, so every check goes
through real HTTP: Synapse calls our ping endpoint, and synapse-http-antispam calls ours.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from config_files import write_config
from matrix_harness import RunningSynapse, free_port, start_synapse

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.domain import texts

CHECKS = (
    texts.DOCTOR_CHECK_SYNAPSE,
    texts.DOCTOR_CHECK_PING,
    texts.DOCTOR_CHECK_ANTISPAM,
    texts.DOCTOR_CHECK_PUSH,
    texts.DOCTOR_CHECK_CROSS_SIGNING,
    texts.DOCTOR_CHECK_MIGRATIONS,
    texts.DOCTOR_CHECK_POLICIES,
    texts.DOCTOR_CHECK_CLOCK,
    texts.DOCTOR_CHECK_PRIVATE_FILES,
)


@dataclass
class Report:
    code: int
    lines: list[str]

    def line(self, check: str) -> str:
        """The line of one check, from its mark to the end of its explanation."""
        (found,) = [line for line in self.lines if f"  {check}: " in line]
        return found

    def following(self, check: str) -> list[str]:
        """The indented detail lines printed under a check."""
        start = self.lines.index(self.line(check)) + 1
        more = []
        for line in self.lines[start:]:
            if not line.startswith("      "):
                break
            more.append(line.strip())
        return more


async def doctor(config: Path, *synapse_configs: Path) -> Report:
    extra = [arg for path in synapse_configs for arg in ("--synapse-config", str(path))]
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "samsnakk_bot.cli",
        "doctor",
        "--config",
        str(config),
        *extra,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    assert not err.strip(), err.decode()
    return Report(proc.returncode, out.decode().splitlines())


@pytest.mark.synapse
async def test_doctor_passes_against_the_running_stack(
    synapse: RunningSynapse, app: SamsnakkApp
) -> None:
    report = await doctor(synapse.stack.config_path, synapse.stack.synapse.config_path)

    assert report.code == 0, "\n".join(report.lines)
    assert report.lines[0] == f"Samsnakk doctor: {synapse.url} (samsnakk.localhost)"
    for check in CHECKS:
        assert report.line(check).startswith("OK    "), report.line(check)
    assert "versjon 1.163.2" in report.line(texts.DOCTOR_CHECK_SYNAPSE)
    assert " ms (Synapse reached the appservice in " in report.line(texts.DOCTOR_CHECK_PING)
    assert report.line(texts.DOCTOR_CHECK_ANTISPAM).endswith(texts.DOCTOR_ANTISPAM_OK)
    assert f"enhet {app.bot.device_id} er signert" in report.line(texts.DOCTOR_CHECK_CROSS_SIGNING)
    assert report.lines[-1] == texts.DOCTOR_SUMMARY_OK.format(passed=9, skipped=0)


@pytest.mark.synapse
async def test_doctor_without_the_synapse_config_says_push_was_not_checked(
    synapse: RunningSynapse, app: SamsnakkApp
) -> None:
    report = await doctor(synapse.stack.config_path)

    assert report.code == 0, "\n".join(report.lines)
    assert report.line(texts.DOCTOR_CHECK_PUSH) == (
        f"--    {texts.DOCTOR_CHECK_PUSH}: {texts.DOCTOR_PUSH_NOT_GIVEN}"
    )
    assert report.lines[-1] == texts.DOCTOR_SUMMARY_OK.format(passed=8, skipped=1)


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def bare(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[RunningSynapse, SamsnakkApp]]:
    """A second homeserver whose config lacks the synapse-http-antispam module."""
    synapse = start_synapse(tmp_path_factory.mktemp("doctor-bare"), antispam=False)
    app = SamsnakkApp(synapse.stack.config)
    try:
        await app.start()
        yield synapse, app
    finally:
        try:
            await app.stop()
        finally:
            synapse.process.stop()


@pytest.mark.synapse
async def test_doctor_fails_naming_the_antispam_check_when_synapse_lacks_the_module(
    bare: tuple[RunningSynapse, SamsnakkApp],
) -> None:
    synapse, _ = bare
    report = await doctor(synapse.stack.config_path, synapse.stack.synapse.config_path)

    assert report.code == 1, "\n".join(report.lines)
    assert report.line(texts.DOCTOR_CHECK_ANTISPAM) == (
        f"FEIL  {texts.DOCTOR_CHECK_ANTISPAM}: {texts.DOCTOR_ANTISPAM_NOT_ASKED}"
    )
    assert "synapse_http_antispam.HTTPAntispam" in texts.DOCTOR_ANTISPAM_NOT_ASKED
    assert report.following(texts.DOCTOR_CHECK_ANTISPAM) == [
        "Synapse svarte HTTP 403 M_FORBIDDEN: Unknown room (Synapse answered)"
    ]
    for check in CHECKS:
        if check != texts.DOCTOR_CHECK_ANTISPAM:
            assert report.line(check).startswith("OK    "), report.line(check)
    assert report.lines[-1] == texts.DOCTOR_SUMMARY_FAILED.format(failed=1, total=9)


async def test_doctor_fails_when_synapse_is_not_there(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "samsnakk.yaml",
        homeserver={"url": f"http://127.0.0.1:{free_port()}", "server_name": "hs.test"},
        database={"url": f"sqlite+aiosqlite:///{tmp_path / 'none.db'}"},
        policies_dir=str(Path(__file__).parents[2] / "policies"),
    )
    report = await doctor(config)

    assert report.code == 1
    assert report.line(texts.DOCTOR_CHECK_SYNAPSE).startswith("FEIL  ")
    assert "ingen kontakt med http://127.0.0.1:" in report.line(texts.DOCTOR_CHECK_SYNAPSE)
    for check in (texts.DOCTOR_CHECK_PING, texts.DOCTOR_CHECK_ANTISPAM, texts.DOCTOR_CHECK_CLOCK):
        assert report.line(check) == f"--    {check}: {texts.DOCTOR_NEEDS_SYNAPSE}"
    assert report.line(texts.DOCTOR_CHECK_MIGRATIONS).startswith("FEIL  ")
    assert not (tmp_path / "none.db").exists()
