"""The sync file carried on a USB stick: every operation this laptop holds, in one file.

Format (gzip-compressed JSON lines): a header ``{"format": "posko-sync", "version": 1, ...}``,
one operation per line (``operations.Op.to_wire``), and a trailer with the number of operations
and the SHA-256 of their lines. The file is written to a temporary name and renamed, so a
full or pulled-out stick never leaves half a file under the real name. On import the whole
file is read and checked before anything is applied: a truncated, damaged or foreign file is
refused with nothing applied. Operations already held are skipped, so importing the same
file twice, or files that overlap, changes nothing.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from shelter_app import __version__
from shelter_app.domain.errors import RuleViolation
from shelter_app.files import stream_atomically
from shelter_app.history import clock, records
from shelter_app.history.operations import Op, expand
from shelter_app.i18n import _
from shelter_app.services import audit
from shelter_app.services import database as operation
from shelter_app.services.access import requires
from shelter_app.storage import backup_files, lock
from shelter_app.storage.models import Change, database, utc_now
from shelter_app.sync import merge

FORMAT = "posko-sync"
VERSION = 1
SUFFIX = ".posko-sync"
BATCH = 2000
# Bounded reading: an operation is a few kB (an operation setting at most 20,000 characters),
# so a longer line, or more unpacked data than any operation's history, is a damaged file.
LINE_LIMIT = 1024 * 1024
UNPACKED_LIMIT = 8 * 1024**3


@dataclass(frozen=True)
class Exported:
    path: Path
    operations: int


@dataclass(frozen=True)
class Imported:
    operations: int  # in the file
    new: int  # applied now (the rest were held already)
    node: str  # the laptop that wrote the file
    quarantined: int = 0  # broke a rule: kept aside (``sync quarantine``), not applied
    backup: Path | None = None  # the copy taken before
    refused: list = field(default_factory=list)  # merge.account_claims.Refused: not applied


def default_name(day: datetime.date | None = None) -> str:
    return f"posko-{clock.node_id()[:8]}-{(day or datetime.date.today()).isoformat()}{SUFFIX}"


@requires("sync.run")
def export(target: Path | str) -> Exported:
    """Write every operation held here to ``target``; an OSError when the folder refuses. The
    audit trail's entry for the file (how many persons it carries, where to) travels in it;
    a file not written leaves no entry."""
    with records.transaction():
        audit.record("sync_file", persons=operation.counts()["person"], target=str(target))
        return _export(target)


def _export(target: Path | str) -> Exported:
    target = Path(target)
    node = clock.node_id()
    count = 0

    def write(handle) -> None:
        nonlocal count
        digest = hashlib.sha256()
        with gzip.GzipFile(fileobj=handle, mode="wb", compresslevel=5, mtime=0) as packed:
            header = {
                "format": FORMAT,
                "version": VERSION,
                "node": node,
                "app": __version__,
                "made_at": utc_now().isoformat(),
            }
            packed.write(json.dumps(header).encode() + b"\n")
            for op in expand(Change.select().order_by(Change.seq).iterator()):
                line = json.dumps(op.to_wire(), ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
                digest.update(line)
                packed.write(line)
                count += 1
            packed.write(json.dumps({"end": True, "ops": count, "sha256": digest.hexdigest()}).encode() + b"\n")

    stream_atomically(target, write)
    return Exported(target, count)


def _refusals(source: Path) -> tuple[RuleViolation, RuleViolation]:
    damaged = RuleViolation(
        "file",
        _(
            "The file {name} is damaged or incomplete (perhaps the USB stick was pulled out while it was "
            "written). Nothing was imported; export it again on the other laptop.",
            name=source.name,
        ),
    )
    foreign = RuleViolation(
        "file",
        _(
            "The file {name} is not a Posko sync file. Nothing was imported; choose the file that ends in {suffix}.",
            name=source.name,
            suffix=SUFFIX,
        ),
    )
    return damaged, foreign


def _lines(source: Path) -> Iterator[bytes]:
    """The file's lines, read piece by piece (a sync file can be larger than the memory)."""
    damaged, foreign = _refusals(source)
    try:
        with open(source, "rb") as raw:
            if raw.read(2) != b"\x1f\x8b":
                raise foreign
            raw.seek(0)
            with gzip.GzipFile(fileobj=raw) as unpacked:
                total = 0
                while True:
                    line = unpacked.readline(LINE_LIMIT + 1)
                    if not line:
                        break
                    total += len(line)
                    if len(line) > LINE_LIMIT or total > UNPACKED_LIMIT:
                        raise damaged
                    if line.strip():
                        yield line if line.endswith(b"\n") else line + b"\n"
    except FileNotFoundError:
        raise RuleViolation("file", _("There is no file {path}.", path=str(source))) from None
    except (EOFError, OSError, zlib.error):
        raise damaged from None


