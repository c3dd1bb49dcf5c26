"""Where the files shipped with the app live, wherever the app runs from."""

from importlib import resources
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Path of a shipped resource file, e.g. resource_path("regions", "districts.csv")."""
    return Path(str(resources.files("shelter_app_resources").joinpath(*parts)))
