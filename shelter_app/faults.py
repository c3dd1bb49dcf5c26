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
