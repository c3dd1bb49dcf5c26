"""The ``shelter-app`` command: start the app, build a demo, print figures.

Messages follow ``--lang`` (or $SHELTER_APP_LANG), Bahasa Indonesia by default. A broken rule
prints its message and exits with status 2; an unexpected error is logged without personal
data and exits with status 1, never with a traceback on the user's screen.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from shelter_app import APP_NAME, __version__
from shelter_app.cli import (
    account_commands,
    commands,
    exchange_commands,
    outbox_commands,
    record_commands,
    sync_commands,
)
from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import LANGUAGES, set_language, tr
from shelter_app.logs import setup_logging

log = logging.getLogger(__name__)


# argparse's own words ("usage:", "show this help message and exit") come from gettext's
# "argparse" domain, which has no Indonesian catalogue installed: route them through ours.
argparse._ = tr  # type: ignore[attr-defined]
argparse.ngettext = lambda singular, plural, n: tr(singular if n == 1 else plural)  # type: ignore[attr-defined]


def common_options(user: bool = True) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        help=tr("database file or postgresql:// URL (default: $SHELTER_APP_DB, else the user's data folder)"),
    )
    common.add_argument("--lang", choices=LANGUAGES, help=tr("language of messages: id (default) or en"))
    if user:
        common.add_argument(
            "--user",
            metavar="NAME",
            help=tr(
                "the account to sign in with (default: $SHELTER_APP_USER); password from $SHELTER_APP_PASSWORD or typed"
            ),
        )
    common.add_argument(
        "--operator", help=tr("name recorded on every change (default: $SHELTER_APP_OPERATOR or your login)")
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = argparse.ArgumentParser(
        prog="shelter-app",
        parents=[common],
        description=tr("{app}: evacuation shelter management that works offline.", app=APP_NAME),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"shelter-app {__version__}",
        help=tr("show program's version number and exit"),
    )
    sub = parser.add_subparsers(dest="command", metavar=tr("command"))

    demo = sub.add_parser(
        "demo",
        parents=[common],
        help=tr("build a demo operation (Cianjur earthquake, 2022)"),
        description=tr("Build a believable demo operation modelled on the Cianjur earthquake of 21 November 2022."),
    )
    demo.add_argument("--persons", type=int, default=3000, help=tr("number of evacuees (default 3000)"))
    demo.add_argument("--seed", type=int, default=7, help=tr("random seed: the same seed gives the same operation"))
    demo.set_defaults(run=commands.demo)

    stats = sub.add_parser(
        "stats",
        parents=[common],
        help=tr("figures of every site on a day"),
        description=tr(
            "Population, households, vulnerable groups, arrivals, departures and needs of every site on a day."
        ),
    )
    stats.add_argument("--date", help=tr("the day, DD/MM/YYYY or YYYY-MM-DD (default today)"))
    stats.add_argument("--site", help=tr("only this site (its name)"))
    stats.add_argument("--json", action="store_true", help=tr("print one JSON object"))
    stats.set_defaults(run=commands.stats)

    info = sub.add_parser(
        "info",
        parents=[common],
        help=tr("where the database is and what it holds"),
        description=tr("Show where the database is and what it holds."),
    )
    info.set_defaults(run=commands.info)

    history = sub.add_parser(
        "history",
        parents=[common],
        help=tr("the latest changes, who made them and when"),
        description=tr("List the latest changes to the records, who made them and when."),
    )
    history.add_argument("--limit", type=int, default=20, help=tr("how many changes (default 20)"))
    history.set_defaults(run=commands.history)

    undo = sub.add_parser(
        "undo",
        parents=[common],
        help=tr("undo one change by its number"),
        description=tr("Undo one change by its number (see 'history'); the history keeps both."),
    )
    undo.add_argument("change", type=int, help=tr("the change number"))
    undo.set_defaults(run=commands.undo)

    init = sub.add_parser(
        "init",
        parents=[common],
        help=tr("create a new, empty operation database"),
        description=tr(
            "Create a new, empty operation database at --db. Only 'init' and 'demo' create a database; "
            "every other command refuses a database file that does not exist."
        ),
    )
    init.set_defaults(run=commands.init)

    search = sub.add_parser(
        "search",
        parents=[common],
        help=tr("find persons by any word of the name or the digits shown"),
        description=tr(
            "Find persons as the roster's search box does: the start of any word of the name (spelling "
            "variants and titles aside), the first digits of a NIK or KK, or the digits a masked NIK or KK "
            "shows. NIK and KK are masked as on screen."
        ),
    )
    search.add_argument("query", metavar=tr("QUERY"), help=tr("what to look for"))
    search.add_argument("--site", help=tr("only this site (its name)"))
    search.add_argument("--date", help=tr("the day, DD/MM/YYYY or YYYY-MM-DD (default today)"))
    search.add_argument("--limit", type=int, default=50, help=tr("at most this many persons (default 50)"))
    search.add_argument("--json", action="store_true", help=tr("print one JSON object"))
    search.set_defaults(run=commands.search)

    add_report_parsers(sub, common)
    exchange_commands.add_parsers(sub, common)  # import, export, backup, restore
    outbox_commands.add_parsers(sub, common)  # config, outbox
    sync_commands.add_parsers(sub, common)  # sync, sync export/import/conflicts/duplicates
    record_commands.add_parsers(sub, common)  # record birth/meals/day
    account_commands.add_parsers(sub, common, common_options(user=False))  # account add/list/disable/password, audit
    return parser


def add_report_parsers(sub, common) -> None:
    """``shelter-app report daily|summary|roster|stock|cards``: the printed reports as PDF."""
    report = sub.add_parser(
        "report",
        parents=[common],
        help=tr("print a report as a PDF file"),
        description=tr(
            "Make a printable PDF report: daily site report, operation summary, "
            "site roster, stock card or household cards."
        ),
    )
    kinds = report.add_subparsers(dest="report", metavar=tr("report"), required=True)

    def kind(name: str, help_text: str, description: str):
        parser = kinds.add_parser(name, parents=[common], help=help_text, description=description)
        parser.add_argument("--out", required=True, metavar="PDF", help=tr("the PDF file to write"))
        parser.add_argument(
            "--queue",
            action="store_true",
            help=tr("also put the report in the outbox, to go to every destination set up"),
        )
        parser.set_defaults(run=commands.report)
        return parser

    def site_option(parser):
        parser.add_argument("--site", required=True, help=tr("the site (its name)"))

    def date_option(parser):
        parser.add_argument("--date", help=tr("the day, DD/MM/YYYY or YYYY-MM-DD (default today)"))

    daily = kind(
        "daily",
        tr("daily report of one site"),
        tr(
            "The daily site report: evacuees by sex, age band and vulnerable group, movements, "
            "installations, needs and gaps, stock, activities, notes and signatures."
        ),
    )
    site_option(daily)
    date_option(daily)
    daily.add_argument(
        "--prepared-by", metavar=tr("NAME"), help=tr("who prepared the report (printed above the signature)")
    )
    daily.add_argument("--notes", metavar=tr("TEXT"), help=tr("problems, needs and notes to print in the report"))
    daily.add_argument("--position", metavar=tr("TEXT"), help=tr("the position (jabatan) of who prepared the report"))
    daily.add_argument("--agency", metavar=tr("TEXT"), help=tr("the agency (instansi) of who prepared the report"))
    daily.add_argument("--phone", metavar=tr("TEXT"), help=tr("the phone number of who prepared the report"))

    summary = kind(
        "summary",
        tr("summary of every site"),
        tr(
            "The operation summary: the figures of every site on a day, the sites most short of "
            "water, toilets and space first, with totals."
        ),
    )
    date_option(summary)

    roster = kind(
        "roster",
        tr("residents of one site by household"),
        tr(
            "The site roster: the residents of a site on a day, grouped by household. NIK and KK "
            "show only their last four digits unless --full-nik is given."
        ),
    )
    site_option(roster)
    date_option(roster)
    roster.add_argument(
        "--full-nik",
        action="store_true",
        help=tr("print the full NIK and KK numbers (the list then needs safe keeping)"),
    )

    stock = kind(
        "stock",
        tr("stock card of one item at one site"),
        tr("The stock card: every movement of one item at one site over a period, with the running balance."),
    )
    site_option(stock)
    stock.add_argument("--item", required=True, help=tr("the item (its name in the catalogue)"))
    stock.add_argument(
        "--from", dest="start", metavar="YYYY-MM-DD", help=tr("first day (default: the start of the event)")
    )
    stock.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help=tr("last day (default today)"))

    cards = kind(
        "cards",
        tr("household cards with a QR code"),
        tr(
            "Household cards to cut out: head, members and masked KK of every household at the site, "
            "with a QR code of the household's id."
        ),
    )
    site_option(cards)
    date_option(cards)


def _language_from(argv: list[str]) -> str:
    """The language is needed before argparse builds its (translated) help texts."""
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return os.environ.get("SHELTER_APP_LANG", "id")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _language_from(argv)
    set_language(lang if lang in LANGUAGES else "id")
    args = build_parser().parse_args(argv)
    setup_logging()
    run = getattr(args, "run", commands.start)
    try:
        return run(args) or 0
    except RuleViolation as error:
        print(tr("Error ({field}): {message}", field=error.field, message=error.text()), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(tr("Stopped."), file=sys.stderr)
        return 130
    except BrokenPipeError:  # ``stats | head``: the reader had enough; not an error
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # Python's own flush at exit must not fail again
        except (OSError, ValueError):
            pass
        return 0
    except Exception:  # the user sees a short message, the log keeps the details
        log.exception("unexpected error in command %s", args.command)
        print(
            tr("Something went wrong; details are in the log file {path}.", path=str(commands.log_file())),
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
