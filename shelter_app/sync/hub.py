"""Sync through a hub: a plain PostgreSQL server that the district or ministry runs.

The hub holds the log of every laptop's operations (its schema is created and upgraded on
first contact by its own migrations, ``hub_migrations``). A sync pushes this laptop's
operations the hub does not have yet, then pulls everyone else's and merges them
(``sync.merge``). Both directions keep a cursor in the laptop's database, moved only after the
work it covers is committed: interrupted at any point, the next sync carries on from there,
and since the hub ignores an operation it already holds (``UNIQUE (node, hlc)``) and the
merge skips one the laptop holds, nothing is ever applied twice.

The hub is also an outbox destination: ``store_report`` stores a report under its id, and
the hub refuses a second copy of the same report (the outbox calls it, ``outbox.delivery``).

The password is never stored: it comes from the URL given on the command line, from
``SHELTER_APP_HUB_PASSWORD`` or ``PGPASSWORD``, or from the OS keyring (service
``shelter-app``, user ``hub:<user>@<host>``).
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from peewee import Database, DatabaseError, InterfaceError, OperationalError
from playhouse.db_url import connect, parse
from playhouse.migrations import Runner

from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.hub_address import PASSWORD_ENV, URL_KEY, check_url  # noqa: F401 (check_url: sync's API)
from shelter_app.faults import checkpoint
from shelter_app.history import clock
from shelter_app.history.operations import Op, expand
from shelter_app.history.records import operator
from shelter_app.i18n import Msg, _
from shelter_app.services import presence, settings
from shelter_app.services.access import requires
from shelter_app.storage.models import Change, database, utc_now
from shelter_app.sync import merge

log = logging.getLogger(__name__)

LAST_KEY = "sync.hub.last"
KEYRING_SERVICE = "shelter-app"
CONNECT_TIMEOUT = 5  # seconds
PUSH_BATCH = 5000
PULL_BATCH = 2000
MIGRATIONS = Path(__file__).parent / "hub_migrations"
PUSH_LOCK = 0x706F736B6F  # "posko": pushes one at a time, so sequence numbers appear in order
SCHEMA_LOCK = PUSH_LOCK + 1


class HubError(Exception):
    """The hub could not be reached or refused; ``message`` says so in a volunteer's words."""

    def __init__(self, message: Msg):
        super().__init__(message.text("en"))
        self.message = message


@dataclass
class Synced:
    pushed: int = 0  # operations sent
    pulled: int = 0  # operations received
    new: int = 0  # received operations this laptop did not hold
    quarantined: int = 0  # received operations that broke a rule: kept aside, not applied
    hub: str = ""  # where, for people (no password)


@dataclass(frozen=True)
class LastSync:
    at: datetime.datetime | None
    ok: bool
    error: Msg | None
    pushed: int
    pulled: int


# --- configuration ---------------------------------------------------------------------


def configured_url() -> str | None:
    return settings.value(URL_KEY)


def label(url: str) -> str:
    """The hub for people: user@host:port/database, never the password."""
    parts = parse(url)
    user = f"{parts['user']}@" if parts.get("user") else ""
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"{user}{parts.get('host', '')}{port}/{parts.get('database', '')}"


def _password(parts: dict) -> str | None:
    if parts.get("password"):
        return parts["password"]
    for name in (PASSWORD_ENV, "PGPASSWORD"):
        if os.environ.get(name):
            return os.environ[name]
    try:
        import keyring  # optional

        return keyring.get_password(KEYRING_SERVICE, f"hub:{parts.get('user', '')}@{parts.get('host', '')}")
    except Exception:  # no keyring package or backend
        return None


# --- connecting ------------------------------------------------------------------------


def _explain(error: Exception, url: str) -> Msg:
    text = str(error)
    parts = parse(url)
    where = label(url)
    if "password authentication failed" in text or "no password supplied" in text:
        return _(
            "The hub {hub} refused the password for user {user}. Put the right password in the "
            "environment variable {env} or in the system keyring, then sync again.",
            hub=where,
            user=parts.get("user", ""),
            env=PASSWORD_ENV,
        )
    if "does not exist" in text and "database" in text:
        return _(
            'The hub server has no database "{name}". Check the hub address in the settings.',
            name=parts.get("database", ""),
        )
    if any(
        words in text
        for words in (
            "could not connect",
            "Connection refused",
            "timeout expired",
            "could not translate host name",
            "No route to host",
            "Network is unreachable",
        )
    ):
        return _(
            "Cannot reach the hub {hub}: no network, or the server is off. Your work is kept on this "
            "laptop; Posko will sync when the hub can be reached.",
            hub=where,
        )
    if any(
        words in text
        for words in (
            "server closed the connection",
            "terminating connection",
            "connection already closed",
            "SSL connection has been closed",
            "could not receive data from server",
            "could not send data to server",
            "SSL SYSCALL error",
            "Connection reset by peer",
            "Broken pipe",
        )
    ):
        return _(
            "The connection to the hub {hub} was lost during the sync. What was already sent is kept "
            "there; the next sync carries on from where this one stopped.",
            hub=where,
        )
    return _("The hub {hub} answered with an error: {reason}", hub=where, reason=text.strip().splitlines()[0])


