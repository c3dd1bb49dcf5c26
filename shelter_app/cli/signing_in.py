"""Signing in for one command: ``--user NAME`` (or $SHELTER_APP_USER), the password from
$SHELTER_APP_PASSWORD or typed without echo on a terminal. A database without accounts asks
for its first coordinator on a terminal, and is refused without one."""

from __future__ import annotations

import getpass
import os
import sys

from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import _, tr
from shelter_app.services import accounts

ENV_USER = "SHELTER_APP_USER"
ENV_PASSWORD = "SHELTER_APP_PASSWORD"
ENV_NEW_PASSWORD = "SHELTER_APP_NEW_PASSWORD"


def on_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _ask(prompt: str) -> str:
    print(prompt, end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip()


def new_password(username: str) -> str:
    """A new password: $SHELTER_APP_NEW_PASSWORD, or typed twice without echo on a terminal."""
    given = os.environ.get(ENV_NEW_PASSWORD)
    if given:
        accounts.check_password(given, username)
        return given
    if not on_terminal():
        raise RuleViolation(
            "password",
            _("No new password: set SHELTER_APP_NEW_PASSWORD or run the command on a terminal to type it."),
        )
    first = getpass.getpass(tr("New password for {username}: ", username=username))
    accounts.check_password(first, username)
    if getpass.getpass(tr("The same password again: ")) != first:
        raise RuleViolation("password", _("The two passwords differ; nothing was changed."))
    return first


def first_coordinator() -> None:
    """An operation without accounts (new, or from before accounts) gets its first coordinator
    before anything else opens it: typed on a terminal, refused without one."""
    if not on_terminal():
        raise RuleViolation(
            "user",
            _(
                "This database has no accounts yet. Create its first coordinator first: "
                'shelter-app account add USERNAME --role coordinator --name "FULL NAME" --db PATH '
                "(the password from SHELTER_APP_NEW_PASSWORD or typed on a terminal)."
            ),
        )
    print(tr("This operation has no accounts yet: create its first coordinator."), file=sys.stderr)
    username = _ask(tr("Username: "))
    full_name = _ask(tr("Full name: "))
    position = _ask(tr("Position and agency (optional): "))
    phone = _ask(tr("Phone (optional): "))
    password = new_password(username.strip().lower())
    accounts.create_first_coordinator(username, full_name, password, position=position, phone=phone)


def sign_in_for(args) -> None:
    """Sign the command's account in, or a RuleViolation (exit 2) saying what is missing."""
    if not accounts.has_accounts():
        first_coordinator()
        return
    username = getattr(args, "user", None) or os.environ.get(ENV_USER)
    if not username and on_terminal():
        username = _ask(tr("Username: "))
    if not username:
        raise RuleViolation(
            "user",
            _(
                "Sign in: give --user NAME (or set SHELTER_APP_USER) and the password in SHELTER_APP_PASSWORD, or run the command on a terminal."
            ),
        )
    password = os.environ.get(ENV_PASSWORD)
    if password is None:
        if not on_terminal():
            raise RuleViolation(
                "password",
                _(
                    "No password for {username}: set SHELTER_APP_PASSWORD or run the command on a terminal to type it.",
                    username=username,
                ),
            )
        password = getpass.getpass(tr("Password for {username}: ", username=username))
    accounts.sign_in(username, password)
