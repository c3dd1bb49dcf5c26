"""``shelter-app account add|list|disable|password`` and ``shelter-app audit``."""

from __future__ import annotations

import json

from shelter_app.cli import signing_in
from shelter_app.cli.common import open_database, parse_day
from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.permissions import COORDINATOR, ROLES
from shelter_app.i18n import _, ntr, tr
from shelter_app.services import accounts, audit


def add_parsers(sub, common, common_without_user) -> None:
    account = sub.add_parser("account", parents=[common], help=tr("accounts: add, list, disable, password"))
    kinds = account.add_subparsers(dest="account_command", metavar=tr("command"), required=True)

    add = kinds.add_parser(
        "add",
        parents=[common],
        help=tr("add an account (on a database without accounts: its first coordinator)"),
        description=tr("Add an account; the password comes from SHELTER_APP_NEW_PASSWORD or is typed twice."),
    )
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES, help=tr("coordinator, volunteer or observer"))
    add.add_argument("--name", required=True, help=tr("the person's full name"))
    add.add_argument("--position", default="", help=tr("position and agency"))
    add.add_argument("--agency", default="", help=tr("agency"))
    add.add_argument("--phone", default="", help=tr("phone"))
    add.set_defaults(run=add_account)

    listing = kinds.add_parser("list", parents=[common], help=tr("list the accounts"))
    listing.set_defaults(run=list_accounts)

    disable = kinds.add_parser("disable", parents=[common], help=tr("disable an account (everywhere once synced)"))
    disable.add_argument("username")
    disable.set_defaults(run=disable_account)

    password = kinds.add_parser(
        "password",
        parents=[common],
        help=tr("set a new password: your own, or (coordinators) reset another account's"),
    )
    password.add_argument("username")
    password.set_defaults(run=set_password)

    trail = sub.add_parser(
        "audit",
        parents=[common_without_user],  # --user here names whose entries; sign in with $SHELTER_APP_USER
        help=tr("the audit trail: sign-ins, personal data shown or written, changes of settings and accounts"),
    )
    trail.add_argument("--since", help=tr("from this day on, YYYY-MM-DD"))
    trail.add_argument(
        "--user",
        dest="audit_user",
        metavar="NAME",
        help=tr("only this account's entries (sign in with $SHELTER_APP_USER)"),
    )
    trail.add_argument("--json", action="store_true", help=tr("print one JSON object per line"))
    trail.set_defaults(run=show_audit)

    anonymise = sub.add_parser(
        "anonymise",
        parents=[common],
        help=tr("remove names, NIK, KK, phone and health notes of persons who left before a day"),
    )
    anonymise.add_argument("--left-before", required=True, metavar="D", help=tr("the day, YYYY-MM-DD"))
    anonymise.add_argument("--yes", action="store_true", help=tr("do not ask for confirmation (scripts)"))
    anonymise.set_defaults(run=anonymise_persons)


def render(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip()
        for row in [headers, *rows]
    ]
    return "\n".join(lines)


def add_account(args) -> int:
    db, _target = open_database(args, sign_in=False)
    try:
        name = args.username.strip().lower()
        if not accounts.has_accounts():
            if args.role != COORDINATOR:
                raise RuleViolation(
                    "role", _("The first account of an operation is a coordinator: use --role coordinator.")
                )
            password = signing_in.new_password(name)
            accounts.create_first_coordinator(
                name, args.name, password, position=args.position, agency=args.agency, phone=args.phone
            )
        else:
            signing_in.sign_in_for(args)
            password = signing_in.new_password(name)
            accounts.add_account(
                name, args.role, args.name, password, position=args.position, agency=args.agency, phone=args.phone
            )
        print(tr("Account {username} added.", username=name))
    finally:
        db.close()
    return 0


def list_accounts(args) -> int:
    db, _target = open_database(args)
    try:
        rows = [
            [
                a.username,
                a.full_name,
                a.role_label,
                a.position,
                a.agency,
                tr("disabled") if a.disabled else tr("active"),
            ]
            for a in accounts.list_accounts()
        ]
        print(render([tr("username"), tr("name"), tr("role"), tr("position"), tr("agency"), tr("status")], rows))
    finally:
        db.close()
    return 0


def disable_account(args) -> int:
    db, _target = open_database(args)
    try:
        accounts.set_disabled(args.username, True)
        print(tr("Account {username} disabled.", username=args.username))
    finally:
        db.close()
    return 0


def set_password(args) -> int:
    db, _target = open_database(args)
    try:
        name = args.username.strip().lower()
        accounts.set_password(name, signing_in.new_password(name))
        print(tr("Password of {username} changed.", username=name))
    finally:
        db.close()
    return 0


def show_audit(args) -> int:
    db, _target = open_database(args)
    try:
        since = parse_day(args.since) if args.since else None
        found = audit.entries(since=since, username=args.audit_user)
        if args.json:
            for entry in found:
                print(json.dumps(entry.as_json(), ensure_ascii=False))
        else:
            rows = [
                [f"{e.at:%Y-%m-%d %H:%M:%S}", e.username or "-", e.what, str(e.persons or ""), e.target] for e in found
            ]
            print(render([tr("when"), tr("account"), tr("what"), tr("persons"), tr("where")], rows))
    finally:
        db.close()
    return 0


def anonymise_persons(args) -> int:
    from shelter_app.services import anonymise

    db, _target = open_database(args)
    try:
        day = parse_day(args.left_before)
        found = len(anonymise.candidates(day))
        if not args.yes:
            if not signing_in.on_terminal():
                raise RuleViolation("yes", _("Anonymising cannot be undone by hand: confirm with --yes."))
            question = ntr(
                "Anonymise {n} person who left before {day}? The name, NIK, KK, phone and health notes are removed. Type yes: ",
                "Anonymise {n} persons who left before {day}? Their names, NIK, KK, phone and health notes are removed. Type yes: ",
                found,
                day=day.isoformat(),
            )
            if input(question).strip().lower() not in ("yes", "ya", "y"):
                print(tr("Nothing was changed."))
                return 0
        done = anonymise.anonymise(day)
        print(ntr("{n} person anonymised.", "{n} persons anonymised.", done))
    finally:
        db.close()
    return 0
