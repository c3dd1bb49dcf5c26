"""``shelter-app import roster``, ``export roster|sites``, ``backup`` and ``restore``.

``add_parsers`` registers them (called from ``main.build_parser``); the functions below run
them. Bad input raises RuleViolation, which ``main`` prints and turns into exit status 2.
"""

from __future__ import annotations

import sys

from shelter_app.cli.common import open_database, parse_day
from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import _, current_language, ntr, tr
from shelter_app.services import audit, database

MAX_PROBLEMS_SHOWN = 30


def add_parsers(sub, common) -> None:
    imp = sub.add_parser(
        "import",
        parents=[common],
        help=tr("import a roster from a CSV or Excel file"),
        description=tr("Import data from a file."),
    )
    what = imp.add_subparsers(dest="what", metavar=tr("what"), required=True)
    roster = what.add_parser(
        "roster",
        parents=[common],
        help=tr("evacuees from a CSV or XLSX file"),
        description=tr(
            "Import evacuees from a CSV or XLSX file: headers in English or Indonesian (nama, nik, no_kk, "
            "jenis_kelamin, tanggal_lahir, umur, hubungan, lokasi, tanggal_datang...), one row per person. "
            "Rows become households (by KK or a household column) checked in at the site; every row "
            "passes the rules of typed entry; persons already on the roster are matched, not "
            "duplicated. Without --valid-only one bad row means nothing is imported."
        ),
    )
    roster.add_argument("file", metavar=tr("FILE"), help=tr("the .csv or .xlsx file"))
    roster.add_argument("--site", help=tr("the site for rows without a site column (its name)"))
    roster.add_argument("--date", help=tr("arrival date for rows without one, YYYY-MM-DD (default today)"))
    roster.add_argument("--dry-run", action="store_true", help=tr("check every row and report, change nothing"))
    roster.add_argument(
        "--valid-only", action="store_true", help=tr("import the good rows and write the bad ones to the errors file")
    )
    roster.add_argument(
        "--errors",
        metavar=tr("FILE"),
        help=tr(
            "where to write the rejected rows with their problems (default: FILE.rejected.csv "
            "beside the input, with --valid-only)"
        ),
    )
    roster.set_defaults(run=import_roster)

    exp = sub.add_parser(
        "export",
        parents=[common],
        help=tr("export the roster or the sites to a file"),
        description=tr("Export data to a file."),
    )
    what = exp.add_subparsers(dest="what", metavar=tr("what"), required=True)
    roster = what.add_parser(
        "roster",
        parents=[common],
        help=tr("the evacuees staying at the sites on a day"),
        description=tr(
            "Export the evacuees staying at the sites on a day, one row per person, as CSV, XLSX or HXL. "
            "The file can be imported again. NIK and KK show only their last four digits unless "
            "--full-nik is given."
        ),
    )
    _format_option(roster, ("csv", "xlsx", "hxl"))
    roster.add_argument("--site", help=tr("only this site (its name)"))
    roster.add_argument("--date", help=tr("the day, YYYY-MM-DD (default today)"))
    roster.add_argument(
        "--full-nik",
        action="store_true",
        help=tr("write the full NIK and KK numbers (the file then needs safe keeping)"),
    )
    roster.set_defaults(run=export_roster)
    sites = what.add_parser(
        "sites",
        parents=[common],
        help=tr("the sites with their figures of a day"),
        description=tr(
            "Export the sites with their figures of a day (persons and households by sex, age band and "
            "vulnerable group) as CSV, XLSX, HXL (with hashtags, for HDX) or GeoJSON (for QGIS and "
            "InaSAFE)."
        ),
    )
    _format_option(sites, ("csv", "xlsx", "hxl", "geojson"))
    sites.add_argument("--date", help=tr("the day, YYYY-MM-DD (default today)"))
    sites.set_defaults(run=export_sites)

    backup = sub.add_parser(
        "backup",
        parents=[common],
        help=tr("copy the database to a verified backup file"),
        description=tr(
            "Copy the database, while it may be in use, to a backup file, and check the copy. Without "
            "--out the backup goes to the backup folder (by default 'backups' beside the database)."
        ),
    )
    backup.add_argument("--out", metavar=tr("FILE"), help=tr("the backup file to write"))
    backup.set_defaults(run=backup_command)

    restore = sub.add_parser(
        "restore",
        parents=[common],
        help=tr("put a backup in place of the database"),
        description=tr(
            "Put a backup in place of the database, after checking it. The file it replaces is kept in "
            "the backup folder. Close Posko before restoring."
        ),
    )
    restore.add_argument("file", metavar=tr("FILE"), help=tr("the backup file"))
    restore.set_defaults(run=restore_command)


