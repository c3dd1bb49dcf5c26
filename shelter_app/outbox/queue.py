"""The report outbox: generated reports wait in the database until every destination has them.

``add(pdf, title, kind)`` stores the PDF itself in the database, with one delivery row per
configured destination, in one transaction: once it returns, the report survives restarts,
crashes and power cuts. ``send_due()`` tries every delivery whose time has come, with short
timeouts, outside any transaction; a failure records the attempt, the reason in words a
volunteer understands, and the next attempt, backing off exponentially (30 s, 1 min, 2 min...
at most one hour). ``status()`` says how many reports wait and since when.

Destinations (``destinations()``) come from this laptop's settings, declared in
``domain.settings_catalog`` and read through ``services.settings``, set with
``shelter-app config set KEY VALUE`` or on the Settings page:

- ``outbox.folder``: a folder, e.g. on a USB stick or a synced drive;
- ``hub.url``: the PostgreSQL hub (``sync.hub``), postgresql://user@host:port/database, the
  same hub the laptops sync through; its password never goes in the database;
- ``smtp.host``, ``smtp.port``, ``smtp.security`` (starttls | tls | none), ``smtp.user``,
  ``smtp.from``, ``smtp.to`` (comma-separated): e-mail. The password is never stored in the
  database: it comes from ``SHELTER_APP_SMTP_PASSWORD`` or the OS keyring (``delivery``).

A report goes to every destination configured. A report queued while nothing was configured
waits, and goes to the destinations configured later.

Delivery guarantee (each report reaches each destination once):

- Folder: the file name holds the report's id; the PDF is written to a temporary name, synced
  to the disk and renamed, so the folder never holds a half-written report. If the laptop dies
  after the rename but before the database records the delivery, the next attempt finds the
  file and counts it as delivered: the folder receives the report exactly once.
- Hub: the report is stored under its id, and the hub refuses a second copy of the same id
  (``ON CONFLICT DO NOTHING``), so a report sent again after a crash is stored once.
- E-mail: SMTP cannot be made exactly-once by the sender alone. If the laptop dies after the
  server accepted the message but before the delivery was recorded, the message is sent again,
  with the same ``Message-ID: <report-id@posko>``, so the receiver (or its mail program) can
  tell the repeat and drop it. Apart from that single window nothing is sent twice, and a
  report is never lost: it stays queued until the server accepted it.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import uuid
from dataclasses import dataclass, field

from shelter_app.domain.errors import RuleViolation
from shelter_app.faults import checkpoint
from shelter_app.history.records import atomic
from shelter_app.history.records import operator as current_operator
from shelter_app.i18n import Msg, _
from shelter_app.outbox import delivery
from shelter_app.services import settings
from shelter_app.storage.models import OutboxDelivery, OutboxItem, database, utc_now

log = logging.getLogger(__name__)

BACKOFF_FIRST = datetime.timedelta(seconds=30)
BACKOFF_CAP = datetime.timedelta(hours=1)

FOLDER = "folder"
EMAIL = "email"
HUB = "hub"
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}


@dataclass(frozen=True)
class Destination:
    kind: str  # FOLDER or EMAIL
    label: str  # where, for people: the folder, or the server and recipients
    config: dict


@dataclass
class Summary:
    """What one ``send_due`` did."""

    sent: int = 0
    failed: int = 0
    waiting: int = 0  # reports still waiting afterwards
    errors: list[Msg] = field(default_factory=list)


@dataclass(frozen=True)
class Status:
    waiting: int
    since: datetime.datetime | None  # when the oldest waiting report was queued
    next_attempt: datetime.datetime | None

    @property
    def due(self) -> bool:
        """Something waits and its next attempt has come."""
        return bool(self.waiting) and (self.next_attempt is None or self.next_attempt <= utc_now())


@dataclass(frozen=True)
class PendingReport:
    item: OutboxItem
    deliveries: list  # OutboxDelivery rows, pending and done

    @property
    def waiting_for(self) -> list[str]:
        return [d.destination for d in self.deliveries if d.status != "done"]


# --- configuration (declared in domain.settings_catalog, kept by services.settings) ----


def destinations() -> list[Destination]:
    """The destinations configured now: a folder, e-mail, or both (none when nothing is set)."""
    found = []
    folder = settings.value("outbox.folder")
    if folder:
        found.append(Destination(FOLDER, folder, {"folder": folder}))
    hub_url = settings.value("hub.url")
    if hub_url:
        from shelter_app.sync.hub import label

        found.append(Destination(HUB, label(hub_url), {"url": hub_url}))
    host, to = settings.value("smtp.host"), settings.value("smtp.to")
    if host and to:
        security = settings.value("smtp.security")
        port = settings.value("smtp.port") or DEFAULT_PORTS[security]
        user = settings.value("smtp.user") or ""
        sender = settings.value("smtp.from") or (user if "@" in user else f"posko@{host}")
        found.append(
            Destination(
                EMAIL,
                f"{', '.join(to)} ({host}:{port})",
                {"host": host, "port": port, "security": security, "user": user, "from": sender, "to": list(to)},
            )
        )
    return found


# --- the queue -------------------------------------------------------------------------


@atomic
def add(pdf_bytes: bytes, title: str, kind: str) -> OutboxItem:
    """Put a report in the outbox, with a delivery for every destination configured now."""
    if not pdf_bytes.startswith(b"%PDF"):
        raise RuleViolation("pdf", _("Only a finished PDF report can be queued."))
    item = OutboxItem.create(
        id=uuid.uuid4(), title=title[:300], kind=kind, pdf=pdf_bytes, created_by=current_operator()
    )
    _add_deliveries(item, [d.kind for d in destinations()])
    return item


def _add_deliveries(item: OutboxItem, kinds: list[str], now: datetime.datetime | None = None) -> None:
    now = now or utc_now()
    for kind in kinds:
        OutboxDelivery.insert(item=item.id, destination=kind, next_attempt_at=now).on_conflict_ignore().execute()


@atomic
def _plan(now: datetime.datetime) -> None:
    """Reports that are not yet everywhere also go to destinations configured since they were queued."""
    kinds = [d.kind for d in destinations()]
    if not kinds:
        return
    for item in _waiting_items():
        have = {
            row.destination
            for row in OutboxDelivery.select(OutboxDelivery.destination).where(OutboxDelivery.item == item.id)
        }
        missing = [kind for kind in kinds if kind not in have]
        if missing:
            _add_deliveries(item, missing, now)


def _waiting_items():
    undelivered = OutboxDelivery.select(OutboxDelivery.item).where(OutboxDelivery.status != "done")
    never_planned = OutboxItem.select(OutboxItem.id).where(
        ~OutboxItem.id.in_(OutboxDelivery.select(OutboxDelivery.item))
    )
    return OutboxItem.select().where(OutboxItem.id.in_(undelivered) | OutboxItem.id.in_(never_planned))


def pending() -> list[PendingReport]:
    """Reports still waiting for at least one destination, oldest first, with their deliveries."""
    items = list(_waiting_items().order_by(OutboxItem.created_at))
    return [PendingReport(item, list(item.deliveries.order_by(OutboxDelivery.destination))) for item in items]


def recent(limit: int = 20) -> list[PendingReport]:
    """The latest reports, delivered or not."""
    items = OutboxItem.select().order_by(OutboxItem.created_at.desc()).limit(limit)
    return [PendingReport(item, list(item.deliveries.order_by(OutboxDelivery.destination))) for item in items]


def status() -> Status:
    items = _waiting_items()
    oldest = items.order_by(OutboxItem.created_at).first()
    upcoming = (
        OutboxDelivery.select().where(OutboxDelivery.status != "done").order_by(OutboxDelivery.next_attempt_at).first()
    )
    return Status(items.count(), oldest.created_at if oldest else None, upcoming.next_attempt_at if upcoming else None)


def last_error(row: OutboxDelivery) -> Msg | None:
    if not row.last_error:
        return None
    stored = json.loads(row.last_error)
    return Msg(stored["msgid"], stored.get("params", {}))


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the n-th failed attempt: 30 s, 1 min, 2 min, ... at most one hour."""
    return min(BACKOFF_FIRST * (2 ** min(max(attempts - 1, 0), 20)), BACKOFF_CAP)


