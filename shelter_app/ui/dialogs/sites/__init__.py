"""Dialogs of the Sites and Installations pages: a site, its closing, an installation and its state."""
