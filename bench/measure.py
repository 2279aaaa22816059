"""Timing whole processes: wall time from fork to exit, each process's peak RSS, and runs
paired and alternated with their floors so that a busy machine slows both sides alike.

A process's peak RSS is its VmHWM. The command's own process is read exactly (wait4); its
descendants (the parse server and the child it forks per upload, a Prefect subprocess) are
read by sampling their VmHWM every few milliseconds while they live, which can miss growth
in their last few milliseconds."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from files import REPO


@dataclass
class Run:
    """One whole process: wall seconds, exit code, peak RSS of the process itself and of the
    largest of its descendants (bytes), and its output."""

    seconds: float
    code: int
    peak_rss: int
    child_peak_rss: int
    stdout: str = ""
    stderr: str = ""
    cpu: float = 0.0  # user + system seconds of the process and the children it waited for

    @property
    def tree_peak(self) -> int:
        """The larger of the two peaks."""
        return max(self.peak_rss, self.child_peak_rss)


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
            found += [int(p) for p in text.split()]
    except OSError:
        pass
    return found


def _hwm(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


class _Sampler(threading.Thread):
    """Reads the VmHWM of every descendant of `root` until stopped."""

    def __init__(self, root: int, every: float = 0.005) -> None:
        super().__init__(daemon=True)
        self.root, self.every = root, every
        self.peaks: dict[int, int] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            stack, seen = _children(self.root), set()
            while stack:
                pid = stack.pop()
                if pid in seen:
                    continue
                seen.add(pid)
                self.peaks[pid] = max(self.peaks.get(pid, 0), _hwm(pid))
                stack += _children(pid)
            time.sleep(self.every)


def run(
    command: Sequence[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    stdin: bytes | None = None,
    check: bool = False,
) -> Run:
    """Run `command` to its end; its wall time and peaks. The process may cache bytecode
    whatever the caller's environment says: a user's Python writes `__pycache__` once and
    reads it after, while PYTHONDONTWRITEBYTECODE (set in some shells and containers) would
    have every measured process compile shihyo's sources again."""
    env = {**(os.environ if env is None else env)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    process = subprocess.Popen(
        list(command),
        env=env,
        cwd=cwd,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    sampler = _Sampler(process.pid)
    sampler.start()
    out: list[bytes] = []
    err: list[bytes] = []
    readers = [
        threading.Thread(target=lambda: out.append(process.stdout.read())),  # type: ignore[union-attr]
        threading.Thread(target=lambda: err.append(process.stderr.read())),  # type: ignore[union-attr]
    ]
    for reader in readers:
        reader.start()
    if stdin is not None:
        process.stdin.write(stdin)  # type: ignore[union-attr]
        process.stdin.close()  # type: ignore[union-attr]
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    sampler.done.set()
    for reader in readers:
        reader.join()
    sampler.join()
    stdout = (out[0] if out else b"").decode("utf-8", "replace")
    stderr = (err[0] if err else b"").decode("utf-8", "replace")
    result = Run(
        seconds,
        process.returncode,
        usage.ru_maxrss * 1024,
        max(sampler.peaks.values(), default=0),
        stdout,
        stderr,
        usage.ru_utime + usage.ru_stime,
    )
    if check and result.code != 0:
        raise SystemExit(
            f"{' '.join(command)} exited {result.code}\n{stdout[-3000:]}\n{stderr[-3000:]}"
        )
    return result


@dataclass
class Series:
    """Runs of one side."""

    name: str
    runs: list[Run] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def spread(self) -> tuple[float, float]:
        times = [r.seconds for r in self.runs]
        return min(times), max(times)

    @property
    def cpu(self) -> float:
        """The median CPU seconds (the command's process and the children it waited for)."""
        return statistics.median(r.cpu for r in self.runs)

    @property
    def peak_rss(self) -> int:
        return max(r.peak_rss for r in self.runs)

    @property
    def child_peak_rss(self) -> int:
        return max(r.child_peak_rss for r in self.runs)


def alternate(
    sides: dict[str, Callable[[int], Run]], repeat: int, before: Callable[[], None] | None = None
) -> dict[str, Series]:
    """Run each side `repeat` times, alternating (A B C, B C A, C A B …) so that neither side
    is always first after a pause; each callable gets the attempt number."""
    names = list(sides)
    series = {name: Series(name) for name in names}
    for attempt in range(repeat):
        shift = attempt % len(names)
        for name in names[shift:] + names[:shift]:
            if before is not None:
                before()
            series[name].runs.append(sides[name](attempt))
    return series


def gib(n: float) -> str:
    return f"{n / 2**30:.2f} GiB"


def mib(n: float) -> str:
    return f"{n / 2**20:.0f} MiB"


def load_average() -> str:
    """The 1-minute load average and the number of CPUs, to say how busy the machine was."""
    try:
        one = Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"
    return f"load {one} on {os.cpu_count()} CPUs"


SHIHYO = str(Path(sys.executable).with_name("shihyo"))

# Import floors: what a fresh `shihyo ingest` imports before it can judge a file, and nothing
# else (no file read, no warehouse opened): the command line as its script imports it, Great
# Expectations with the engine built as the first validation builds it, and the steps a load
# runs; on the flow path also Prefect and the flows, as service/jobs imports them. No ingest
# run as its own process can be faster than its floor while Great Expectations validates in it.
IMPORTS = {
    "direct": (
        "from kernel.memory import long_lived\n"
        "with long_lived():\n"
        "    from shihyo.cli import app\n"
        "from expectations.engine import shared_engine\n"
        "shared_engine()\n"
        "import pipeline.ingesting, pipeline.evaluating, alerts.engine\n"  # imported to run
    ),
}
IMPORTS["flow"] = IMPORTS["direct"] + (
    "with long_lived():\n    from flows import runtime\n    from flows.ingest import ingest\n"
)


def import_floor(path: str, env: dict[str, str]) -> Callable[[int], Run]:
    """A side that runs the import floor of `path` ("direct" or "flow") with this checkout's
    code, in `env`."""
    env = {**env, "PYTHONPATH": str(REPO), "GX_ANALYTICS_ENABLED": "False"}
    return lambda _attempt: run([sys.executable, "-P", "-c", IMPORTS[path]], env, check=True)


def script(code: Path | None = None) -> list[str]:
    """The `shihyo` script as the code in `code` (None: this checkout) installs it: the
    installed script, which imports the code first on PYTHONPATH, or, for code from before
    the script was `shihyo.command:main`, what its script ran (`-P`: nothing from the
    working directory comes before PYTHONPATH)."""
    if code is None or (code / "shihyo" / "command.py").exists():
        return [SHIHYO]
    return [sys.executable, "-P", "-c", "from shihyo.cli import app; app()"]


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
