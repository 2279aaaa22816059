"""Hosts on one machine, for the multi-host test and bench/scale.py: each host is a network
namespace made here (`ip netns add`, a veth into one bridge), with its own hostname (`unshare
--uts`) and its own address in the loopback range (127.77.0.x; the namespace's own loopback
keeps only 127.0.0.1, so that the rest of 127/8 is routed over the bridge). The folder all
hosts share is a folder of this machine. PostgreSQL is started here with initdb / postgres in a
temporary folder, on the server host.

    srv 127.77.0.1   PostgreSQL, the Prefect server (`shihyo serve`, deployments in the pool)
    w1, w2           `shihyo worker`
    r1, r2           the dashboard, SHIHYO_READ=snapshot
    cl               the browser that reads the replicas' Goals page (tests/multihost_probe.py)
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SUBNET = "127.77.0"
PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
CHROMIUM = Path("/usr/bin/chromium")
PG_PASSWORD = "prefect-test-password"
POOL = "shihyo"
WRITER_LIMIT = "warehouse-writes"
SECTIONS = 20


def unavailable() -> str | None:
    """Why hosts cannot be made here, or None."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    for tool in ("ip", "unshare", "runuser"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (iproute2, util-linux)"
    if not PG_BIN or not (PG_BIN[-1] / "postgres").exists():
        return "PostgreSQL's server is not installed (Debian: apt-get install postgresql)"
    probe = "shyprobe"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if made.returncode != 0:
        return f"cannot make a network namespace here: {made.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


