"""What every command shares: opening the operation's database for a command, the operator
recorded on its changes, and reading a day typed on the command line."""

from __future__ import annotations

import datetime
import getpass
import os

from shelter_app.cli import signing_in
from shelter_app.domain.errors import RuleViolation
from shelter_app.history import records
from shelter_app.i18n import _
from shelter_app.services import database, presence


def open_database(args, sign_in: bool = True):
    """Open --db (or the default) for one command and sign in (``--user``): (database, where
    it is). ``sign_in=False`` only for the commands that make the first accounts."""
    target = database.target(args.db)
    db = database.open_operation(target)
    records.set_operator(args.operator or os.environ.get("SHELTER_APP_OPERATOR") or login_name())
    if sign_in:
        try:
            signing_in.sign_in_for(args)
        except BaseException:
            db.close()
            raise
    presence.ensure_fresh()  # a merge killed half-way leaves the figures' index to rebuild
    return db, target


def login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers and services
        return "posko"


def parse_day(text: str | None) -> datetime.date:
    if not text:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise RuleViolation("date", _('"{value}" is not a date; write it as YYYY-MM-DD.', value=text)) from None
