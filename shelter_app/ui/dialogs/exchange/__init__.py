"""Data in and out of the laptop: the roster import wizard, the export dialog, and restoring a
backup when the database cannot be opened."""
