"""Writing files so that a power cut never leaves half a file under the real name."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def fsync_path(path: Path | str) -> None:
    """Flush a file or a folder (making a rename durable) to the disk; best effort where the
    system does not allow it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomically(target: Path | str, data: bytes) -> Path:
    """Write to a temporary name beside ``target``, flush, rename, flush the folder.

    Raises OSError (full disk, read-only folder) with the temporary file removed.
    """
    return stream_atomically(target, lambda handle: handle.write(data))


def stream_atomically(target: Path | str, write: Callable[[BinaryIO], object]) -> Path:
    """``write_atomically`` for contents written piece by piece by ``write(handle)``."""
    target = Path(target)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        with open(temporary, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:  # a full disk, or anything stopping the writer half-way
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
        raise
    fsync_path(target.parent)
    return target
