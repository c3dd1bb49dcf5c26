"""Dialogs of the Stock page: the movements and the catalogue."""
