"""Posko: an offline-first desktop application for evacuation shelters."""

APP_NAME = "Posko"
APP_ID = "shelter-app"
__version__ = "0.1.0"
