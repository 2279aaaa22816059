"""Parsing an untrusted upload in a child process with memory and CPU-time limits, so that a
file built to explode costs a clean rejection, not the dashboard or the flow that holds the
load lock.

A small server process (`python -m intake.isolation`) imports intake once and forks one
child per upload; the child sets its limits, parses, and writes the outcome into a memory
file of its own (`memfd`), then says on a pipe of its own where its parts lie. The server
hands both to the caller over a Unix socket. The caller maps the file: the frame's column
buffers (pickle's out-of-band buffers: Arrow's text, numpy's numbers) are used where the
child wrote them, and only the rest is unpickled — a parsed million rows (~100 MB) is
neither copied through a pipe nor through the server. The server is single-threaded,
so forking it is safe (forking the dashboard, whose threads may hold locks, is not), and
unlike multiprocessing it never re-runs the caller's main script (a Streamlit page would
run again in every child).

The server can also be asked to prepare (`prepare`: call one of shihyo's functions once, in
itself, such as importing Great Expectations and building its engine) while the caller does
other work, and then to run a function in a child that starts with what was prepared
(`run_isolated`): the caller's process then never pays that import itself."""

from __future__ import annotations

import contextlib
import mmap
import os
import pickle
import resource
import signal
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from intake.limits import DEFAULT_LIMITS, ReadLimits
from intake.messages import FileRejected, unreadable
from kernel.processes import python_module

if TYPE_CHECKING:
    from intake.canonical import ParsedUpload
    from intake.list_rule import ListRule


@dataclass(frozen=True)
class IsolationLimits:
    """What one parse may use in its child process."""

    # Address space the parse may add to what the child maps when it starts (pandas and
    # pyarrow are mapped already); a larger need ends in a MemoryError, reported cleanly.
    memory_bytes: int = 2 << 30
    cpu_seconds: int = 120
    # Wall-clock time the caller waits before it stops the server and its child.
    wall_seconds: float = 300.0


DEFAULT_ISOLATION = IsolationLimits()
T = TypeVar("T")
_HEADER = struct.Struct("<Q")


def _send(stream: IO[bytes], payload: bytes) -> None:
    # Two writes, not header + payload: that would copy a parsed frame's ~100 MB once more.
    stream.write(_HEADER.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def _receive(stream: IO[bytes]) -> bytes | None:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    payload = stream.read(size)
    return payload if len(payload) == size else None


# ── the child, forked by the server ─────────────────────────────────────────


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


def _outcome(job: tuple) -> tuple[str, Any]:
    """Return the outcome of one parse job, in the child, under its limits."""
    from intake.read import read_upload

    if isinstance(job[0], str) and job[0] == _CALL:
        _, reader, args, isolation = job
        return _guarded(isolation, lambda: reader(*args))
    if isinstance(job[0], str) and job[0] == _RUN:
        _, function, args, isolation = job
        try:
            return _guarded(isolation, lambda: function(*args))
        except Exception as exc:  # told to the caller, who decides; the child ends cleanly
            return ("error", f"{type(exc).__name__}: {exc}")
    data, file_name, period, rules, limits, isolation = job
    return _guarded(
        isolation,
        lambda: read_upload(data, file_name, period=period, rules=rules, limits=limits),
    )


_CALL = "call"  # a job that names its reader: (_CALL, reader, args, isolation)
_RUN = "run"  # a call whose errors come back as errors: (_RUN, function, args, isolation)
_PREPARE = "prepare"  # (_PREPARE, function): called once in the server itself, not a child


def _is_preparation(job: tuple) -> bool:
    """Whether `job` is a preparation, which the server answers itself (both sides of the
    exchange ask this: a forked job is answered on a pipe of its own)."""
    return isinstance(job[0], str) and job[0] == _PREPARE


def _guarded(isolation: IsolationLimits, read: Callable[[], Any]) -> tuple[str, Any]:
    """`read()` under the job's limits, its outcome as the parent receives it: parsed, a
    rejection with its reasons, or out of memory or time."""
    try:
        _apply_limits(isolation)
        return ("parsed", read())
    except FileRejected as exc:
        return ("rejected", exc)
    except MemoryError:
        return ("memory", None)
    except _OutOfTime:
        return ("time", None)


def _serve(pipes: socket.socket) -> None:
    """The server: read jobs from stdin, fork a child for each, hand the caller the pipe
    the child answers on (over `pipes`), then tell it how the child ended."""
    import intake.read  # noqa: F401  (imported once, before any fork)

    with contextlib.suppress(Exception):  # one thread in Arrow's pools, made after the fork
        import pyarrow as pa

        pa.set_cpu_count(1)
        pa.set_io_thread_count(1)
    inbox, outbox = sys.stdin.buffer, sys.stdout.buffer
    while (payload := _receive(inbox)) is not None:
        job = pickle.loads(payload)
        if _is_preparation(job):
            _send(outbox, pickle.dumps(_prepared(job[1])))
            continue
        read_end, write_end = os.pipe()
        outcome_file = os.memfd_create("shihyo-outcome", os.MFD_CLOEXEC)
        pid = os.fork()
        if pid == 0:  # the child: it never returns into the server's loop
            code = 1  # an outcome not written whole: the caller hears of a crash
            try:
                os.close(read_end)
                pipes.close()
                layout = _write_outcome(outcome_file, _outcome(job))
                with os.fdopen(write_end, "wb") as pipe:
                    _send(pipe, layout)
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)  # the child's end: the caller sees the pipe end with the child
        socket.send_fds(pipes, [b"p"], [read_end, outcome_file])
        os.close(read_end)
        os.close(outcome_file)
        _, status = os.waitpid(pid, 0)
        _send(outbox, pickle.dumps(os.waitstatus_to_exitcode(status)))


