"""The inbox, read as a place other people write to: nothing in it is followed (a link, a
named pipe or a file with another name elsewhere is refused unread), and each file is
claimed by one run at a time, so that two runs share the work and a run that died gives
its claims back.

A run claims a file by renaming it (one atomic step on one file system) into its own folder
`inbox/.processing/<run>/<n>/<where it lay>`; another run that wanted the same file finds it
gone and takes the next. A live run touches `inbox/.processing/<run>/.alive` every quarter
of SHIHYO_CLAIM_TIMEOUT; a run whose sign of life is older than that is dead (killed, or its
host lost), and the next run to look — on this host or another that shares the inbox — gives
its claims back to the inbox, except those a load record already names (`inbox_claim`),
whose file was dealt with before the run died, and which are removed. A run looks when it
starts and, while it lasts, at most every quarter of the timeout; it scans the inbox again
and again until a scan finds nothing left to take, so that the files given back, and those
that settled meanwhile, are taken too. A run's name says its host and process. Ages are
measured by the clock of the file system that holds the inbox (`filesystem_now`), so that
hosts whose clocks differ agree on what is settled and what is dead."""

from __future__ import annotations

import errno
import os
import secrets
import socket
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from kernel.errors import BilingualError
from kernel.names import numbered

CLAIMS = ".processing"  # hidden, so that no scan of the inbox takes it for a file
ALIVE = ".alive"
UNFINISHED = (".part", ".tmp", ".crdownload")  # a file still being copied
HANDOVER = 0.05  # seconds: five polls of a run waiting on the load lock (LOCK_POLL)
_DIR = os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = os.O_NOFOLLOW
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)


class InboxRefused(BilingualError):
    """An inbox entry that is not a plain file of its own: refused without reading it."""

    def __init__(self, rule: str, message_ja: str, message_en: str) -> None:
        super().__init__(message_ja, message_en)
        self.rule = rule


class ClaimLost(RuntimeError):
    """The claimed file is no longer there (given back by another run meanwhile)."""


def _link() -> InboxRefused:
    return InboxRefused(
        "inbox_link",
        "受信箱のシンボリックリンクです。リンク先は読みません：ファイルそのものを置いてください",
        "a symbolic link in the inbox: links are not followed; put the file itself there",
    )


def _link_folder() -> InboxRefused:
    return InboxRefused(
        "inbox_link",
        "受信箱のフォルダがシンボリックリンクです。リンク先は読みません",
        "a folder of the inbox is a symbolic link: links are not followed",
    )


def _special() -> InboxRefused:
    return InboxRefused(
        "inbox_special",
        "通常のファイルではありません（名前付きパイプ、デバイスなど）。読まずに退けました",
        "not a regular file (a named pipe, a device …): refused unread",
    )


def _hard_link() -> InboxRefused:
    return InboxRefused(
        "inbox_hard_link",
        "受信箱の外にも名前があるファイル（ハードリンク）です。コピーして置いてください",
        "the file has another name outside the inbox (a hard link): copy it in instead",
    )


def _changed() -> InboxRefused:
    return InboxRefused(
        "inbox_changed",
        "開く間にファイルが差し替えられました。読まずに退けました",
        "the file was swapped for another while it was being opened: refused unread",
    )


def _outside() -> InboxRefused:
    return InboxRefused(
        "inbox_outside",
        "受信箱の外を指すファイルです。読まずに退けました",
        "the file resolves outside the inbox: refused unread",
    )


@dataclass(frozen=True)
class Origin:
    """Where an inbox file lies: the inbox folder, where it lay in it (a section's folder
    and its name), and the claim (`<run>/<n>`) under which a run holds it, if any."""

    root: Path
    relative: PurePosixPath
    claim: str | None = None

    @property
    def parts(self) -> tuple[str, ...]:
        """The path from the inbox folder to the file as it lies now."""
        if self.claim is None:
            return self.relative.parts
        return (CLAIMS, *self.claim.split("/"), *self.relative.parts)

    @property
    def folders(self) -> tuple[str, ...]:
        """The inbox folders the file lay in (the first names the sending section)."""
        return self.relative.parts[:-1]


