"""``shelter-app sync`` (through the hub), ``sync export --out FILE``, ``sync import FILE``,
``sync conflicts``, ``sync duplicates`` and ``sync quarantine``.

Exit codes: 0 done; 2 a broken rule or a refused file (nothing applied); 3 the hub could not
be reached or refused (nothing lost: the next sync carries on).
"""

from __future__ import annotations

import sys

from shelter_app.cli.common import open_database
from shelter_app.i18n import ntr, tr


def add_parsers(sub, common) -> None:
    sync = sub.add_parser(
        "sync",
        parents=[common],
        help=tr("merge this laptop's data with the others (hub or file)"),
        description=tr(
            "Without a subcommand: push this laptop's changes to the hub and pull everyone else's. "
            "The hub is --hub, else the hub.url setting. Its password comes from "
            "SHELTER_APP_HUB_PASSWORD, PGPASSWORD or the system keyring."
        ),
    )
    sync.add_argument("--hub", metavar="URL", help=tr("the hub, postgresql://user@host:5432/database"))
    sync.set_defaults(run=hub_command)
    actions = sync.add_subparsers(dest="sync_action", metavar=tr("action"))

    export = actions.add_parser(
        "export",
        parents=[common],
        help=tr("write every change into one file"),
        description=tr(
            "Write every change this laptop holds into one file, to carry to another laptop (e.g. on a USB stick)."
        ),
    )
    export.add_argument("--out", required=True, metavar="FILE", help=tr("the file to write"))
    export.set_defaults(run=export_command)

    imported = actions.add_parser(
        "import",
        parents=[common],
        help=tr("merge a file written by 'sync export'"),
        description=tr(
            "Merge a file written by 'sync export' on another laptop. A "
            "damaged or foreign file is refused with nothing applied; "
            "importing the same file again changes nothing."
        ),
    )
    imported.add_argument("file", metavar="FILE", help=tr("the sync file"))
    imported.set_defaults(run=import_command)

    listed = actions.add_parser(
        "conflicts",
        parents=[common],
        help=tr("list edits that lost to another edit"),
        description=tr(
            "List edits that lost to a concurrent edit of the same field on another laptop; settle them in the window."
        ),
    )
    listed.set_defaults(run=conflicts_command)

    same = actions.add_parser(
        "duplicates",
        parents=[common],
        help=tr("list persons registered twice (same NIK)"),
        description=tr("List persons registered on two laptops with the same NIK; merge them in the window."),
        epilog=tr(
            "Persons at two places at once (checked in on two laptops before they "
            "synced, so their stays overlap) are listed after them; keep the right "
            "stay in the window."
        ),
    )
    same.set_defaults(run=duplicates_command)

    held = actions.add_parser(
        "quarantine",
        parents=[common],
        help=tr("list received changes that broke a rule and were not applied"),
        description=tr(
            "List the changes received from a sync file or the hub that broke a rule (a wrong value, "
            "an unknown record, a time stamp far ahead): they were kept aside, not applied; the rest "
            "of the sync went on."
        ),
    )
    held.set_defaults(run=quarantine_command)


def _progress(stage: str, count: int) -> None:
    text = (
        ntr("sent {n} change…", "sent {n} changes…", count)
        if stage == "push"
        else ntr("received {n} change…", "received {n} changes…", count)
    )
    print(text, file=sys.stderr, flush=True)


def hub_command(args) -> int:
    from shelter_app.sync import hub

    db, _target = open_database(args)
    try:
        url = hub.check_url(args.hub, allow_password=True) if args.hub else None
        try:
            result = hub.sync(url, progress=_progress)
        except hub.HubError as error:
            print(tr("Sync failed: {reason}", reason=error.message.text()), file=sys.stderr)
            return 3
        print(
            ntr(
                "Synced with {hub}: sent {pushed} change, received {pulled} ({new} new).",
                "Synced with {hub}: sent {pushed} changes, received {pulled} ({new} new).",
                result.pushed,
                hub=result.hub,
                pushed=result.pushed,
                pulled=result.pulled,
                new=result.new,
            )
        )
        _report_quarantined(result.quarantined)
        _report_review()
    finally:
        db.close()
    return 0


def _report_review() -> None:
    from shelter_app.history import conflicts
    from shelter_app.sync import duplicates

    waiting, twice, places = conflicts.count(), duplicates.count(), duplicates.two_places_count()
    if waiting:
        print(
            ntr(
                "{n} conflict waits for review: 'shelter-app sync conflicts', or Data > Sync in the window.",
                "{n} conflicts wait for review: 'shelter-app sync conflicts', or Data > Sync in the window.",
                waiting,
            )
        )
    if twice:
        print(
            ntr(
                "{n} person is registered twice with the same NIK: 'shelter-app sync duplicates'.",
                "{n} persons are registered twice with the same NIK: 'shelter-app sync duplicates'.",
                twice,
            )
        )
    if places:
        print(
            ntr(
                "{n} person is at two places at once (stays that overlap): 'shelter-app sync duplicates'.",
                "{n} persons are at two places at once (stays that overlap): 'shelter-app sync duplicates'.",
                places,
            )
        )


