"""What each ``shelter-app`` command does; argument parsing lives in ``main``."""

from __future__ import annotations

import datetime
import json
import os
import sys
import uuid

from shelter_app.cli import tables
from shelter_app.cli.common import open_database, parse_day
from shelter_app.domain import identity
from shelter_app.domain.errors import RuleViolation
from shelter_app.history.operations import MODELS_BY_TABLE
from shelter_app.i18n import _, formats, ntr, tr
from shelter_app.logs import log_path
from shelter_app.services import changes, database, roster_query, sites
from shelter_app.services import stats as stats_service
from shelter_app.sync import record_words


def log_file():
    return log_path()


def start(args) -> int:
    """No command: open the window on the operation's database."""
    from shelter_app.ui.app import run

    if args.operator:
        os.environ["SHELTER_APP_OPERATOR"] = args.operator
    return run(args.db, language=args.lang)


def info(args) -> int:
    db, target = open_database(args)
    print(tr("Database: {path}", path=target))
    _print_counts()
    print(
        tr(
            "Next: 'shelter-app demo' builds a demo operation; 'shelter-app stats --date YYYY-MM-DD' prints the figures of a day; 'shelter-app --help' lists every command."
        )
    )
    db.close()
    return 0


def _print_counts() -> None:
    held = database.counts()
    for label, table in (
        (_("Events"), "event"),
        (_("Sites"), "site"),
        (_("Households"), "household"),
        (_("Persons"), "person"),
    ):
        print(f"  {label.text()}: {held[table]}")