def _format_option(parser, formats) -> None:
    parser.add_argument(
        "--format", required=True, choices=formats, help=tr("file format: {formats}", formats=", ".join(formats))
    )
    parser.add_argument("--out", required=True, metavar=tr("FILE"), help=tr("the file to write"))


def _file_target(args) -> str:
    target = database.target(args.db)
    if database.is_server(target):
        raise RuleViolation(
            "db", _("Backups and restores are for a database file, not a server ({target}).", target=target)
        )
    return target


def _usable(args):
    from shelter_app.exchange import startup

    target = database.target(args.db)
    startup.require_usable(target)
    return open_database(args)


def _progress_printer(label: str):
    last = [-1]

    def progress(done: int, total: int) -> None:
        percent = done * 100 // max(total, 1)
        if percent != last[0] and sys.stderr.isatty():
            last[0] = percent
            print(f"\r{label}: {percent}%", end="", file=sys.stderr, flush=True)

    return progress


def _end_progress() -> None:
    if sys.stderr.isatty():
        print(file=sys.stderr)


# --- import ------------------------------------------------------------------------------


def import_roster(args) -> int:
    from shelter_app.exchange import roster_import
    from shelter_app.exchange.tables import read_table

    table = read_table(args.file)  # a bad file is refused before the database is touched
    db, _target = _usable(args)
    try:
        try:
            result = roster_import.import_table(
                table,
                site=args.site,
                arrival_date=parse_day(args.date) if args.date else None,
                dry_run=args.dry_run,
                valid_only=args.valid_only,
                progress=_progress_printer(tr("Importing")),
            )
        finally:
            _end_progress()
        errors_path = args.errors or (roster_import.errors_file_for(args.file) if args.valid_only else None)
        _report(result)
        if result.problems and errors_path:
            written = roster_import.write_errors(result, errors_path, current_language())
            print(tr("The rejected rows and their problems were written to {path}.", path=str(written)))
    finally:
        db.close()
    if result.problems and not args.valid_only:
        print(
            ntr(
                "Nothing was imported: {n} row has problems. Correct it, or use --valid-only to import the good rows.",
                "Nothing was imported: {n} rows have problems. Correct them, or use --valid-only to import "
                "the good rows.",
                result.summary.rows_rejected,
            ),
            file=sys.stderr,
        )
        return 2
    return 0


def _report(result) -> None:
    s = result.summary
    for problem in result.problems[:MAX_PROBLEMS_SHOWN]:
        print(problem.text(), file=sys.stderr)
    if len(result.problems) > MAX_PROBLEMS_SHOWN:
        print(
            ntr("... and {n} more problem.", "... and {n} more problems.", len(result.problems) - MAX_PROBLEMS_SHOWN),
            file=sys.stderr,
        )
    if result.ignored_columns:
        print(tr("Columns not imported: {names}.", names=", ".join(result.ignored_columns)))
    if result.dry_run:
        print(tr("Dry run: nothing was changed. This is what the import would do:"))
    elif result.imported:
        print(tr("Imported."))
    print(
        tr(
            "Rows: {rows}, accepted: {accepted}, rejected: {rejected}.",
            rows=s.rows,
            accepted=s.rows_accepted,
            rejected=s.rows_rejected,
        )
    )
    print(
        tr(
            "Persons: {created} created, {matched} already on the roster (matched).",
            created=s.persons_created,
            matched=s.persons_matched,
        )
    )
    print(
        tr(
            "Households: {created} created, {matched} already on the roster (matched).",
            created=s.households_created,
            matched=s.households_matched,
        )
    )
    print(tr("Check-ins: {n}.", n=s.stays_created))
    if result.backup:
        print(tr("A backup was made before the import: {path}", path=str(result.backup)))


