"""Dialogs of the Activities page: an activity, and adding its participants."""
