"""Dialogs of the roster: registering a household, check-in / transfer / check-out, and the
household view."""
