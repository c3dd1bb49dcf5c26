"""The sync file carried on a USB stick: every operation this laptop holds, in one file.

Format (gzip-compressed JSON lines): a header ``{"format": "posko-sync", "version": 1, ...}``,
one operation per line (``ops.Op.to_wire``), and a trailer with the number of operations
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
from dataclasses import dataclass
from pathlib import Path

from shelter_app import __version__
from shelter_app.domain.errors import RuleViolation
from shelter_app.files import stream_atomically
from shelter_app.i18n import _
from shelter_app.storage.models import Change, utc_now
from shelter_app.sync import clock, merge
from shelter_app.sync.ops import Op, expand

FORMAT = "posko-sync"
VERSION = 1
SUFFIX = ".posko-sync"
BATCH = 2000


@dataclass(frozen=True)
class Exported:
    path: Path
    operations: int


@dataclass(frozen=True)
class Imported:
    operations: int  # in the file
    new: int  # applied now (the rest were held already)
    conflicts: int
    node: str  # the laptop that wrote the file


def default_name(day: datetime.date | None = None) -> str:
    return f"posko-{clock.node_id()[:8]}-{(day or datetime.date.today()).isoformat()}{SUFFIX}"


def export(target: Path | str) -> Exported:
    """Write every operation held here to ``target``; an OSError when the folder refuses."""
    target = Path(target)
    node = clock.node_id()
    count = 0

    def write(handle) -> None:
        nonlocal count
        digest = hashlib.sha256()
        with gzip.GzipFile(fileobj=handle, mode="wb", compresslevel=5, mtime=0) as packed:
            header = {"format": FORMAT, "version": VERSION, "node": node, "app": __version__,
                      "made_at": utc_now().isoformat()}
            packed.write(json.dumps(header).encode() + b"\n")
            for op in expand(Change.select().order_by(Change.seq).iterator()):
                line = json.dumps(op.to_wire(), ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
                digest.update(line)
                packed.write(line)
                count += 1
            packed.write(json.dumps({"end": True, "ops": count, "sha256": digest.hexdigest()}).encode() + b"\n")

    stream_atomically(target, write)
    return Exported(target, count)


def read(source: Path | str) -> tuple[dict, list[Op]]:
    """The header and operations of a sync file, all checked; a RuleViolation says what is wrong."""
    source = Path(source)
    damaged = RuleViolation("file", _(
        "The file {name} is damaged or incomplete (perhaps the USB stick was pulled out while it was "
        "written). Nothing was imported; export it again on the other laptop.", name=source.name))
    foreign = RuleViolation("file", _(
        "The file {name} is not a Posko sync file. Nothing was imported; choose the file that ends in "
        "{suffix}.", name=source.name, suffix=SUFFIX))
    try:
        with open(source, "rb") as raw:
            if raw.read(2) != b"\x1f\x8b":
                raise foreign
            raw.seek(0)
            lines = gzip.GzipFile(fileobj=raw).read().split(b"\n")
    except FileNotFoundError:
        raise RuleViolation("file", _("There is no file {path}.", path=str(source))) from None
    except (EOFError, OSError, zlib.error):
        raise damaged from None
    try:
        header = json.loads(lines[0])
    except ValueError:
        raise foreign from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise foreign
    if header.get("version") != VERSION:
        raise RuleViolation("file", _(
            "The file {name} was written by a newer version of Posko. Nothing was imported; install the "
            "newer version on this laptop.", name=source.name))
    body = [line for line in lines[1:] if line]
    if not body:
        raise damaged
    try:
        trailer = json.loads(body[-1])
    except ValueError:
        raise damaged from None
    op_lines = body[:-1]
    digest = hashlib.sha256(b"".join(line + b"\n" for line in op_lines)).hexdigest()
    if not isinstance(trailer, dict) or trailer.get("ops") != len(op_lines) or trailer.get("sha256") != digest:
        raise damaged
    try:
        ops = [Op.from_wire(json.loads(line)) for line in op_lines]
    except ValueError:
        raise damaged from None
    return header, ops


def import_file(source: Path | str, progress=None) -> Imported:
    """Merge a sync file. Checked whole first; then applied in batches (an interrupted import
    is finished by importing the file again)."""
    header, ops = read(source)
    total = merge.Applied()
    touched: dict[str, set[str]] = {}
    for start in range(0, len(ops), BATCH):
        total.add(merge.apply(ops[start:start + BATCH], source=f"file:{header.get('node', '')}", touched=touched))
        if progress:
            progress(min(start + BATCH, len(ops)), len(ops))
    merge.refresh_presence(touched)
    return Imported(len(ops), total.new, total.conflicts, str(header.get("node", "")))
