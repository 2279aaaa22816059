"""Inbox claims: which run loads which file, when several runs (on several hosts) drain one
shared inbox, and what happens to a file whose run died.

A run claims a settled file by renaming it into a folder of its own,
`inbox/.processing/<run>/<its path in the inbox>`: a rename is atomic, so of two runs
reaching for one file exactly one gets it; the path inside the folder keeps the section
folder the file acts for. The run keeps `<run>/.lease` fresh (touched every few seconds by a
thread) while it holds the folder. A folder whose lease has not been touched for
SHIHYO_CLAIM_STALE seconds belongs to a run that died (a host lost mid-load, kill -9): the
next run takes it over by renaming the whole folder to one of its own (again, one winner)
and loads what is in it as *recovered*: if the warehouse already holds a load of the same
bytes, the dead run committed it and died before taking the file away, so the file is only
archived (nothing doubled); if not, the dead run's transaction never committed (DuckDB
rolled it back), so the file is loaded now (nothing lost).

Ages are measured by the clock of the file system that holds the inbox (`filesystem_now`),
not this host's, so that hosts whose clocks differ agree on what is stale."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from pipeline.loading import filesystem_now

PROCESSING = ".processing"
LEASE = ".lease"


@dataclass(frozen=True)
class Claim:
    """A file this run holds: where it lies now, where it lay in the inbox, and whether it
    was taken over from a run that died."""

    path: Path
    origin: Path
    recovered: bool = False


def _touch(path: Path) -> None:
    path.touch(exist_ok=True)
    os.utime(path)


class Claimer:
    """The claims of one run `run_id` on `inbox`; a context manager that keeps the lease
    fresh and gives the folder up (empty) at the end."""

    def __init__(
        self,
        inbox: Path,
        run_id: str | None = None,
        stale_after: float = 60.0,
        settle_seconds: float = 2.0,
    ) -> None:
        self.inbox = inbox
        self.run_id = run_id or uuid.uuid4().hex
        self.stale_after = stale_after
        self.settle_seconds = settle_seconds
        self.folder = inbox / PROCESSING / self.run_id
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None
        self._recovered: list[Path] = []

    def __enter__(self) -> Claimer:
        for attempt in range(5):  # the last run out may remove .processing just then
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                _touch(self.folder / LEASE)
                break
            except FileNotFoundError:
                if attempt == 4:
                    raise
        self._beat = threading.Thread(target=self._renew, daemon=True, name="claim-lease")
        self._beat.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=5)
        left = [p for p in self.folder.rglob("*") if p.is_file() and p.name != LEASE]
        if not left:  # a file still here (a load that failed) waits for a takeover
            _remove_tree(self.folder)
            with suppress(OSError):  # the last run out leaves no trace in the inbox
                self.folder.parent.rmdir()

    def _renew(self) -> None:
        interval = max(0.5, self.stale_after / 6)
        while not self._stop.wait(interval):
            with suppress(OSError):
                _touch(self.folder / LEASE)

    def claims(self) -> Iterator[Claim]:
        """Claim files one at a time, as the caller asks for the next: first those of dead
        runs, then the settled files waiting in the inbox, oldest first; stops when none is
        left to take."""
        while True:
            claim = self._take_over() or self._claim_waiting()
            if claim is None:
                return
            yield claim

    # ── what died with its run ────────────────────────────────────────────────

    def _take_over(self) -> Claim | None:
        if not self._recovered:
            self._recovered = self._stale_files()
        while self._recovered:
            path = self._recovered.pop(0)
            if path.exists():
                relative = path.relative_to(self.folder)
                return Claim(path, self.inbox / relative, recovered=True)
        return None

    def _stale_files(self) -> list[Path]:
        """Move the folders of dead runs into ours; the files they held."""
        root = self.inbox / PROCESSING
        if not root.is_dir():
            return []
        now = filesystem_now(root)
        moved: list[Path] = []
        for other in root.iterdir():
            if other == self.folder or not other.is_dir():
                continue
            lease = other / LEASE
            try:
                touched = lease.stat().st_mtime if lease.exists() else other.stat().st_mtime
            except FileNotFoundError:
                continue  # its run finished meanwhile
            if now - touched < self.stale_after:
                continue
            adopted = self.folder / f".adopted-{other.name}"
            try:
                other.rename(adopted)  # one run wins the takeover
            except OSError:
                continue
            for path in sorted(p for p in adopted.rglob("*") if p.is_file() and p.name != LEASE):
                # where it lay in the inbox, also if the dead run had itself adopted it
                where = [x for x in path.relative_to(adopted).parts if not x.startswith(".")]
                target = self.folder.joinpath(*where)
                target.parent.mkdir(parents=True, exist_ok=True)
                path.rename(target)
                moved.append(target)
            _remove_tree(adopted)
        return moved

    # ── what waits in the inbox ───────────────────────────────────────────────

    def _claim_waiting(self) -> Claim | None:
        for path in waiting_files(self.inbox, self.settle_seconds):
            relative = path.relative_to(self.inbox)
            target = self.folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                path.rename(target)  # atomic: another run that renamed it first wins
            except FileNotFoundError:
                continue
            return Claim(target, path)
        return None


def waiting_files(inbox: Path, settle_seconds: float) -> list[Path]:
    """The settled files in the inbox, oldest first, as `inbox_files` finds them, but robust
    to files that other runs claim while we look."""
    if not inbox.is_dir():
        return []
    cutoff = filesystem_now(inbox) - settle_seconds
    found: list[tuple[float, str, Path]] = []
    for path in inbox.rglob("*"):
        relative = path.relative_to(inbox)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.suffix.lower() in (".part", ".tmp", ".crdownload"):
            continue
        try:
            if not path.is_file():
                continue
            mtime = path.stat().st_mtime
        except FileNotFoundError:
            continue
        if mtime <= cutoff:
            found.append((mtime, path.name, path))
    return [path for *_key, path in sorted(found)]


def _remove_tree(folder: Path) -> None:
    """Remove `folder` and what is left in it (empty folders, the lease)."""
    if not folder.exists():
        return
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        with suppress(OSError):
            path.rmdir() if path.is_dir() else path.unlink()
    with suppress(OSError):
        folder.rmdir()
