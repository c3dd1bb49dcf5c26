"""Rosters in and out (CSV, XLSX, HXL, GeoJSON), backups, and the checks made on a database
file before it is opened. Knows nothing of Qt: the window and the command line build on it."""