def origin_of(path: Path, inbox: Path) -> Origin | None:
    """Where `path` lies in an inbox: claimed by a run (below some inbox's `.processing`),
    or in `inbox` itself; None for a file elsewhere. Read from the names, no link followed."""
    parts = Path(os.path.abspath(path)).parts
    if CLAIMS in parts[:-1]:
        at = parts.index(CLAIMS)
        rest = parts[at + 3 :]
        if len(parts) > at + 3 and rest:
            root = Path(*parts[:at])
            return Origin(root, PurePosixPath(*rest), f"{parts[at + 1]}/{parts[at + 2]}")
    root = Path(os.path.abspath(inbox))
    try:
        relative = Path(*parts).relative_to(root)
    except ValueError:
        return None
    return Origin(root, PurePosixPath(*relative.parts)) if relative.parts else None


# ── folders walked without following a link ───────────────────────────────────


@contextmanager
def open_folder(root: Path, parts: tuple[str, ...], create: bool = False) -> Iterator[int]:
    """A descriptor of the folder `root/parts…`, each step opened without following a link
    (a link on the way is refused); with `create`, missing folders are made (mode 700)."""
    fd = os.open(root, _DIR)
    try:
        for part in parts:
            if create:
                with suppress(FileExistsError):
                    os.mkdir(part, 0o700, dir_fd=fd)
            try:
                step = os.open(part, _DIR | _NOFOLLOW, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise _link_folder() from exc
                if exc.errno == errno.ENOENT:
                    raise ClaimLost(part) from exc
                raise
            os.close(fd)
            fd = step
        yield fd
    finally:
        os.close(fd)


def _entries(fd: int, prefix: PurePosixPath) -> Iterator[tuple[PurePosixPath, os.stat_result]]:
    """Every entry below the folder `fd` that is not a folder — files, links, pipes … —
    with its own status (lstat); hidden names and links to folders are not entered."""
    with os.scandir(fd) as found:
        names = sorted(entry.name for entry in found)
    for name in names:
        if name.startswith("."):
            continue
        try:
            status = os.stat(name, dir_fd=fd, follow_symlinks=False)
        except FileNotFoundError:
            continue  # taken meanwhile
        if not stat.S_ISDIR(status.st_mode):
            yield prefix / name, status
            continue
        try:
            sub = os.open(name, _DIR | _NOFOLLOW, dir_fd=fd)
        except OSError:
            continue  # swapped for a link or removed meanwhile: the next scan sees it
        try:
            yield from _entries(sub, prefix / name)
        finally:
            os.close(sub)


def filesystem_now(folder: Path) -> float:
    """The time by the clock that stamps files in `folder`: the modification time of a probe
    written there. File ages are measured against it, not against this process's clock,
    which may differ (a shared folder's server, a clock shifted for a test)."""
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".clock-probe-") as probe:
        return os.fstat(probe.fileno()).st_mtime


def inbox_files(inbox: Path, settle_seconds: float, now: float | None = None) -> list[Path]:
    """Entries waiting in the inbox (sub-folders included), oldest first: files, and the
    links and special files that a load will refuse. Hidden, partial and still-changing
    entries are left for the next run; no link is followed. `now` is the file system's
    time; by default it is read from the inbox itself."""
    if not inbox.is_dir():
        return []
    cutoff = (now if now is not None else filesystem_now(inbox)) - settle_seconds
    with open_folder(inbox, ()) as fd:
        found = [
            (status.st_mtime, relative.name, inbox.joinpath(*relative.parts))
            for relative, status in _entries(fd, PurePosixPath())
            if relative.suffix.lower() not in UNFINISHED and status.st_mtime <= cutoff
        ]
    return [path for _, _, path in sorted(found)]


# ── opening and removing one inbox file ───────────────────────────────────────