def demo(args) -> int:
    from shelter_app.cli.signing_in import sign_in_for
    from shelter_app.demo.accounts import PASSWORD, create_demo_accounts
    from shelter_app.demo.generator import build_demo
    from shelter_app.services import accounts

    db, target = open_database(args, create=True, sign_in=False)
    made = []
    if accounts.has_accounts():
        sign_in_for(args)
    else:
        made = create_demo_accounts()
    last = [-1]

    def progress(done: int, total: int) -> None:
        percent = done * 100 // max(total, 1)
        if percent != last[0] and sys.stderr.isatty():
            last[0] = percent
            print(f"\r{tr('Building the demo operation')}: {percent}%", end="", file=sys.stderr, flush=True)

    summary = build_demo(persons=args.persons, seed=args.seed, progress=progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(
        tr(
            "Demo operation built in {path}: {sites}, {households}, {persons}.",
            path=target,
            sites=ntr("{n} site", "{n} sites", summary.sites),
            households=ntr("{n} household", "{n} households", summary.households),
            persons=ntr("{n} person", "{n} persons", summary.persons),
        )
    )
    for username, role in made:
        print(tr("Account {username} ({role}), password {password}", username=username, role=role, password=PASSWORD))
    db.close()
    return 0


def stats(args) -> int:
    db, _target = open_database(args)
    day = parse_day(args.date)
    site = sites.find_site(args.site) if args.site else None
    figures = stats_service.figures(day, site.id if site else None)
    if args.json:
        json.dump(figures, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(tables.stats_table(figures))
    db.close()
    return 0


def history(args) -> int:
    """The latest changes as a person reads them: number, when, who, and what they did."""
    db, _target = open_database(args)
    for change in changes.latest(args.limit):
        when = formats.local_time(change.at)
        print(f"{change.seq:>6}  {when:<16}  {change.by or '-':<16}  {_change_words(change)}")
    db.close()
    return 0


def _change_words(change) -> str:
    """ "added Person: Siti Aminah", "changed Site: SDN Cugenang 1 (Capacity, night)",
    "added 8 Persons", "undid change 42"."""
    model = MODELS_BY_TABLE.get(change.table)
    data = json.loads(change.data or "{}")
    if change.action == "bulk_insert":
        count = len(data.get("ids", ())) or change.span
        return tr("added {count} × {kind}", count=count, kind=record_words.table_label(change.table))
    record = None
    if model is not None:
        try:
            record = model.get_or_none(model.id == uuid.UUID(change.row_id))
        except ValueError:
            record = None
    what = (
        record_words.describe(record, deleted_note=False)
        if record is not None
        else record_words.table_label(change.table)
    )
    if change.action == "update":
        fields = ", ".join(record_words.field_label(change.table, name) for name in data)
        text = tr("changed {what} ({fields})", what=what, fields=fields)
    else:
        verbs = {"insert": _("added {what}"), "delete": _("deleted {what}"), "restore": _("restored {what}")}
        verb = verbs.get(change.action)
        text = verb.text().format(what=what) if verb is not None else f"{change.action} {what}"
    if change.undoes:
        text += " " + tr("(undoes change {seq})", seq=change.undoes)
    return text


def init(args) -> int:
    """A new, empty operation database; the window's first-run form then sets up the event."""
    target = database.target(args.db)
    if not database.missing(target):
        raise RuleViolation("db", _('"{path}" already exists; choose another file name.', path=target))
    db, target = open_database(args, create=True, sign_in=False)  # nobody to sign in yet
    print(
        tr(
            "New operation database: {path}. Start the window with --db {path} to create its first coordinator "
            "and set up the event, or create the coordinator with 'shelter-app account add'.",
            path=target,
        )
    )
    db.close()
    return 0


def search(args) -> int:
    """``shelter-app search QUERY``: the persons found, masked as on screen, with household,
    site and status on the day."""
    db, _target = open_database(args)
    day = parse_day(args.date)
    site = sites.find_site(args.site) if args.site else None
    found = roster_query.list_persons(
        roster_query.RosterFilter(text=args.query, site_id=site.id if site else None, day=day), 0, args.limit
    )
    heads = roster_query.household_heads([row.household_id for row in found])
    rows = [
        {
            "name": row.name,
            "nik": identity.mask(row.nik),
            "kk": identity.mask(row.kk),
            "sex": row.sex,
            "age": row.age,
            "household": heads.get(row.household_id, ""),
            "household_id": row.household_id.hex,
            "site": row.site_name,
            "status": row.status,
        }
        for row in found
    ]
    if args.json:
        json.dump(
            {"query": args.query, "date": day.isoformat(), "persons": rows}, sys.stdout, ensure_ascii=False, indent=2
        )
        print()
    else:
        print(tables.search_table(rows, day))
    db.close()
    return 0


def undo(args) -> int:
    db, _target = open_database(args)
    change = changes.undo(args.change)
    print(tr("Change {seq} undone (as change {new}).", seq=args.change, new=change.seq))
    db.close()
    return 0


def report(args) -> int:
    """``shelter-app report ...``: write one of the printed reports as a PDF file."""
    from shelter_app import reports
    from shelter_app.i18n import current_language

    db, _target = open_database(args)
    lang = current_language()
    try:
        site = sites.find_site(args.site) if getattr(args, "site", None) else None
        if args.report == "daily":
            rendered = reports.daily_report(
                site,
                parse_day(args.date),
                lang=lang,
                prepared_by=args.prepared_by or "",
                notes=args.notes or "",
                position=args.position or "",
                agency=args.agency or "",
                phone=args.phone or "",
            )
        elif args.report == "summary":
            rendered = reports.operation_summary(parse_day(args.date), lang=lang)
        elif args.report == "roster":
            rendered = reports.site_roster(site, parse_day(args.date), lang=lang, full_nik=args.full_nik)
        elif args.report == "stock":
            start = parse_day(args.start) if args.start else site.event.started_on
            rendered = reports.stock_card_report(site, args.item, start, parse_day(args.end), lang=lang)
        else:
            rendered = reports.household_cards(site, parse_day(args.date), lang=lang)
        try:
            rendered = rendered.save(args.out)
        except OSError as error:
            raise RuleViolation(
                "out",
                _(
                    "Cannot write {path}: {reason}. Choose another file or folder.",
                    path=args.out,
                    reason=error.strerror or str(error),
                ),
            ) from None
        print(tr("Report written to {path} (pages: {pages}).", path=str(rendered.path), pages=rendered.pages))
        if getattr(args, "queue", False):
            from shelter_app.cli.outbox_commands import queue_report

            queue_report(rendered, args.report, _report_title(args, site))
    finally:
        db.close()
    return 0


def _report_title(args, site) -> str:
    """The outbox title of a report made on the command line: its name, site and day."""
    from shelter_app.reports import REPORTS

    name = next(tr(title) for key, title, *_rest in REPORTS if key == args.report)
    parts = [name] + ([site.name] if site is not None else [])
    if getattr(args, "item", None):
        parts.append(args.item)
    parts.append(getattr(args, "date", None) or getattr(args, "end", None) or datetime.date.today().isoformat())
    return " - ".join(parts)
