"""The log file: technical details for whoever supports the app, never an evacuee's data.

Log ids and counts, not names, NIKs or health facts.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

import platformdirs

from shelter_app import APP_ID


def log_path() -> Path:
    return Path(platformdirs.user_log_dir(APP_ID, appauthor=False)) / "shelter-app.log"


def setup_logging(level: int = logging.INFO) -> Path:
    path = log_path()
    root = logging.getLogger()
    if any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:  # a read-only or full disk must not stop the app
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    return path