# --- export ------------------------------------------------------------------------------


def export_roster(args) -> int:
    from shelter_app.exchange import roster_export
    from shelter_app.services import sites

    db, _target = _usable(args)
    try:
        site = sites.find_site(args.site) if args.site else None
        done = roster_export.export_roster(args.out, args.format, parse_day(args.date), site, args.full_nik)
    finally:
        db.close()
    print(
        tr(
            "{persons} in {households} written to {path}.",
            persons=ntr("{n} person", "{n} persons", done.rows),
            households=ntr("{n} household", "{n} households", done.households),
            path=str(done.path),
        )
    )
    return 0


def export_sites(args) -> int:
    from shelter_app.exchange import sites_export

    db, _target = _usable(args)
    try:
        done = sites_export.export_sites(args.out, args.format, parse_day(args.date))
    finally:
        db.close()
    print(ntr("{n} site written to {path}.", "{n} sites written to {path}.", done.sites, path=str(done.path)))
    return 0


# --- backup and restore ------------------------------------------------------------------


def backup_command(args) -> int:
    from shelter_app.exchange import backups

    target = _file_target(args)
    checked = backups.verify(target, quick=True)
    if not checked.ok:  # said before signing in: a damaged file cannot be opened to sign in
        raise RuleViolation("db", checked.problem)
    db, _where = open_database(args)  # signed in; the audit trail records the backup
    try:
        made = backups.manual(target, args.out, progress=_progress_printer(tr("Backing up")))
    finally:
        _end_progress()
        db.close()
    checked = backups.verify(made, pages=False)  # checked page by page as it was written
    print(
        tr(
            "Backup written to {path} and checked (integrity ok, schema {version}).",
            path=str(made),
            version=checked.version,
        )
    )
    return 0


def _sign_in_for_restore(args, target: str) -> None:
    """Restoring is a coordinator's: signed in against the database it replaces when that one
    opens, else (damaged, missing) against a copy of the backup, whose accounts come back."""
    import shutil
    import tempfile
    from pathlib import Path

    from shelter_app.cli import signing_in
    from shelter_app.exchange import startup

    if Path(target).exists() and startup.diagnose(Path(target)).ok:
        db, _where = open_database(args)
        db.close()
        return
    with tempfile.TemporaryDirectory(prefix="posko-restore-") as folder:
        copy = Path(folder) / "backup.db"
        shutil.copyfile(args.file, copy)
        db = database.open_operation(str(copy))
        try:
            signing_in.sign_in_for(args)
        finally:
            db.close()


def restore_command(args) -> int:
    from shelter_app.exchange import backups

    target = _file_target(args)
    _sign_in_for_restore(args, target)
    done = backups.restore(args.file, target)
    restored = database.open_operation(str(done.database))  # the trail of the restored operation says so
    try:
        audit.record("restore", target=str(done.backup))
    finally:
        restored.close()
    print(
        tr(
            "{db} restored from {backup} (schema {version}).",
            db=str(done.database),
            backup=str(done.backup),
            version=done.migrations[-1] if done.migrations else "-",
        )
    )
    if done.replaced_copy:
        print(tr("The file it replaced was kept as {path}.", path=str(done.replaced_copy)))
    return 0
