"""Fault injection for the crash tests: ``checkpoint(name)`` kills the process on the spot
(SIGKILL, as a power cut would) when ``SHELTER_APP_FAULT`` names that point. Without the
variable it does nothing."""

from __future__ import annotations

import os
import signal

ENV = "SHELTER_APP_FAULT"


def checkpoint(name: str) -> None:
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


PAUSE_ENV = "SHELTER_APP_PAUSE"  # "name:folder": at ``pause(name)``, wait for folder/go


def pause(name: str) -> None:
    """For the concurrency tests: when ``SHELTER_APP_PAUSE`` is ``name:folder``, say so by
    making ``folder/paused`` and wait (at most a minute) until the test makes ``folder/go``."""
    wanted, _sep, folder = os.environ.get(PAUSE_ENV, "").partition(":")
    if wanted != name or not folder:
        return
    import time
    from pathlib import Path

    Path(folder, "paused").touch()
    for _ in range(600):
        if Path(folder, "go").exists():
            return
        time.sleep(0.1)
