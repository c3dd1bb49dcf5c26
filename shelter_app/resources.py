"""Where the files shipped with the app live, wherever the app runs from."""

import sys
from importlib import resources
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Path of a shipped resource file, e.g. resource_path("regions", "districts.csv")."""
    if getattr(sys, "frozen", False):  # PyInstaller unpacks the data folder beside the code
        return Path(sys._MEIPASS, "shelter_app_resources", *parts)  # type: ignore[attr-defined]
    return Path(str(resources.files("shelter_app_resources").joinpath(*parts)))