def _parts(source: Path, check: bool) -> Iterator[tuple[str, object]]:
    """("header", dict), then ("op", Op) for each operation, then ("end", count). With ``check``
    the trailer's count and SHA-256 are verified; a RuleViolation says what is wrong."""
    damaged, foreign = _refusals(source)
    lines = _lines(source)
    try:
        header = json.loads(next(lines))
    except (StopIteration, ValueError, RecursionError):
        raise foreign from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise foreign
    if header.get("version") != VERSION:
        raise RuleViolation(
            "file",
            _(
                "The file {name} was written by a newer version of Posko. Nothing was imported; install the "
                "newer version on this laptop.",
                name=source.name,
            ),
        )
    yield "header", header
    digest, count, pending = hashlib.sha256(), 0, None
    for line in lines:
        if pending is not None:
            digest.update(pending)
            count += 1
            try:
                yield "op", Op.from_wire(json.loads(pending))
            except (ValueError, RecursionError):
                raise damaged from None
        pending = line
    try:
        trailer = json.loads(pending) if pending is not None else None
    except (ValueError, RecursionError):
        raise damaged from None
    if check and (
        not isinstance(trailer, dict) or trailer.get("ops") != count or trailer.get("sha256") != digest.hexdigest()
    ):
        raise damaged
    yield "end", count


def check(source: Path | str) -> tuple[dict, int]:
    """The header and number of operations of a sync file, all of it checked first."""
    parts = _parts(Path(source), check=True)
    header = next(parts)[1]
    count = 0
    for kind, value in parts:
        if kind == "end":
            count = value
    return header, count


def read(source: Path | str) -> tuple[dict, list[Op]]:
    """The header and operations of a sync file, all checked; a RuleViolation says what is wrong."""
    header, _count = check(source)
    return header, [value for kind, value in _parts(Path(source), check=False) if kind == "op"]


@requires("sync.run")
def import_file(source: Path | str, progress=None, backup: bool = True) -> Imported:
    """Merge a sync file: all of it or nothing. Checked whole first; then, after a backup (as
    before a roster import), read again and applied in batches inside one transaction, so a
    failure or a crash half-way leaves the database as it was. Operations that break a rule are
    quarantined (``merge.check``), not applied; the rest goes on."""
    with lock.exclusive(database.obj):  # one writer at a time: refused while an import runs
        return _import_file(Path(source), progress, backup)


def _import_file(source: Path, progress, backup: bool) -> Imported:
    header, count = check(source)
    origin = f"file:{str(header.get('node', ''))[:32]}"
    total = merge.Applied()
    touched: dict[str, set[str]] = {}
    batch: list[Op] = []
    made = backup_files.create(database.obj, "sync-import") if backup else None

    def flush() -> None:
        total.add(merge.apply(batch, source=origin, touched=touched))
        batch.clear()
        if progress:
            progress(total.received, count)

    with database.atomic():
        for kind, value in _parts(Path(source), check=False):
            if kind == "op":
                batch.append(value)
                if len(batch) >= BATCH:
                    flush()
        if batch:
            flush()
        merge.refresh_presence(touched)
    return Imported(count, total.new, str(header.get("node", "")), total.quarantined, made, total.refused)
