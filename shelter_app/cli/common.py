"""What every command shares: opening the operation's database for a command, the operator
recorded on its changes, and reading a day typed on the command line."""

from __future__ import annotations

import datetime
import getpass
import os

from shelter_app.cli import signing_in
from shelter_app.domain.errors import RuleViolation
from shelter_app.history import records
from shelter_app.i18n import _, formats
from shelter_app.services import database, presence


def open_database(args, create: bool = False, sign_in: bool = True):
    """Open --db (or the default) for one command and sign in (``--user``): (database, where
    it is). Only the commands that create an operation (``demo``, ``init``) pass ``create``: the
    others refuse a database file that does not exist, so a mistyped path never becomes a new,
    empty operation. ``sign_in=False`` only for the commands that make the first accounts."""
    target = database.target(args.db)
    if not create and database.missing(target):
        raise RuleViolation(
            "db",
            _(
                'There is no database "{path}". Check the path; "shelter-app init --db {path}" creates a new one.',
                path=target,
            ),
        )
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


def parse_day(text: str | None, field: str = "date") -> datetime.date:
    """A day typed on the command line, as 2022-11-21 or as 21/11/2022; today when not given."""
    if not text:
        return datetime.date.today()
    day = formats.parse_date(text)
    if day is None:
        raise RuleViolation(
            field, _('"{value}" is not a date; write it as DD/MM/YYYY or YYYY-MM-DD (21/11/2022).', value=text)
        )
    return day
