"""The on-disk spool: a write-ahead log, per run and per sending process, of the exact Kafka
messages the sender produces, so that nothing is lost while Kafka is unreachable and a later
process (``runlens sync``) can send what a dead one left.

Layout under the root (``RUNLENS_SPOOL_DIR``, default ``~/.runlens/spool``)::

    <project>/<run id>/<producer id>/meta.json      topic, key, brokers or gateway URL (written once, fsynced; never the token)
                                     lock           flock'd by the live process; holds its pid
                                     000000000001.seg ...

A segment is a sequence of records: 4-byte big-endian length, 4-byte CRC-32 of the value, the
value (the Kafka message value, byte for byte, identity included, so a re-send is identical).
Segments are numbered in write order; a reader stops at a torn or corrupt tail (a write that a
crash cut short). Only the sender's background thread writes here; this module never talks to
Kafka and never decides when to fsync (the sender calls ``sync()`` once per cycle).
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import struct
import time
import zlib
from pathlib import Path
from typing import Iterator, List, Optional, Tuple
from urllib.parse import quote, unquote

from .errors import SpoolFullError

HEADER = struct.Struct(">II")
SEGMENT_BYTES = 8 * 1024 * 1024
DEFAULT_MAX_BYTES = 1024**3
# Past the bound, a run's RunStarted and RunFinished (small, and what makes a run a run rather
# than a crash) may still use this much more, so that a full spool does not cost a run its end.
RESERVE_BYTES = 1024**2


def default_root() -> Path:
    return Path.home() / ".runlens" / "spool"


def _name(text: str) -> str:
    """A path component for any project or run id (no separators, no dot names)."""
    return quote(text, safe="-_.=+@,") if text not in (".", "..") else quote(text, safe="").replace(".", "%2E")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Budget:
    """Bytes this process holds on disk across its runs' spools, against the bound."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.used = 0


class Record:
    __slots__ = ("number", "segment", "offset", "length", "value", "acked")

    def __init__(self, number: int, segment: "Segment", offset: int, length: int, value: Optional[bytes]) -> None:
        self.number = number
        self.segment = segment
        self.offset = offset
        self.length = length
        self.value = value  # kept in memory while it waits to be produced, when memory allows
        self.acked = False

    def read(self) -> bytes:
        if self.value is not None:
            return self.value
        with open(self.segment.path, "rb") as f:
            f.seek(self.offset + HEADER.size)
            return f.read(self.length)


class Segment:
    __slots__ = ("path", "fd", "size", "count", "acked", "dirty")

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: Optional[int] = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self.size = 0
        self.count = 0
        self.acked = 0
        self.dirty = False