def export_command(args) -> int:
    from shelter_app.domain.errors import RuleViolation
    from shelter_app.i18n import _
    from shelter_app.sync import sync_file

    db, _target = open_database(args)
    try:
        try:
            exported = sync_file.export(args.out)
        except OSError as error:
            raise RuleViolation(
                "out",
                _(
                    "Could not write {path} ({reason}); nothing was written. Check that "
                    "the USB stick is plugged in, not full and not write-protected.",
                    path=args.out,
                    reason=error.strerror or str(error),
                ),
            ) from None
        print(
            ntr(
                "Wrote {n} change to {path}.",
                "Wrote {n} changes to {path}.",
                exported.operations,
                path=str(exported.path),
            )
        )
    finally:
        db.close()
    return 0


def import_command(args) -> int:
    from shelter_app.sync import sync_file

    db, _target = open_database(args)
    try:
        imported = sync_file.import_file(args.file)
        print(
            ntr(
                "Merged {path}: {n} change in the file, {new} new here.",
                "Merged {path}: {n} changes in the file, {new} new here.",
                imported.operations,
                path=args.file,
                new=imported.new,
            )
        )
        _report_quarantined(imported.quarantined)
        _report_review()
    finally:
        db.close()
    return 0


def _report_quarantined(count: int) -> None:
    if count:
        print(
            ntr(
                "{n} change broke a rule and was not applied: see 'shelter-app sync quarantine'.",
                "{n} changes broke a rule and were not applied: see 'shelter-app sync quarantine'.",
                count,
            )
        )


def quarantine_command(args) -> int:
    from shelter_app.sync import quarantine

    db, _target = open_database(args)
    try:
        found = quarantine.listed()
        for held in found:
            print(
                f"{held.id:>5}  {held.received_at:%Y-%m-%d %H:%M}  {held.source[:24]:<24}  "
                f"{held.field or held.table}  {held.row_id[:32]}  {held.reason}"
            )
        print(ntr("{n} change kept aside.", "{n} changes kept aside.", len(found)))
    finally:
        db.close()
    return 0


def _shown(field: str, value) -> str:
    """A conflicting value as listed: NIK and KK masked."""
    from shelter_app.domain.identity import mask

    if field in ("nik", "kk") and value:
        return mask(str(value), full=False)
    return str(value)


def conflicts_command(args) -> int:
    from shelter_app.history import conflicts

    db, _target = open_database(args)
    try:
        found = conflicts.listed()
        for conflict in found:
            print(
                f"{conflict.id:>5}  {conflict.table}.{conflict.field}  {conflict.row_id}  "
                + tr(
                    "now: {current} ({by}); lost: {lost} ({lost_by}, {at:%Y-%m-%d %H:%M})",
                    current=_shown(conflict.field, conflict.current_value),
                    by=conflict.current_by,
                    lost=_shown(conflict.field, conflict.lost_value),
                    lost_by=conflict.lost_by,
                    at=conflict.lost_at,
                )
            )
        print(ntr("{n} conflict.", "{n} conflicts.", len(found)))
    finally:
        db.close()
    return 0


def duplicates_command(args) -> int:
    from shelter_app.domain.identity import mask
    from shelter_app.sync import duplicates

    db, _target = open_database(args)
    try:
        groups = duplicates.same_nik()
        for group in groups:
            names = "; ".join(f"{p.name} ({p.id.hex[:8]})" for p in group.persons)
            print(f"{mask(group.nik, full=False)}  {names}")
        print(ntr("{n} NIK registered more than once.", "{n} NIKs registered more than once.", len(groups)))
        pairs = duplicates.two_places()
        for pair in pairs:
            where = "; ".join(_stay_text(stay) for stay in pair.stays)
            print(f"{pair.person.name} ({pair.person.id.hex[:8]})  {where}")
        print(
            ntr(
                "{n} person at two places at once (keep the right stay in the window).",
                "{n} persons at two places at once (keep the right stay in the window).",
                len({pair.person.id for pair in pairs}),
            )
        )
    finally:
        db.close()
    return 0


def _stay_text(stay) -> str:
    """SDN Cugenang 1 from 2022-11-23, still there (Ani, 2022-11-23 10:31)."""
    recorded = f"{stay.created_by or '?'}, {stay.created_at:%Y-%m-%d %H:%M}"
    if stay.left_on:
        return tr(
            "{site} from {arrived} to {left} ({recorded})",
            site=stay.site.name,
            arrived=stay.arrived_on.isoformat(),
            left=stay.left_on.isoformat(),
            recorded=recorded,
        )
    return tr(
        "{site} from {arrived}, still there ({recorded})",
        site=stay.site.name,
        arrived=stay.arrived_on.isoformat(),
        recorded=recorded,
    )