def file_name(item: OutboxItem) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", item.kind).strip("-").lower() or "report"
    return f"posko-{slug}-{item.created_at:%Y%m%d}-{item.id.hex}.pdf"


TRANSPORTS = {FOLDER: delivery.deliver_to_folder, EMAIL: delivery.deliver_by_email, HUB: delivery.deliver_to_hub}


def send_now(transports: dict | None = None) -> Summary:
    """The user asked: every waiting delivery is tried now, whatever its backoff said; the
    stored times are left alone (a failure schedules its next attempt as usual)."""
    return send_due(transports=transports, everything=True)


def send_due(now: datetime.datetime | None = None, transports: dict | None = None, everything: bool = False) -> Summary:
    """Try every delivery whose next attempt is due (``everything``: every waiting one); record
    each outcome. Never raises for a failed delivery: the reason is stored and shown, and the
    delivery waits for its next turn."""
    now = now or utc_now()
    transports = {**TRANSPORTS, **(transports or {})}
    _plan(now)
    configured = {d.kind: d for d in destinations()}
    summary = Summary()
    waiting = OutboxDelivery.status != "done"
    due = list(
        OutboxDelivery.select(OutboxDelivery.id)
        .where(waiting if everything else waiting & (OutboxDelivery.next_attempt_at <= now))
        .order_by(OutboxDelivery.next_attempt_at, OutboxDelivery.id)
    )
    for row_id in (row.id for row in due):
        row = OutboxDelivery.get_or_none(OutboxDelivery.id == row_id)
        if row is None or row.status == "done":
            continue
        destination = configured.get(row.destination)
        item = row.item
        try:
            if destination is None:
                raise delivery.DeliveryError(
                    _(
                        "This destination is no longer set up; set it again with "
                        "'shelter-app config set' or in the settings."
                    )
                )
            parcel = delivery.Parcel(item.id.hex, file_name(item), item.title, bytes(item.pdf))
            transports[row.destination](parcel, destination.config)  # no transaction held meanwhile
            checkpoint("outbox.delivered")
        except delivery.DeliveryError as error:
            _record_failure(row.id, error.message, now)
            summary.failed += 1
            summary.errors.append(error.message)
            log.warning("outbox: report %s to %s failed: %s", item.id.hex, row.destination, error.message.text("en"))
        except Exception as error:
            message = _(
                "This report could not be sent because of an unexpected problem ({kind}); the details "
                "are in the log file. It will be tried again.",
                kind=type(error).__name__,
            )
            _record_failure(row.id, message, now)
            summary.failed += 1
            summary.errors.append(message)
            log.exception("outbox: report %s to %s failed unexpectedly", item.id.hex, row.destination)
        else:
            _record_success(row.id, now)
            summary.sent += 1
            log.info("outbox: report %s delivered to %s", item.id.hex, row.destination)
    summary.waiting = _waiting_items().count()
    return summary


def _record_success(row_id: int, now: datetime.datetime) -> None:
    with database.atomic():
        OutboxDelivery.update(
            status="done",
            delivered_at=utc_now(),
            last_attempt_at=now,
            last_error="",
            attempts=OutboxDelivery.attempts + 1,
        ).where(OutboxDelivery.id == row_id).execute()


def _record_failure(row_id: int, message: Msg, now: datetime.datetime) -> None:
    with database.atomic():
        row = OutboxDelivery.get_by_id(row_id)
        attempts = row.attempts + 1
        stored = json.dumps({"msgid": message.msgid, "params": {k: str(v) for k, v in message.params.items()}})
        OutboxDelivery.update(
            attempts=attempts, last_attempt_at=now, last_error=stored, next_attempt_at=now + backoff(attempts)
        ).where(OutboxDelivery.id == row_id).execute()