def open_inbox_file(origin: Origin) -> BinaryIO:
    """The file at `origin`, open for reading, when it is a plain file of its own inside the
    inbox; InboxRefused (nothing read) for a link, a special file, a file with another name
    (hard link), one swapped while being opened, or one outside the inbox; ClaimLost when
    it is gone."""
    *folders, name = origin.parts
    with open_folder(origin.root, tuple(folders)) as folder:
        try:
            before = os.stat(name, dir_fd=folder, follow_symlinks=False)
        except FileNotFoundError as exc:
            raise ClaimLost(name) from exc
        _refuse_unless_plain(before)
        try:
            fd = os.open(name, _FILE, dir_fd=folder)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise _link() from exc  # swapped for a link since the look
            if exc.errno == errno.ENOENT:
                raise ClaimLost(name) from exc
            raise
    try:
        opened = os.fstat(fd)
        _refuse_unless_plain(opened)
        if (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
            raise _changed()
        if opened.st_nlink > 1:
            raise _hard_link()
        _refuse_unless_inside(fd, origin.root)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _refuse_unless_plain(status: os.stat_result) -> None:
    if stat.S_ISLNK(status.st_mode):
        raise _link()
    if not stat.S_ISREG(status.st_mode):
        raise _special()


def _refuse_unless_inside(fd: int, root: Path) -> None:
    """Where the kernel says the open file lies must be inside the inbox (Linux's /proc)."""
    try:
        where = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return  # no /proc here: the walk without links has already kept inside
    inside = os.path.realpath(root)
    if os.path.commonpath([inside, where]) != inside:
        raise _outside()


def remove_inbox_file(origin: Origin) -> None:
    """Take the entry at `origin` out of the inbox (a link itself, never what it points at)."""
    *folders, name = origin.parts
    with suppress(ClaimLost, FileNotFoundError), open_folder(origin.root, tuple(folders)) as fd:
        os.unlink(name, dir_fd=fd)


# ── claims ────────────────────────────────────────────────────────────────────


def _alive(folder: int) -> float | None:
    """When the run whose folder is `folder` last gave a sign of life."""
    for name in (ALIVE, "."):
        with suppress(FileNotFoundError):
            return os.stat(name, dir_fd=folder, follow_symlinks=False).st_mtime
    return None


def _give_back(root: Path, run: str, recorded: Callable[[str], bool]) -> tuple[int, int]:
    """Give the claims of run folder `run` back to the inbox, or remove those a load record
    names; then remove the run's folders. (given back, removed)."""
    given = removed = 0
    with suppress(ClaimLost, InboxRefused), open_folder(root, (CLAIMS, run)) as folder:
        with os.scandir(folder) as found:
            numbers = sorted(e.name for e in found if not e.name.startswith("."))
        for number in numbers:
            claim = f"{run}/{number}"
            with open_folder(root, (CLAIMS, run, number)) as held:
                entries = [relative for relative, _ in _entries(held, PurePosixPath())]
            done = bool(entries) and recorded(claim)
            for relative in entries:
                origin = Origin(root, relative, claim)
                if done:
                    remove_inbox_file(origin)
                    removed += 1
                elif _return(origin):
                    given += 1
    _remove_folders(root, (CLAIMS, run))
    return given, removed


def _return(origin: Origin) -> bool:
    """Move a claimed entry back to where it lay, under a free name; False if it is gone."""
    *folders, name = origin.parts
    relative = origin.relative
    try:
        with (
            open_folder(origin.root, tuple(folders)) as source,
            open_folder(origin.root, relative.parts[:-1], create=True) as target,
        ):
            free, n = relative.name, 1
            while _exists(free, target):
                n += 1
                free = numbered(relative.name, n)
            os.rename(name, free, src_dir_fd=source, dst_dir_fd=target)
    except (ClaimLost, FileNotFoundError):
        return False
    return True


def _exists(name: str, folder: int) -> bool:
    try:
        os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True


def _remove_folders(root: Path, parts: tuple[str, ...]) -> None:
    """Remove the empty folders at and below `root/parts…`, deepest first; anything left in
    them (a file) keeps its folders."""
    with suppress(ClaimLost, InboxRefused, OSError), open_folder(root, parts) as fd:
        with os.scandir(fd) as found:
            names = [e.name for e in found if e.is_dir(follow_symlinks=False)]
        for name in names:
            _remove_folders(root, (*parts, name))
        with suppress(FileNotFoundError):
            os.unlink(ALIVE, dir_fd=fd)
    with suppress(OSError), open_folder(root, parts[:-1]) as parent:
        os.rmdir(parts[-1], dir_fd=parent)


def give_back_stale(
    root: Path, timeout: float, recorded: Callable[[str], bool], keep: str | None = None
) -> tuple[int, int]:
    """Give back the claims of every run (but `keep`) with no sign of life for `timeout`
    seconds by the file system's clock; (files given back, files removed as dealt with)."""
    claims = root / CLAIMS
    if not claims.is_dir():
        return 0, 0
    now = filesystem_now(root)
    given = removed = 0
    with open_folder(root, (CLAIMS,)) as fd:
        with os.scandir(fd) as found:
            runs = [e.name for e in found if e.is_dir(follow_symlinks=False) and e.name != keep]
        stale = []
        for run in runs:
            with suppress(ClaimLost, InboxRefused), open_folder(root, (CLAIMS, run)) as folder:
                seen = _alive(folder)
                if seen is not None and now - seen > timeout:
                    stale.append(run)
    for run in stale:
        back, gone = _give_back(root, run, recorded)
        given, removed = given + back, removed + gone
    return given, removed


class InboxRun:
    """One run over an inbox: its claims, renewed while it lives, given back when it ends.
    Use as a context manager; `claims()` claims the waiting files one at a time."""

    def __init__(
        self, root: Path, settle: float, timeout: float, recorded: Callable[[str], bool]
    ) -> None:
        self.root = root
        self.settle = settle
        self.timeout = timeout
        self.recorded = recorded
        self.id = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(4)}"
        self.given_back = (0, 0)  # stale claims of dead runs: (given back, removed)
        self._count = 0
        self._looked = 0.0  # time.monotonic() of the last look for dead runs' claims
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def __enter__(self) -> InboxRun:
        if not self.root.is_dir():
            return self
        for attempt in range(5):
            try:
                with open_folder(self.root, (CLAIMS, self.id), create=True) as folder:
                    flags = os.O_WRONLY | os.O_CREAT | _NOFOLLOW
                    os.close(os.open(ALIVE, flags, 0o600, dir_fd=folder))
                break
            except ClaimLost:  # another run removed an empty .processing just then
                if attempt == 4:
                    raise
        self._give_back_stale()
        self._beat = threading.Thread(target=self._heartbeat, name="inbox-claims", daemon=True)
        self._beat.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join()
        if (self.root / CLAIMS / self.id).is_dir():
            _give_back(self.root, self.id, self.recorded)
        with suppress(OSError):  # the last run out leaves the inbox as it found it
            (self.root / CLAIMS).rmdir()

    def _heartbeat(self) -> None:
        interval = max(self.timeout / 4, 0.05)
        while not self._stop.wait(interval):
            with (
                suppress(OSError, ClaimLost, InboxRefused),
                open_folder(self.root, (CLAIMS, self.id)) as folder,
            ):
                os.utime(ALIVE, dir_fd=folder, follow_symlinks=False)

    def claim(self, path: Path) -> Path | None:
        """Take `path` (an entry of the inbox) for this run: the path it lies at now, or None
        when another run took it first."""
        relative = PurePosixPath(*path.relative_to(self.root).parts)
        self._count += 1
        claim = (CLAIMS, self.id, str(self._count))
        try:
            with (
                open_folder(self.root, relative.parts[:-1]) as source,
                open_folder(self.root, (*claim, *relative.parts[:-1]), create=True) as target,
            ):
                os.rename(relative.name, relative.name, src_dir_fd=source, dst_dir_fd=target)
        except (FileNotFoundError, ClaimLost, InboxRefused):
            return None  # another run's now, or a folder swapped for a link (seen next scan)
        return self.root.joinpath(*claim, *relative.parts)

    def claims(self) -> Iterator[Path]:
        """The settled entries of the inbox, each claimed just before it is handed out, scan
        after scan until one finds nothing left to take (the files other runs took are
        skipped; those given back by a dead run, or settled meanwhile, are taken). Between
        two files the run pauses for a moment (HANDOVER), so that another run waiting on the
        load lock gets its turn instead of this one taking it straight back; and it looks
        for dead runs' claims every quarter of the timeout."""
        handed = 0
        while True:
            taken = back = 0
            for path in inbox_files(self.root, self.settle):
                if handed:
                    time.sleep(HANDOVER)
                back += self._give_back_due()
                claimed = self.claim(path)
                if claimed is not None:
                    taken += 1
                    handed += 1
                    yield claimed
            if not taken and not back and not self._give_back_due():
                return

    def _give_back_due(self) -> int:
        """Look for dead runs' claims if a quarter of the timeout has passed since the last
        look; the files given back to the inbox (to be taken by the next scan)."""
        if time.monotonic() - self._looked < self.timeout / 4:
            return 0
        return self._give_back_stale()

    def _give_back_stale(self) -> int:
        self._looked = time.monotonic()
        back, gone = give_back_stale(self.root, self.timeout, self.recorded, keep=self.id)
        self.given_back = (self.given_back[0] + back, self.given_back[1] + gone)
        return back
