"""Parsing an untrusted upload in a child process with memory and CPU-time limits, so that a
file built to explode costs a clean rejection, not the dashboard or the flow that holds the
load lock. Children come from a fork server that has imported intake once (a child starts
in milliseconds, not the seconds pandas and pyarrow take to import)."""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
from collections.abc import Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from intake.canonical import ParsedUpload
from intake.limits import DEFAULT_LIMITS, ReadLimits
from intake.list_rule import DEFAULT_LIST_RULES, ListRule, check_rules
from intake.messages import FileRejected, unreadable


@dataclass(frozen=True)
class IsolationLimits:
    """What one parse may use in its child process."""

    # Address space the parse may add to what the child holds when it starts (pandas and
    # pyarrow are mapped already); a larger need ends in a MemoryError, reported cleanly.
    memory_bytes: int = 2 << 30
    cpu_seconds: int = 120
    # Wall-clock time the caller waits for the child before killing it.
    wall_seconds: float = 300.0


DEFAULT_ISOLATION = IsolationLimits()


class _OutOfTime(Exception):
    """Raised in the child when its CPU time runs out."""


def _mapped_bytes() -> int:
    """Return the address space this process maps now (0 where /proc is absent)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _apply_limits(isolation: IsolationLimits) -> None:
    """Bound this (child) process: address space and CPU seconds."""
    cap = _mapped_bytes() + isolation.memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    cpu = max(1, int(isolation.cpu_seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))  # SIGXCPU, then SIGKILL

    def out_of_time(_signum: int, _frame: Any) -> None:
        raise _OutOfTime

    signal.signal(signal.SIGXCPU, out_of_time)
    try:  # fewer threads: each reserves stack address space, and one core is enough here
        import pyarrow as pa

        pa.set_cpu_count(1)
        pa.set_io_thread_count(1)
    except Exception:
        pass


def _child(conn: Connection) -> None:
    """Run in the child: read the job, parse under the limits, send back the outcome."""
    from intake.read import read_upload

    data, file_name, period, rules, limits, isolation = conn.recv()
    try:
        _apply_limits(isolation)
        outcome: tuple[str, Any] = (
            "parsed",
            read_upload(data, file_name, period=period, rules=rules, limits=limits),
        )
    except FileRejected as exc:
        outcome = ("rejected", exc)
    except MemoryError:
        outcome = ("memory", None)
    except _OutOfTime:
        outcome = ("time", None)
    del data
    try:
        conn.send(outcome)
    except MemoryError:
        conn.send(("memory", None))
    finally:
        conn.close()


def _context() -> multiprocessing.context.BaseContext:
    try:
        context = multiprocessing.get_context("forkserver")
    except ValueError:  # no fork server on this platform
        return multiprocessing.get_context("spawn")
    context.set_forkserver_preload(["intake.read"])
    return context


def parse_isolated(
    data: bytes,
    file_name: str,
    *,
    period: str | None = None,
    rules: Iterable[ListRule] = DEFAULT_LIST_RULES,
    limits: ReadLimits = DEFAULT_LIMITS,
    isolation: IsolationLimits = DEFAULT_ISOLATION,
) -> ParsedUpload:
    """Return read_upload's ParsedUpload computed in a child process bounded by `isolation`,
    or raise its FileRejected; a child that runs out of memory or time, or dies, becomes a
    FileRejected saying the file was too large or too complex to read."""
    chosen = check_rules(rules)
    context = _context()
    receiver, sender = context.Pipe(duplex=True)
    process = context.Process(target=_child, args=(sender,), daemon=True)
    process.start()
    sender.close()
    try:
        receiver.send((data, file_name, period, chosen, limits, isolation))
        if not receiver.poll(isolation.wall_seconds):
            raise _too_complex("time", isolation)
        kind, value = receiver.recv()
    except (EOFError, BrokenPipeError, ConnectionResetError, OSError):
        process.join(5)
        raise _too_complex("crash", isolation, process.exitcode) from None
    finally:
        receiver.close()
        if process.is_alive():
            process.join(1)
        if process.is_alive():
            process.kill()
            process.join()
    if kind == "parsed":
        return value
    if kind == "rejected":
        raise value
    raise _too_complex(kind, isolation)


def _too_complex(why: str, isolation: IsolationLimits, code: int | None = None) -> FileRejected:
    """Return the rejection of a file whose parse ran out of memory or time, or crashed."""
    mb = isolation.memory_bytes / 2**20
    detail_ja, detail_en = {
        "memory": (
            f"読み込みに使えるメモリ（{mb:,.0f} MB）を超えました",
            f"it needed more than {mb:,.0f} MB",
        ),
        "time": (
            f"読み込みの時間の上限（CPU {isolation.cpu_seconds} 秒）を超えました",
            f"it took more than the {isolation.cpu_seconds} s of CPU time allowed",
        ),
    }.get(
        why,
        (
            f"読み込みの処理が止まりました（終了コード {code}）",
            f"the reader stopped (exit code {code})",
        ),
    )
    return unreadable(
        FileRejected(
            f"ファイルが大きすぎるか複雑すぎるため読み込めませんでした（{detail_ja}）。"
            "ファイルを分けるか、値だけの CSV にして送ってください。",
            f"The file is too large or too complex to read ({detail_en}). Split it, or send "
            "the values alone as a CSV.",
        )
    )