_ALIGN = 64  # Arrow's alignment: a buffer mapped where it was written needs no copy


def _aligned(offset: int) -> int:
    return -(-offset // _ALIGN) * _ALIGN


def _write_outcome(fd: int, outcome: tuple[str, Any]) -> bytes:
    """Write `outcome` into the memory file `fd` (in the child): first the pickle's
    out-of-band buffers, each where it can be mapped as is, then the pickle itself; return
    the layout (where each part lies) that the caller needs to read it."""
    buffers: list[pickle.PickleBuffer] = []
    try:
        body = pickle.dumps(outcome, protocol=5, buffer_callback=buffers.append)
    except MemoryError:
        body, buffers = pickle.dumps(("memory", None)), []
    parts, offset = [], 0
    for part in (*(buffer.raw() for buffer in buffers), memoryview(body)):
        offset = _aligned(offset)
        parts.append((offset, part.nbytes))
        while part:  # one write may take less than a part (Linux: under 2 GiB at a time)
            written = os.pwrite(fd, part, offset)
            part, offset = part[written:], offset + written
    return pickle.dumps(parts)


def _read_outcome(fd: int, layout: bytes) -> tuple[str, Any]:
    """Read an outcome the child wrote into the memory file `fd` (in the caller). The file
    is mapped copy-on-write: the buffers stay where the child wrote them, shared with the
    file, and the frame built on them may still be written to like any other."""
    *buffers, (body_at, body_size) = pickle.loads(layout)
    body = os.pread(fd, body_size, body_at)
    if len(body) != body_size:
        raise OSError("the outcome is shorter than its layout says")
    if not buffers:
        return pickle.loads(body)
    mapped_size = buffers[-1][0] + buffers[-1][1]
    if not mapped_size:  # empty buffers only (an empty frame's): nothing to map
        return pickle.loads(body, buffers=[b""] * len(buffers))
    # The pickle itself is not needed once read: the file ends with the buffers.
    os.ftruncate(fd, mapped_size)
    view = memoryview(mmap.mmap(fd, mapped_size, flags=mmap.MAP_PRIVATE))
    return pickle.loads(body, buffers=[view[at : at + size] for at, size in buffers])


def _prepared(function: Callable[[], object]) -> tuple[str, Any]:
    """Call `function()` in the server (our own code, not an upload: no limits), so that
    every child forked after it starts with what it imported and built."""
    try:
        function()
    except Exception as exc:  # the children then do without it, as the caller does
        return ("error", f"{type(exc).__name__}: {exc}")
    return ("prepared", None)


# ── the caller's side ───────────────────────────────────────────────────────


class _Server:
    """The server process, started on first use; one parse at a time through it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: subprocess.Popen[bytes] | None = None
        self.pipes: socket.socket | None = None  # where the server hands over children's pipes
        self.prepared: set[str] = set()  # what the running process was asked to prepare

    def running(self) -> bool:
        """Whether the server process is up (read once: another thread may stop it)."""
        process = self.process
        return process is not None and process.poll() is None

    def _start(self) -> subprocess.Popen[bytes]:
        if not self.running():
            self.prepared = set()
            root = str(Path(__file__).resolve().parents[1])
            path = os.environ.get("PYTHONPATH", "")
            env = {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")}
            self._close_pipes()
            self.pipes, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            with theirs:
                self.process = subprocess.Popen(
                    # This code's intake (PYTHONPATH), never a folder of that name where the
                    # caller happens to be.
                    python_module("intake.isolation", str(theirs.fileno())),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    pass_fds=(theirs.fileno(),),
                    env=env,
                    start_new_session=True,  # its children are stopped with it
                )
        return self.process

    def _close_pipes(self) -> None:
        if self.pipes is not None:
            self.pipes.close()
            self.pipes = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None
        self._close_pipes()
        self.prepared = set()

    def run(self, job: tuple, wall_seconds: float) -> tuple[str, Any]:
        with self.lock:
            process = self._start()
            assert process.stdin is not None and process.stdout is not None
            assert self.pipes is not None
            pipes, stdout = self.pipes, process.stdout
            forked = not _is_preparation(job)
            answer: list[tuple[str, Any]] = []

            def read() -> None:
                # An OSError or a short read: the server (or its child) is gone.
                with contextlib.suppress(OSError):
                    answer.append(_answer(pipes, stdout) if forked else _prepare_answer(stdout))

            reader = threading.Thread(target=read)
            reader.start()
            with contextlib.suppress(OSError):  # a server gone: the reader finds no answer
                _send(process.stdin, pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
            reader.join(wall_seconds)
            if reader.is_alive():
                self.stop()  # the child and the server; the reader then sees the end
                reader.join()
                return ("wall", None)
            if not answer or answer[0][0] == "gone":
                self.stop()
                return ("crash", None)
            return answer[0]

    def prepare(self, function: Callable[[], object], name: str) -> None:
        """Run a preparation to its end (in a thread of the caller's): forgotten if it failed,
        so that nothing is routed to a server that does not hold it."""
        kind, _ = self.run((_PREPARE, function), PREPARE_WALL_SECONDS)
        if kind != "prepared":
            with self.lock:
                self.prepared.discard(name)


def _answer(pipes: socket.socket, stdout: IO[bytes]) -> tuple[str, Any]:
    """A child's outcome: its layout read from the pipe the server hands over and its parts
    from the memory file handed with it, then how the child ended, which names an outcome
    it did not send (its CPU time's kill, or a crash)."""
    _, fds, _, _ = socket.recv_fds(pipes, 1, 2)
    if len(fds) != 2:
        for fd in fds:
            os.close(fd)
        return ("gone", None)
    pipe_end, outcome_file = fds
    try:
        # The layout is sent once the outcome is whole: a child that ended before has sent
        # none (the sized message is then cut short), and its outcome is no outcome at all.
        with os.fdopen(pipe_end, "rb") as pipe:
            layout = _receive(pipe)
        result = _read_outcome(outcome_file, layout) if layout else None
    finally:
        os.close(outcome_file)
    ended = _receive(stdout)  # read whatever the outcome: the next job's answer follows it
    if result is not None:
        return result
    if ended is None:
        return ("gone", None)
    code = pickle.loads(ended)
    return ("time" if code in (-signal.SIGKILL, -signal.SIGXCPU) else "crash", code)


def _prepare_answer(stdout: IO[bytes]) -> tuple[str, Any]:
    """A preparation's outcome, which the server sends itself."""
    result = _receive(stdout)
    return ("gone", None) if result is None else pickle.loads(result)


_SERVER = _Server()
PREPARE_WALL_SECONDS = 120.0


def prestart() -> None:
    """Start the parse server now, if it is not running, without waiting for it: its start-up
    (a Python process importing the parser, about half a second) then overlaps with what
    the caller does before its first upload is parsed."""
    with _SERVER.lock:
        _SERVER._start()


def _name(function: Callable[..., object]) -> str:
    """A module's function as pickle names it: what the server was asked to prepare."""
    return f"{function.__module__}.{function.__qualname__}"


def stop() -> None:
    """Stop the parse server, and with it what it prepared (waiting for a preparation under
    way to end); the next parse starts a new one."""
    with _SERVER.lock:
        _SERVER.stop()


def prepare(function: Callable[[], object]) -> None:
    """Have the parse server (started now if it is not running) call `function()` once in
    itself, so that every child it forks afterwards starts with what the call imported and
    built. Returns at once: the call runs on the server's core while the caller goes on,
    and the server's next job waits for it. `function` must be a module's function, as
    pickle names it; a second request for it to the same server does nothing."""
    name = _name(function)
    with _SERVER.lock:
        _SERVER._start()
        if name in _SERVER.prepared:
            return
        _SERVER.prepared.add(name)
    threading.Thread(
        target=_SERVER.prepare, args=(function, name), name="parse-server-prepare", daemon=True
    ).start()


def prepared(function: Callable[[], object]) -> bool:
    """Whether the running parse server holds, or is making, what `function` prepares."""
    return _name(function) in _SERVER.prepared and _SERVER.running()


class IsolatedRunFailed(Exception):
    """A function run in a child of the parse server did not return: it raised, ran out of
    memory or time, or its child died."""


def run_isolated(
    function: Callable[..., T], *args: object, isolation: IsolationLimits = DEFAULT_ISOLATION
) -> T:
    """Return `function(*args)` computed in a child of the parse server, bounded by
    `isolation` (our own code on data already read, such as validating a parsed frame in
    a child that starts with Great Expectations prepared); IsolatedRunFailed, with what
    happened, when it did not return. A module's function; arguments and result picklable."""
    kind, value = _SERVER.run((_RUN, function, args, isolation), isolation.wall_seconds)
    if kind == "parsed":
        return value
    raise IsolatedRunFailed(f"{kind}: {value}" if value is not None else kind)


def parse_isolated(
    data: bytes,
    file_name: str,
    *,
    period: str | None = None,
    rules: Iterable[ListRule] | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    isolation: IsolationLimits = DEFAULT_ISOLATION,
) -> ParsedUpload:
    """Return read_upload's ParsedUpload computed in a child process bounded by `isolation`,
    or raise its FileRejected; a child that runs out of memory or time, or dies, becomes a
    FileRejected saying the file was too large or too complex to read. Parses through one
    server run one at a time."""
    # Imported here, not with this module: the list rules import pandas, and a command
    # imports this module to start the server, which should not wait for pandas.
    from intake.list_rule import DEFAULT_LIST_RULES, check_rules

    chosen = check_rules(DEFAULT_LIST_RULES if rules is None else rules)
    job = (data, file_name, period, chosen, limits, isolation)
    kind, value = _SERVER.run(job, isolation.wall_seconds)
    if kind == "parsed":
        return value
    if kind == "rejected":
        raise value
    raise _too_complex(kind, isolation, value)


def read_isolated(
    reader: Callable[..., T], *args: object, isolation: IsolationLimits = DEFAULT_ISOLATION
) -> T:
    """Return `reader(*args)` computed as parse_isolated computes an upload: in a child of
    the parse server, bounded by `isolation`, its FileRejected raised here and a child out
    of memory or time a FileRejected saying so. For another kind of untrusted file than an
    upload (a plan's initiative list); `reader` must be a module's function, as pickle names
    it, and its arguments and result picklable."""
    kind, value = _SERVER.run((_CALL, reader, args, isolation), isolation.wall_seconds)
    if kind == "parsed":
        return value
    if kind == "rejected":
        raise value
    raise _too_complex(kind, isolation, value)


def _too_complex(why: str, isolation: IsolationLimits, code: Any = None) -> FileRejected:
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
        "wall": (
            f"読み込みの待ち時間の上限（{isolation.wall_seconds:g} 秒）を超えました",
            f"it took more than the {isolation.wall_seconds:g} s allowed",
        ),
    }.get(
        why,
        (f"読み込みの処理が止まりました（{code}）", f"the reader stopped ({code})"),
    )
    return unreadable(
        FileRejected(
            f"ファイルが大きすぎるか複雑すぎるため読み込めませんでした（{detail_ja}）。"
            "ファイルを分けるか、値だけの CSV にして送ってください。",
            f"The file is too large or too complex to read ({detail_en}). Split it, or send "
            "the values alone as a CSV.",
        )
    )


if __name__ == "__main__":
    _serve(socket.socket(fileno=int(sys.argv[1])))