def files_under(folder: Path, *, hidden: bool = True) -> list[Path]:
    """The files under `folder` (none when it is missing), read while the workers move them:
    a directory a worker removes during the walk is passed over (os.walk ignores it), where
    `Path.rglob` raises. Without `hidden`, the names starting with a dot directly in `folder`
    (the claims under .processing) are left out."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        if not hidden and root == str(folder):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            files = [f for f in files if not f.startswith(".")]
        found += [Path(root, name) for name in files]
    return found


@dataclass
class Host:
    """One host: a namespace, an address, a hostname, the processes started on it."""

    name: str
    number: int
    prefix: str
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def ns(self) -> str:
        return f"{self.prefix}-{self.name}"

    @property
    def address(self) -> str:
        return f"{SUBNET}.{self.number}"

    def command(self, args: list[str]) -> list[str]:
        """`args` run inside the host: its namespace and its own hostname."""
        return [
            "ip",
            "netns",
            "exec",
            self.ns,
            "unshare",
            "--uts",
            "--",
            "sh",
            "-c",
            'hostname "$0" && exec "$@"',
            self.name,
            *args,
        ]

    def start(self, args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
        with log.open("ab") as out:
            process = subprocess.Popen(
                self.command(args), env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO
            )
        self.processes.append(process)
        return process

    def run(self, args: list[str], env: dict[str, str], timeout: float = 120) -> str:
        done = subprocess.run(
            self.command(args), env=env, capture_output=True, text=True, timeout=timeout, cwd=REPO
        )
        if done.returncode != 0:
            raise RuntimeError(f"{self.name}: {args[:3]} failed: {done.stdout}{done.stderr}")
        return done.stdout

    def kill(self) -> list[int]:
        """The host lost at once: every process in its namespace killed with SIGKILL."""
        listed = subprocess.run(["ip", "netns", "pids", self.ns], capture_output=True, text=True)
        pids = [int(p) for p in listed.stdout.split()]
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return pids

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.kill()  # whatever they left (flow runs, chromium)


class Network:
    """The bridge and the hosts on it; removed on exit."""

    def __init__(self, names: list[str], prefix: str = "shy") -> None:
        self.prefix = prefix
        self.bridge = f"{prefix}br0"
        self.hosts = {name: Host(name, n, prefix) for n, name in enumerate(names, start=1)}

    def __enter__(self) -> Network:
        self._clean()
        _ip("link", "add", self.bridge, "type", "bridge")
        _ip("link", "set", self.bridge, "up")
        for host in self.hosts.values():
            ns, veth = host.ns, f"{self.prefix}v{host.number}"
            _ip("netns", "add", ns)
            _ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns)
            _ip("link", "set", veth, "master", self.bridge, "up")
            _ip("-n", ns, "link", "set", "lo", "up")
            _ip("-n", ns, "addr", "del", "127.0.0.1/8", "dev", "lo")
            _ip("-n", ns, "addr", "add", "127.0.0.1/32", "dev", "lo")
            _ip("-n", ns, "addr", "add", f"{host.address}/24", "dev", "eth0")
            _ip("-n", ns, "link", "set", "eth0", "up")
            for conf in ("all", "eth0"):
                subprocess.run(
                    [
                        "ip",
                        "netns",
                        "exec",
                        ns,
                        "sysctl",
                        "-qw",
                        f"net.ipv4.conf.{conf}.route_localnet=1",
                    ],
                    check=True,
                )
        return self

    def __exit__(self, *_exc: object) -> None:
        for host in self.hosts.values():
            host.stop()
        self._clean()

    def _clean(self) -> None:
        for host in self.hosts.values():
            subprocess.run(["ip", "netns", "del", host.ns], capture_output=True)
            subprocess.run(
                ["ip", "link", "del", f"{self.prefix}v{host.number}"], capture_output=True
            )
        subprocess.run(["ip", "link", "del", self.bridge], capture_output=True)

    def __getitem__(self, name: str) -> Host:
        return self.hosts[name]


@contextlib.contextmanager
def postgresql(host: Host, logs: Path) -> Iterator[str]:
    """A PostgreSQL server on `host` in a temporary folder (initdb as the postgres user, who
    owns it), with a `prefect` database and role; its URL."""
    bin_dir = PG_BIN[-1]
    logs.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="shihyo-pg-"))
    shutil.chown(folder, "postgres", "postgres")
    data, sockets = folder / "data", folder / "sockets"
    as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [
            *as_postgres,
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    sockets.mkdir()
    shutil.chown(sockets, "postgres", "postgres")
    with (data / "pg_hba.conf").open("a") as hba:
        hba.write(f"host all all {SUBNET}.0/24 scram-sha-256\n")
    env = {**os.environ, "LC_ALL": "C"}
    server = host.start(
        [
            *as_postgres,
            str(bin_dir / "postgres"),
            "-D",
            str(data),
            "-h",
            host.address,
            "-p",
            "5432",
            "-k",
            str(sockets),
            "-c",
            "fsync=off",
            "-c",
            "max_connections=200",
        ],
        env,
        logs / "postgresql.log",
    )
    try:
        psql = [*as_postgres, str(bin_dir / "psql"), "-h", str(sockets), "-U", "postgres", "-q"]
        deadline = time.monotonic() + 60
        while subprocess.run([*psql, "-c", "SELECT 1"], capture_output=True).returncode != 0:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not start; see {logs / 'postgresql.log'}")
            time.sleep(0.5)
        for statement in (
            f"CREATE ROLE prefect LOGIN PASSWORD '{PG_PASSWORD}'",
            "CREATE DATABASE prefect OWNER prefect",
        ):
            subprocess.run([*psql, "-c", statement], check=True, capture_output=True)
        yield f"postgresql://prefect:{PG_PASSWORD}@{host.address}:5432/prefect"
    finally:
        if server.poll() is None:
            server.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=20)
        shutil.rmtree(folder, ignore_errors=True)


def section_catalog(target: Path, sections: int = SECTIONS) -> list[str]:
    """The shipped catalog plus `sections` sections, each owning one monthly indicator with
    a target (scale_sNN, owned by secNN): the sections that send files in the test."""
    from kernel.settings import PACKAGE_CATALOG

    shutil.copytree(PACKAGE_CATALOG, target)
    path = target / "indicators.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = [f"sec{n:02d}" for n in range(1, sections + 1)]
    for n, section in enumerate(names, start=1):
        document["owners"].append({"id": section, "name": f"試験課{n}", "name_en": f"Test {n}"})
        document["indicators"].append(
            {
                "id": f"scale_s{n:02d}",
                "name": f"試験指標{n}",
                "name_en": f"Test indicator {n}",
                "unit": "件",
                "unit_en": "items",
                "frequency": "monthly",
                "kind": "stock",
                "direction": "higher",
                "owner": section,
                "min_value": 0,
                "initiatives": ["28"],
                "baseline": {"value": 100, "date": "2024-03-31", "source": "test"},
                "targets": [{"id": f"scale_s{n:02d}-fy2027", "value": 1000, "due": "2028-03-31"}],
            }
        )
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return names


def section_file(number: int, month: int, value: int) -> str:
    """One section's upload: its indicator's figure for a month, in two org units."""
    rows = "".join(
        f"scale_s{number:02d},2025-{month:02d},{value + extra},{unit},\n"
        for unit, extra in (("a", 0), ("b", 1))
    )
    return "indicator_id,period,value,org_unit,note\n" + rows


def drop_files(inbox: Path, sections: list[str], per_section: int, first_month: int) -> int:
    """Every section drops its files at once (a thread each), written beside the inbox and
    moved in whole; how many."""
    import threading

    def send(number: int, section: str) -> None:
        folder = inbox / section
        folder.mkdir(parents=True, exist_ok=True)
        for k in range(per_section):
            month = first_month + k
            name = f"{section}-2025-{month:02d}.csv"
            staging = inbox.parent / "staging" / name
            staging.parent.mkdir(parents=True, exist_ok=True)
            staging.write_text(section_file(number, month, 100 + 10 * month + number))
            os.replace(staging, folder / name)

    threads = [threading.Thread(target=send, args=(n, s)) for n, s in enumerate(sections, start=1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(sections) * per_section


def integrity(snapshot: Path) -> dict:
    """A published snapshot read as a replica reads it: its loads, and every load whose
    figures are not all there (a half-written load) or whose bytes were loaded twice."""
    import duckdb

    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        loads, half, doubled = con.execute(
            """
            SELECT
              (SELECT count(*) FROM load WHERE status IN ('loaded', 'partial')),
              (SELECT count(*) FROM load l WHERE l.status IN ('loaded', 'partial')
                 AND (SELECT count(*) FROM observation o WHERE o.load_id = l.id)
                     <> l.rows_accepted - coalesce(l.rows_unchanged, 0)),
              (SELECT count(*) FROM (SELECT sha256 FROM load GROUP BY sha256
                                     HAVING count(*) > 1))
            """
        ).fetchone()
    finally:
        con.close()
    return {"loads": loads, "half_written": half, "doubled": doubled}


VIEWER = ("leader", "leader-password-1")


class Cluster:
    """The whole service on hosts of a Network: PostgreSQL and the Prefect server on srv,
    `shihyo worker` on the worker hosts, dashboards reading snapshots on the replica hosts, all
    sharing one folder as SHIHYO_HOME."""

    def __init__(self, net: Network, root: Path, workers: list[str], replicas: list[str]):
        self.net = net
        self.root = root
        self.workers = workers
        self.replicas = replicas
        self.home = root / "shared"
        self.logs = root / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.api = f"http://{net['srv'].address}:4200/api"
        self.sections: list[str] = []

    def env(self, host: str, **extra: str) -> dict[str, str]:
        env = {
            **os.environ,
            "SHIHYO_HOME": str(self.home),
            "SHIHYO_CATALOG": str(self.root / "catalog"),
            "SHIHYO_WORK_POOL": POOL,
            "SHIHYO_WRITER_LIMIT": WRITER_LIMIT,
            "SHIHYO_SNAPSHOT_SECONDS": "1",
            "SHIHYO_INGEST_RUNS": str(max(1, len(self.workers))),
            "SHIHYO_CLAIM_TIMEOUT": "8",
            "SHIHYO_INBOX_SETTLE": "1",
            "SHIHYO_LOCK_TIMEOUT": "150",
            "SHIHYO_INGEST_EVERY_MINUTES": "1440",
            "SHIHYO_DELIVER_EVERY_MINUTES": "1440",
            "SHIHYO_EVALUATE_CRON": "0 7 1 1 *",
            "PREFECT_HOME": str(self.root / f"prefect-{host}"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_API_URL": self.api,
            "PYTHONPATH": str(REPO),
        }
        for name in ("PREFECT_API_AUTH_STRING", "PREFECT_SERVER_API_AUTH_STRING"):
            env.pop(name, None)  # every host reads the password from the shared home
        return {**env, **extra}

    def prepare(self) -> None:
        """The catalog with its sections, the warehouse, a first snapshot, a viewer."""
        from access.roles import SYSTEM
        from kernel.settings import load_settings
        from service import Service

        self.sections = section_catalog(self.root / "catalog")
        # Before any host runs, from this machine: no writer slot to ask for yet.
        settings = load_settings(self.env("root", SHIHYO_WRITER_LIMIT=""))
        service = Service(settings)
        service.init(SYSTEM)
        service.user_store().add(VIEWER[0], VIEWER[1], "viewer", [], service.now())

    def start_server(self, database: str) -> None:
        srv = self.net["srv"]
        env = self.env("srv", SHIHYO_PREFECT_ADDRESS=srv.address, SHIHYO_PREFECT_DB=database)
        env.pop("PREFECT_API_URL")
        srv.start([str(BIN / "shihyo"), "serve"], env, self.logs / "serve.log")
        self.wait_for_log("serve.log", "deployments registered", 240)

    def start_workers(self) -> None:
        for name in self.workers:
            host = self.net[name]
            host.start(
                [str(BIN / "shihyo"), "worker", "--api", self.api, "--name", name],
                self.env(name),
                self.logs / f"worker-{name}.log",
            )
        for name in self.workers:
            self.wait_for_log(f"worker-{name}.log", "started", 120)

    def start_replicas(self) -> list[str]:
        urls = []
        for name in self.replicas:
            host = self.net[name]
            host.start(
                [
                    str(BIN / "python"),
                    "-m",
                    "streamlit",
                    "run",
                    "app.py",
                    "--server.headless",
                    "true",
                    "--server.port",
                    "8501",
                    "--server.address",
                    host.address,
                    "--browser.gatherUsageStats",
                    "false",
                    "--server.fileWatcherType",
                    "none",
                ],
                self.env(name, SHIHYO_READ="snapshot", SHIHYO_PREFECT="never"),
                self.logs / f"replica-{name}.log",
            )
            urls.append(f"http://{host.address}:8501")
        for name in self.replicas:
            self.wait_for_log(f"replica-{name}.log", "You can now view", 120)
        return urls

    def start_probe(self, urls: list[str], tag: str, pause: float = 0) -> tuple[Path, Path]:
        """The browser on the client host reading every replica's Goals page; its log and the
        file that stops it."""
        out, stop = self.logs / f"probe-{tag}.jsonl", self.root / f"stop-{tag}"
        self.net["cl"].start(
            [
                str(BIN / "python"),
                str(REPO / "tests" / "multihost_probe.py"),
                str(out),
                str(stop),
                *VIEWER,
                *urls,
            ],
            self.env("cl", SHIHYO_PROBE_PAUSE=str(pause)),
            self.logs / f"probe-{tag}.log",
        )
        deadline = time.monotonic() + 180
        while '"ready"' not in (out.read_text() if out.exists() else ""):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the probe did not start; see {self.logs}/probe-{tag}.log")
            time.sleep(1)
        return out, stop

    def trigger_inbox(self, via: str = "cl") -> None:
        """What the schedule does every few minutes: a run of the inbox deployment."""
        from flows.orchestration import auth_string
        from kernel.settings import load_settings

        password = auth_string(load_settings(self.env(via)))  # the operator's CLI has it
        env = self.env(via, PREFECT_API_AUTH_STRING=password)
        self.net[via].run([str(BIN / "prefect"), "deployment", "run", "ingest/inbox"], env, 120)

    def wait_for_log(self, name: str, text: str, seconds: float) -> None:
        path = self.logs / name
        deadline = time.monotonic() + seconds
        while text not in (path.read_text(errors="replace") if path.exists() else ""):
            if time.monotonic() > deadline:
                tail = path.read_text(errors="replace")[-3000:] if path.exists() else ""
                raise RuntimeError(f"{name}: no {text!r} within {seconds:.0f} s\n{tail}")
            time.sleep(0.5)

    def archived(self) -> int:
        archive = self.home / "archive"
        return len([p for p in archive.iterdir() if len(p.name) == 64]) if archive.exists() else 0

    def waiting(self) -> list[Path]:
        return files_under(self.home / "inbox")

    def wait_archived(self, count: int, seconds: float) -> float:
        """Wait until `count` files are archived; the seconds it took."""
        started = time.monotonic()
        while self.archived() < count:
            if time.monotonic() - started > seconds:
                raise TimeoutError(
                    f"{self.archived()} of {count} files archived after {seconds:.0f} s; "
                    f"{len(self.waiting())} in the inbox; logs in {self.logs}"
                )
            time.sleep(0.5)
        return time.monotonic() - started

    def current_snapshot(self) -> Path | None:
        from warehouse.snapshots import current

        found = current(self.home / "snapshots")
        return found.path if found else None

    def waiting_in_inbox(self) -> list[Path]:
        """Files still in the inbox, not yet claimed (claimed ones lie under .processing)."""
        return files_under(self.home / "inbox", hidden=False)
