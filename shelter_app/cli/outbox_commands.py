"""``shelter-app config show [KEY]|set KEY VALUE`` (the settings declared in
``domain.settings_catalog``) and ``shelter-app outbox list|send``.

``add_parsers`` registers them (called from ``main.build_parser``); ``queue_report`` is what
``report ... --queue`` calls after writing the PDF.
"""

from __future__ import annotations

from shelter_app.cli.common import open_database
from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import _, ntr, tr


def _keys_help() -> str:
    """Every key ``config set`` takes, from the declaration, with its choices or an example."""
    from shelter_app.domain.settings_catalog import settable

    return ", ".join(
        f"{spec.key} ({spec.hint()})" if spec.hint() and not spec.placeholder else spec.key for spec in settable()
    )


def add_parsers(sub, common) -> None:
    config = sub.add_parser(
        "config",
        parents=[common],
        help=tr("show or change the settings kept in the database (outbox, hub, e-mail, standards, age bands)"),
        description=tr(
            "Show or change the settings kept in the database: this laptop's (where queued reports go, "
            "the hub, the backup folder) and the operation's (standards profile, age bands), which are "
            "synced to the other laptops and recorded in the history. Keys: {keys}. The e-mail password "
            "is never stored: put it in the environment variable SHELTER_APP_SMTP_PASSWORD or in the "
            "system keyring. An empty VALUE removes a setting.",
            keys=_keys_help(),
        ),
    )
    config.add_argument("action", choices=("show", "set"), help=tr("show the settings, or set one"))
    config.add_argument("key", nargs="?", metavar="KEY", help=tr("the setting to change (with show: the one to show)"))
    config.add_argument("value", nargs="?", metavar="VALUE", help=tr("its new value"))
    config.set_defaults(run=config_command)

    outbox = sub.add_parser(
        "outbox",
        parents=[common],
        help=tr("list the queued reports or send them now"),
        description=tr(
            "The outbox holds generated reports until every destination (folder, hub, e-mail) has them. "
            "'list' shows them with their last error; 'send' tries every delivery that is due."
        ),
    )
    outbox.add_argument("action", choices=("list", "send"), help=tr("list, or send what is due"))
    outbox.add_argument("--all", action="store_true", help=tr("list delivered reports too"))
    outbox.add_argument(
        "--now", action="store_true", help=tr("with send: try every waiting delivery, even before its next attempt")
    )
    outbox.set_defaults(run=outbox_command)


def config_command(args) -> int:
    from shelter_app.domain import settings_catalog as catalog
    from shelter_app.outbox import queue
    from shelter_app.services import settings

    db, _target = open_database(args)
    try:
        if args.action == "set":
            if args.key is None or args.value is None:
                raise RuleViolation("config", _("Write: shelter-app config set KEY VALUE."))
            settings.change_text(args.key, args.value)
            print(tr("Setting {key} saved.", key=args.key))
            return 0
        only = catalog.for_database(args.key).key if args.key else None
        for scope, heading in (
            (catalog.LAPTOP, tr("This laptop (never synced):")),
            (catalog.OPERATION, tr("This operation (synced, every change in the history):")),
        ):
            rows = [(spec, value) for spec, value in settings.listed(scope) if only in (None, spec.key)]
            if rows and not only:
                print(f"# {heading}")
            for spec, value in rows:
                line = f"{spec.key} = {spec.show(value)}"
                if value is None and spec.default is not None:
                    line += "  " + tr("(default: {value})", value=spec.show(spec.default))
                print(line)
        if not only:
            kinds = [d.kind for d in queue.destinations()]
            print(tr("Destinations: {list}", list=", ".join(kinds) if kinds else tr("none")))
    finally:
        db.close()
    return 0


def outbox_command(args) -> int:
    from shelter_app.outbox import queue

    db, _target = open_database(args)
    try:
        if args.action == "send":
            if not queue.destinations():
                print(
                    tr(
                        "No destination is set up: use 'shelter-app config set outbox.folder FOLDER' or the "
                        "smtp.* settings."
                    )
                )
            summary = queue.send_now() if args.now else queue.send_due()
            print(
                tr(
                    "Sent: {sent}, failed: {failed}, reports still waiting: {waiting}.",
                    sent=summary.sent,
                    failed=summary.failed,
                    waiting=summary.waiting,
                )
            )
            for error in summary.errors:
                print(f"  {error.text()}")
            return 0 if not summary.failed else 3
        state = queue.status()
        if state.waiting:
            since = state.since.strftime("%Y-%m-%d %H:%M")
            print(
                ntr(
                    "{n} report waiting since {since} (UTC).",
                    "{n} reports waiting since {since} (UTC).",
                    state.waiting,
                    since=since,
                )
            )
        else:
            print(tr("Nothing waiting in the outbox."))
        reports = queue.recent(200) if args.all else queue.pending()
        for report in reports:
            print(f"{report.item.created_at:%Y-%m-%d %H:%M}  {report.item.id.hex[:8]}  {report.item.title}")
            if not report.deliveries:
                print("    " + tr("no destination set up yet"))
            for row in report.deliveries:
                if row.status == "done":
                    state_text = tr("delivered {at} (UTC)", at=row.delivered_at.strftime("%Y-%m-%d %H:%M"))
                else:
                    state_text = tr(
                        "waiting, attempts: {n}, next attempt {at} (UTC)",
                        n=row.attempts,
                        at=row.next_attempt_at.strftime("%Y-%m-%d %H:%M"),
                    )
                print(f"    {row.destination:<7} {state_text}")
                error = queue.last_error(row)
                if error is not None and row.status != "done":
                    print("      " + error.text())
    finally:
        db.close()
    return 0


def queue_report(rendered, kind: str, title: str) -> None:
    """``report ... --queue``: the PDF also goes into the outbox."""
    from shelter_app.outbox import queue

    item = queue.add(rendered.pdf, title, kind)
    kinds = [d.kind for d in queue.destinations()]
    print(
        tr(
            "Report queued in the outbox (id {id}) for: {list}.",
            id=item.id.hex[:8],
            list=", ".join(kinds) if kinds else tr("no destination set up yet"),
        )
    )