class RunSpool:
    """One live process's spool of one run: appends records, knows which Kafka acknowledged,
    deletes segments once all their records are, holds the directory's lock while open."""

    def __init__(self, root: Path, project: str, run_id: str, producer_id: str, topic: str, brokers: str, budget: Budget, gateway: Optional[str] = None) -> None:
        self.project = project
        self.run_id = run_id
        self.dir = Path(root) / _name(project) / _name(run_id) / producer_id
        self.budget = budget
        self.dir.mkdir(parents=True, exist_ok=True)
        self._lock_fd = os.open(self.dir / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(self._lock_fd, f"{os.getpid()}\n".encode())
        meta = {"project": project, "runId": run_id, "producerId": producer_id, "topic": topic, "key": run_id, "brokers": brokers, "created": int(time.time() * 1000)}
        if gateway:
            meta["gateway"] = gateway
        tmp = self.dir / "meta.json.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(meta, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.dir / "meta.json")
        self._dir_dirty = True
        self.segments: List[Segment] = []
        self._numbered = 0
        self._records = 0
        self.unacked = 0

    def append(self, value: bytes, keep_in_memory: bool = True, reserve: int = 0) -> Record:
        """Writes one message (not yet fsynced: ``sync()``); SpoolFullError past the bound (plus
        ``reserve`` bytes: the sender lets a run's start and end use a little more, see
        RESERVE_BYTES)."""
        need = HEADER.size + len(value)
        if self.budget.used + need > self.budget.max_bytes + reserve:
            raise SpoolFullError(
                f"the runlens spool is full: {self.budget.used:,} bytes held of the {self.budget.max_bytes:,} allowed "
                f"(RUNLENS_SPOOL_MAX_BYTES) while Kafka (or the gateway) does not acknowledge; the points of this call were NOT "
                f"logged (nothing spooled is dropped: it stays in {self.dir}). Bring Kafka or the gateway back, raise the bound, or stop the run."
            )
        seg = self.segments[-1] if self.segments and self.segments[-1].fd is not None else None
        if seg is None or seg.size >= SEGMENT_BYTES:
            if seg is not None:
                self._close_segment(seg)
            self._numbered += 1
            seg = Segment(self.dir / f"{self._numbered:012d}.seg")
            self.segments.append(seg)
            self._dir_dirty = True
        offset = seg.size
        os.write(seg.fd, HEADER.pack(len(value), zlib.crc32(value)) + value)  # type: ignore[arg-type]
        seg.size += need
        seg.count += 1
        seg.dirty = True
        self.budget.used += need
        self._records += 1
        self.unacked += 1
        return Record(self._records, seg, offset, len(value), value if keep_in_memory else None)

    def sync(self) -> None:
        """fsyncs what was appended since the last call (the segment, and the directory when a
        file appeared in it)."""
        for seg in self.segments:
            if seg.dirty and seg.fd is not None:
                os.fsync(seg.fd)
                seg.dirty = False
        if self._dir_dirty:
            _fsync_dir(self.dir)
            self._dir_dirty = False

    def acked(self, record: Record) -> None:
        if record.acked:
            return
        record.acked = True
        record.value = None
        self.unacked -= 1
        record.segment.acked += 1

    def tidy(self) -> None:
        """Deletes every segment whose records Kafka all acknowledged (the open one too: the next
        append starts a new file), so a later ``runlens sync`` re-sends as little as possible."""
        keep = []
        for seg in self.segments:
            if seg.count > 0 and seg.acked == seg.count:
                self._close_segment(seg)
                os.unlink(seg.path)
                self.budget.used -= seg.size
            else:
                keep.append(seg)
        self.segments = keep

    def close(self) -> bool:
        """Releases the lock; deletes the directory when nothing is left unacknowledged.
        Returns True when it was deleted."""
        self.tidy()
        for seg in self.segments:
            self._close_segment(seg)
        empty = self.unacked == 0
        if empty:
            shutil.rmtree(self.dir, ignore_errors=True)
            _remove_empty_parents(self.dir.parent, levels=2)
        os.close(self._lock_fd)
        return empty

    def _close_segment(self, seg: Segment) -> None:
        if seg.fd is not None:
            if seg.dirty:
                os.fsync(seg.fd)
                seg.dirty = False
            os.close(seg.fd)
            seg.fd = None


def _remove_empty_parents(path: Path, levels: int) -> None:
    for _ in range(levels):
        try:
            path.rmdir()
        except OSError:
            return
        path = path.parent


# -- reading a spool a dead process left (runlens sync) ---------------------------------------


def read_segment(path: Path) -> Tuple[List[bytes], int]:
    """The records of a segment, in order, and the number of bytes of a torn tail (0 when whole)."""
    data = path.read_bytes()
    values: List[bytes] = []
    pos = 0
    while pos + HEADER.size <= len(data):
        length, crc = HEADER.unpack_from(data, pos)
        end = pos + HEADER.size + length
        if end > len(data):
            break
        value = data[pos + HEADER.size : end]
        if zlib.crc32(value) != crc:
            break
        values.append(value)
        pos = end
    return values, len(data) - pos


class LeftSpool:
    """A spool directory as ``runlens sync`` finds it; ``lock()`` fails while its process lives."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        self._lock_fd: Optional[int] = None

    def lock(self) -> bool:
        fd = os.open(self.dir / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._lock_fd = fd
        return True

    def holder(self) -> str:
        try:
            return (self.dir / "lock").read_text().strip() or "?"
        except OSError:
            return "?"

    def segments(self) -> List[Path]:
        return sorted(self.dir.glob("*.seg"))

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        _remove_empty_parents(self.dir.parent, levels=2)
        self.release()

    def release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


def left_spools(root: Path) -> Iterator[LeftSpool]:
    """Every spool directory under the root, oldest first."""
    found = []
    for meta in Path(root).glob("*/*/*/meta.json"):
        try:
            found.append(LeftSpool(meta.parent))
        except (OSError, ValueError):
            continue
    found.sort(key=lambda s: (s.meta.get("created", 0), str(s.dir)))
    return iter(found)


def run_label(spool: LeftSpool) -> str:
    return f"{spool.meta.get('project', unquote(spool.dir.parent.parent.name))}/{spool.meta.get('runId', unquote(spool.dir.parent.name))}"
