"""Where the machine's CPU goes during a bench: CPU seconds per group of processes over a
window, from /proc (utime + stime of every process, children included once they are reaped).

    .venv/bin/python bench/cpu_share.py BENCH_PID [--seconds 60]

Groups: the bench process itself (its nio clients), the appservice, Synapse main, each kind of
Synapse worker, PostgreSQL, nginx and Redis of the bench's stack, and everything else on the
machine (other work sharing it).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, float, str]]:
    """pid -> (ppid, CPU seconds, command line)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        out[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK, cmd)
    return out


def _group(pid: int, procs: dict[int, tuple[int, float, str]], root: int, stack: str) -> str:
    cmd = procs[pid][2]
    if pid == root:
        return "bench clients (nio, one process)"
    if "sustained_app.py" in cmd:
        return "appservice"
    if stack in cmd and "synapse.app.homeserver" in cmd:
        return "synapse main"
    if stack in cmd and "generic_worker" in cmd:
        for part in cmd.split():
            if part.endswith(".yaml") and "/workers/" in part:
                return "synapse " + Path(part).stem.rstrip("0123456789")
        return "synapse worker"
    if stack in cmd and "nginx" in cmd:
        return "nginx"
    if "redis" in cmd and _descends(pid, root, procs):
        return "redis"
    if "postgres" in cmd and _under_stack(pid, stack, procs):
        return "postgresql (the stack's)"
    return "other processes on the machine"


def _under_stack(pid: int, stack: str, procs: dict[int, tuple[int, float, str]]) -> bool:
    """PostgreSQL daemonises: its postmaster is known by the data directory in its argv."""
    for _ in range(8):
        if pid not in procs:
            return False
        if stack in procs[pid][2]:
            return True
        pid = procs[pid][0]
    return False


def _descends(pid: int, root: int, procs: dict[int, tuple[int, float, str]]) -> bool:
    seen = 0
    while pid in procs and seen < 64:
        if pid == root:
            return True
        pid, seen = procs[pid][0], seen + 1
    return False


def _stack_dir(root: int) -> str:
    """The bench's temporary directory, which its Synapse processes name in their argv."""
    for ppid, _, cmd in _processes().values():
        if ppid == root and "/dev/synapse-workers/" in cmd:
            for part in cmd.split():
                if "/dev/synapse-workers/" in part:
                    return part.split("/dev/synapse-workers/")[0]
    return "/nonexistent"


def share(root: int, stack: str, seconds: float) -> dict[str, float]:
    before = _processes()
    time.sleep(seconds)
    after = _processes()
    groups: dict[str, float] = {}
    for pid, (_, cpu, _) in after.items():
        used = cpu - (before[pid][1] if pid in before else 0.0)
        name = _group(pid, after, root, stack)
        groups[name] = groups.get(name, 0.0) + max(0.0, used)
    return groups


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pid", type=int, help="the bench process")
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    stack = _stack_dir(args.pid)
    load = os.getloadavg()
    groups = share(args.pid, stack, args.seconds)
    cores = os.cpu_count() or 1
    total = sum(groups.values())
    print(
        f"CPU over {args.seconds:.0f} s on {cores} cores ({cores * args.seconds:.0f} CPU-s "
        f"available), load average {load[0]:.1f}"
    )
    for name, cpu in sorted(groups.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<36} {cpu:7.1f} CPU-s  {100 * cpu / (cores * args.seconds):5.1f} %")
    print(f"  {'all':<36} {total:7.1f} CPU-s  {100 * total / (cores * args.seconds):5.1f} %")


if __name__ == "__main__":
    main()
