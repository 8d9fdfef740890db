"""``samsnakk dev --workers`` in the foreground: start the worker stack, run the app, stop all."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from samsnakk_bot.devstack.app_runner import run_app
from samsnakk_bot.devstack.backing import BackingError
from samsnakk_bot.devstack.processes import ChildStartError
from samsnakk_bot.devstack.stack_lock import StackLock, StackRecord
from samsnakk_bot.devstack.worker_stack import WorkerStack


def _processes(ws: WorkerStack) -> str:
    lines = [f"  {name:<20} PID {pid}" for name, pid in ws.pids().items()]
    logs = ws.data_dir / "synapse-workers" / "logs"
    return "Processes (logs in " + str(logs) + "):\n" + "\n".join(lines)


def run_workers(lock: StackLock, data_dir: Path, hs_port: int, as_port: int, bind_host: str) -> int:
    ws = WorkerStack(data_dir, hs_port, as_port, bind_host)
    stack = ws.prepare()
    print(
        f"Starting PostgreSQL, Redis, Synapse (main and 5 workers) and nginx on {ws.base_url} …",
        flush=True,
    )
    try:
        ws.start()
    except (ChildStartError, BackingError) as err:
        print(f"The worker stack did not start: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    try:
        lock.write(
            StackRecord(
                os.getpid(),
                "workers",
                ws.base_url,
                ws.admin_url,
                hs_port,
                as_port,
                bind_host,
                children=ws.pids(),
            )
        )
        print(_processes(ws), flush=True)
        return asyncio.run(run_app(stack))
    except KeyboardInterrupt:
        return 0
    finally:
        ws.stop()
        print("Stopped.")
