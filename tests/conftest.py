"""Shared fixtures: one real Synapse per test session, our app started against it."""

from __future__ import annotations

import gc
import sys
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

sys.path.insert(0, str(Path(__file__).parent))

from matrix_harness import (
    MatrixUser,
    RunningSynapse,
    UserFactory,
    new_user,
    start_synapse,
    stop_open_users,
)

from samsnakk_bot.app import SamsnakkApp


@pytest_asyncio.fixture(loop_scope="session", scope="module", autouse=True)
async def _no_unclosed_sessions() -> AsyncIterator[None]:
    """After each module: stop the E2EE clients its tests left running, and fail if any
    aiohttp session is still left for the garbage collector ("Unclosed client session")."""
    yield
    await stop_open_users()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        gc.collect()
    unclosed = [str(w.message) for w in caught if "Unclosed client session" in str(w.message)]
    assert not unclosed, f"{len(unclosed)} aiohttp session(s) never closed: {unclosed[:3]}"


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSynapse]:
    running = start_synapse(tmp_path_factory.mktemp("synapse"))
    yield running
    running.process.stop()


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def app(synapse: RunningSynapse) -> AsyncIterator[SamsnakkApp]:
    application = SamsnakkApp(synapse.stack.config)
    await application.start()
    yield application
    await application.stop()


@pytest.fixture
def client_dir(tmp_path: Path) -> Path:
    return tmp_path / "clients"


@pytest_asyncio.fixture(loop_scope="session")
async def ansatt(
    synapse: RunningSynapse, app: SamsnakkApp, client_dir: Path
) -> AsyncIterator[MatrixUser]:
    user = await new_user(synapse, client_dir)
    await app.accounts.upsert(user.user_id, "ansatt", "Askøy kommune", "Trond Test", 0)
    yield user
    await user.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def bruker(
    synapse: RunningSynapse, app: SamsnakkApp, client_dir: Path
) -> AsyncIterator[MatrixUser]:
    user = await new_user(synapse, client_dir)
    await app.accounts.upsert(user.user_id, "bruker", None, "Per Test", 0)
    yield user
    await user.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def make_user(
    synapse: RunningSynapse, app: SamsnakkApp, client_dir: Path
) -> AsyncIterator[UserFactory]:
    """Real E2EE users with a recorded role: ``await make_user("ansatt", "NAV Askøy", "Vera")``."""
    made: list[MatrixUser] = []

    async def factory(
        role: str, org: str | None = None, name: str | None = None, admin: bool = False
    ) -> MatrixUser:
        user = await new_user(synapse, client_dir, admin=admin)
        await app.accounts.upsert(user.user_id, role, org, name, 0)
        if name:
            await user.client.set_displayname(name)
        made.append(user)
        return user

    yield factory
    for user in made:
        await user.stop()
