"""Dialogs of the Roster page: registering a household and its members, correcting a person or
a household, the household view, and check-in / transfer / check-out."""