def open_hub(url: str) -> Database:
    """Connected to the hub, its schema up to date; a HubError in words otherwise."""
    parts = parse(url)
    options = {"connect_timeout": CONNECT_TIMEOUT, "application_name": "posko"}
    password = _password(parts)
    if password:
        options["password"] = password
    hub = connect(url, **options)
    try:
        hub.connect()
        _upgrade(hub)
    except (OperationalError, InterfaceError, DatabaseError) as error:
        hub.close()
        raise HubError(_explain(error, url)) from None
    return hub


def _upgrade(hub: Database) -> None:
    """The hub's migrations, one laptop at a time (20 may make first contact together)."""
    runner = Runner(hub, directory=str(MIGRATIONS), table_name="hub_schema_migration")
    hub.execute_sql("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
    try:
        status = runner.status()
        if any(migration.path is None for migration in status):
            raise HubError(
                _(
                    "The hub was set up by a newer version of Posko. Install the newer version "
                    "on this laptop to sync with it."
                )
            )
        if any(migration.applied is None for migration in status):
            runner.up()
    finally:
        hub.execute_sql("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))


@contextmanager
def _talking(url: str) -> Iterator[Database]:
    hub = open_hub(url)
    try:
        yield hub
    except (OperationalError, InterfaceError, DatabaseError) as error:
        raise HubError(_explain(error, url)) from None
    finally:
        try:
            hub.close()
        except Exception:  # the connection may already be gone
            pass


def hub_id(hub: Database) -> str:
    return str(hub.execute_sql("SELECT id FROM hub_info").fetchone()[0]).replace("-", "")


# --- push and pull ---------------------------------------------------------------------


def _batches(source: str, after: int) -> Iterator[tuple[list[Op], int]]:
    """This laptop's operations the hub may lack, in history order, in batches; with each
    batch the history number up to which everything has then been sent."""
    batch: list[Op] = []
    done = after
    changes = Change.select().where(Change.seq > after, Change.source != source).order_by(Change.seq)
    for change in changes.iterator():
        for op in expand([change]):
            batch.append(op)
            if len(batch) >= PUSH_BATCH:
                yield batch, done
                batch = []
        done = change.seq
    if batch or done != after:
        yield batch, done


def _send(hub: Database, ops: list[Op]) -> int:
    """Store operations on the hub; returns how many it did not hold yet."""
    from psycopg2.extras import Json, execute_values

    with hub.atomic():
        hub.execute_sql("SELECT pg_advisory_xact_lock(%s)", (PUSH_LOCK,))
        return len(
            execute_values(
                hub.cursor(),
                (
                    "INSERT INTO hub_op (node, hlc, tbl, row_id, action, data, bases, at, by, account) VALUES %s "
                    "ON CONFLICT (node, hlc) DO NOTHING RETURNING 1"
                ),
                [
                    (
                        op.node,
                        op.hlc,
                        op.table,
                        op.row_id,
                        op.action,
                        Json(op.data),
                        Json(op.bases) if op.bases else None,
                        op.at,
                        op.by,
                        op.account,
                    )
                    for op in ops
                ],
                page_size=1000,
                fetch=True,
            )
        )


def push(hub: Database, progress: Callable[[str, int], None] | None = None) -> int:
    ident = hub_id(hub)
    key = f"sync.hub.{ident}.pushed"
    sent = 0
    for ops, done in _batches(f"hub:{ident}", settings.state(key, 0)):
        if ops:
            sent += _send(hub, ops)  # what the hub already held (re-sent after a crash) is not counted
            checkpoint("hub.sent")
        settings.set_state(key, done)  # after the hub committed: a crash in between re-sends, which is harmless
        if progress:
            progress("push", sent)
    return sent


def pull(hub: Database, progress: Callable[[str, int], None] | None = None) -> merge.Applied:
    ident = hub_id(hub)
    key = f"sync.hub.{ident}.pulled"
    me = clock.node_id()
    total = merge.Applied()
    touched: dict[str, set[str]] = {}
    after = settings.state(key, 0)
    while True:
        rows = hub.execute_sql(
            "SELECT seq, node, hlc, tbl, row_id, action, data, bases, at, by, account FROM hub_op "
            "WHERE seq > %s AND node <> %s ORDER BY seq LIMIT %s",
            (after, me, PULL_BATCH),
        ).fetchall()
        if not rows:
            break
        ops = [
            Op(
                node=node,
                hlc=hlc,
                table=table,
                row_id=row_id,
                action=action,
                data=data,
                bases=bases or {},
                at=at,
                by=by,
                account=(account or "").strip(),
            )
            for _seq, node, hlc, table, row_id, action, data, bases, at, by, account in rows
        ]
        after = rows[-1][0]
        with database.atomic():  # the merge and the cursor together, or neither
            total.add(merge.apply(ops, source=f"hub:{ident}", touched=touched))
            checkpoint("hub.merged")
            settings.set_state(key, after)
        if progress:
            progress("pull", total.received)
    merge.refresh_presence(touched)
    return total


def _seen(hub: Database, pushed: bool, pulled: bool) -> None:
    who = f"{operator() or '?'} @ {socket.gethostname()}"
    with hub.atomic():
        hub.execute_sql(
            "INSERT INTO hub_node (node, label, last_push, last_pull) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (node) DO UPDATE SET label = EXCLUDED.label, "
            "last_push = COALESCE(EXCLUDED.last_push, hub_node.last_push), "
            "last_pull = COALESCE(EXCLUDED.last_pull, hub_node.last_pull)",
            (clock.node_id(), who, utc_now() if pushed else None, utc_now() if pulled else None),
        )


@requires("sync.run")
def sync(url: str | None = None, progress: Callable[[str, int], None] | None = None) -> Synced:
    """Push, then pull and merge. Records the outcome (``last()``); raises HubError in words."""
    url = url or configured_url()
    if not url:
        raise RuleViolation(
            URL_KEY,
            _(
                "No hub is set up. Give its address with --hub or set it with "
                "'shelter-app config set hub.url postgresql://user@host/posko'."
            ),
        )
    result = Synced(hub=label(url))
    try:
        with _talking(url) as hub:
            presence.ensure_fresh()  # a pull killed half-way last time
            result.pushed = push(hub, progress)
            applied = pull(hub, progress)
            result.pulled, result.new, result.quarantined = applied.received, applied.new, applied.quarantined
            _seen(hub, True, True)
    except HubError as error:
        _remember(False, error.message, result)
        log.warning("sync with %s failed: %s", result.hub, error.message.text("en"))
        raise
    _remember(True, None, result)
    log.info("sync with %s: pushed %d, pulled %d (%d new)", result.hub, result.pushed, result.pulled, result.new)
    return result


def _remember(ok: bool, error: Msg | None, result: Synced) -> None:
    settings.set_state(
        LAST_KEY,
        {
            "at": utc_now().isoformat(),
            "ok": ok,
            "pushed": result.pushed,
            "pulled": result.pulled,
            "error": {"msgid": error.msgid, "params": {k: str(v) for k, v in error.params.items()}} if error else None,
        },
    )


def last() -> LastSync | None:
    """The outcome of the latest sync through a hub, for the status bar."""
    stored = settings.state(LAST_KEY)
    if not stored:
        return None
    error = stored.get("error")
    return LastSync(
        at=datetime.datetime.fromisoformat(stored["at"]),
        ok=stored["ok"],
        error=Msg(error["msgid"], error["params"]) if error else None,
        pushed=stored.get("pushed", 0),
        pulled=stored.get("pulled", 0),
    )


# --- reports ---------------------------------------------------------------------------


def store_report(url: str, report_id: str, filename: str, title: str, pdf: bytes) -> None:
    """Store a report on the hub under its id; a copy already there is kept as it is. A
    HubError in words when the hub cannot be reached or refuses."""
    with _talking(url) as hub:
        with hub.atomic():
            hub.execute_sql(
                "INSERT INTO hub_report (id, filename, title, pdf, node) VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (id) DO NOTHING",
                (report_id, filename, title, pdf, clock.node_id()),
            )


def reports_on_hub(url: str) -> list[tuple[str, str]]:
    """(id, title) of every report the hub holds, oldest first."""
    with _talking(url) as hub:
        return [
            (str(row[0]).replace("-", ""), row[1])
            for row in hub.execute_sql("SELECT id, title FROM hub_report ORDER BY received_at").fetchall()
        ]
