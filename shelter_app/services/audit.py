"""The audit trail: what was seen, printed, exported, signed into or changed, by whom.

Appended, never edited: this module only adds entries (``record``) and reads them. Entries
are synced records (``AuditEntry``), so they travel to the hub with the data and a laptop
cannot hide them. Never a password or a person's data in an entry: counts and where to.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from shelter_app.history import records
from shelter_app.i18n import _
from shelter_app.services.access import requires
from shelter_app.storage.models import AuditEntry, utc_now

# action -> what it means, in words
ACTIONS = {
    "sign_in": _("signed in"),
    "sign_in_failed": _("failed sign-in"),
    "sign_out": _("signed out"),
    "lock": _("locked the window"),
    "unlock": _("unlocked the window"),
    "unlock_failed": _("failed unlock"),
    "full_identity_shown": _("full NIK/KK shown"),
    "print": _("printed personal data"),
    "export": _("exported personal data"),
    "backup": _("backup written"),
    "sync_file": _("sync file written"),
    "setting_changed": _("setting changed"),
    "account_added": _("account added"),
    "account_changed": _("account changed"),
    "account_disabled": _("account disabled"),
    "password_changed": _("password changed"),
    "restore": _("backup restored"),
    "undo": _("change undone"),
    "anonymise": _("persons anonymised"),
}


def record(action: str, persons: int = 0, target: str = "", username: str | None = None, **detail) -> None:
    """Append one entry, made by the signed-in account (or naming ``username`` when nobody is,
    as a failed sign-in does)."""
    if action not in ACTIONS:
        raise KeyError(f"unknown audit action {action!r}")
    actor = records.actor()
    with records.transaction():
        records.create(
            AuditEntry,
            at=utc_now(),
            account=actor.id if actor else "",
            username=username if username is not None else (actor.username if actor else ""),
            action=action,
            persons=persons,
            target=str(target),
            detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
        )


@requires("identity.full")
def full_identity_shown(persons: int, where: str) -> None:
    """Full NIK and KK are about to be shown on screen (coordinators only): the trail says so."""
    record("full_identity_shown", persons=persons, target=where)


@dataclass(frozen=True)
class Entry:
    at: datetime.datetime
    username: str
    action: str
    persons: int
    target: str
    detail: dict

    @property
    def what(self) -> str:
        label = ACTIONS.get(self.action)
        return label.text() if label else self.action

    def as_json(self) -> dict:
        return {
            "at": self.at.isoformat(),
            "user": self.username,
            "action": self.action,
            "persons": self.persons,
            "target": self.target,
            "detail": self.detail,
        }


@requires("audit.view")
def entries(since: datetime.date | None = None, username: str | None = None, action: str | None = None) -> list[Entry]:
    """The trail, oldest first, from the day ``since`` on, of one user or one kind of action."""
    query = AuditEntry.select().where(AuditEntry.deleted_at.is_null())
    if since:
        query = query.where(AuditEntry.at >= datetime.datetime.combine(since, datetime.time()))
    if username:
        query = query.where(AuditEntry.username == username.strip().lower())
    if action:
        query = query.where(AuditEntry.action == action)
    return [
        Entry(row.at, row.username, row.action, row.persons, row.target, json.loads(row.detail or "{}"))
        for row in query.order_by(AuditEntry.at, AuditEntry.created_at)
    ]
