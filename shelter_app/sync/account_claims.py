"""The check of the account each received operation claims, made before a merge applies it.

An operation names the account that made it (``Op.account``). It is refused when it claims an
account the operation does not know, or a role that account does not have (an observer's
account inserting a person, a volunteer's changing a setting or another account); an entry of
the audit trail is only ever inserted. Operations without an account are the ones made before
accounts existed: accepted when they are older than the operation's first account.

``split`` is the small function the merge calls: it returns the operations to apply and the
refused ones with the reason (the quarantine keeps those where it exists).
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from shelter_app.domain.permissions import TABLE_ACTIONS, allowed
from shelter_app.history.operations import Op
from shelter_app.i18n import Msg, _
from shelter_app.storage.models import Account, Change

PROFILE_FIELDS = {"full_name", "position", "agency", "phone", "updated_at", "updated_by"}


@dataclass(frozen=True)
class Refused:
    op: Op
    reason: Msg


def _known() -> dict[str, str]:
    """Account id -> role, of the accounts this laptop holds."""
    return {row.id.hex: row.role for row in Account.select(Account.id, Account.role)}


def _first_account_hlc(ops: list[Op]) -> int | None:
    stored = Change.select(fn.MIN(Change.hlc)).where(Change.table == "account").scalar()
    received = [op.hlc for op in ops if op.table == "account" and op.action == "insert"]
    candidates = [h for h in [stored, *received] if h is not None]
    return min(candidates) if candidates else None


def _action_for(op: Op) -> str:
    if op.table == "account":
        if op.action == "update" and op.row_id == op.account and set(op.data) <= PROFILE_FIELDS:
            return "profile.own"
        return "accounts.manage"
    if op.table == "account_credential":
        return "profile.own" if op.row_id == op.account else "accounts.manage"
    return TABLE_ACTIONS.get(op.table, "accounts.manage")


def split(ops: list[Op]) -> tuple[list[Op], list[Refused]]:
    """The operations whose account claims hold, and the refused ones with the reason."""
    if not ops:
        return [], []
    roles = _known()
    first = _first_account_hlc(ops)
    accepted: list[Op] = []
    refused: list[Refused] = []
    for op in sorted(ops, key=lambda o: o.key):
        reason = _reason(op, roles, first)
        if reason is not None:
            refused.append(Refused(op, reason))
            continue
        accepted.append(op)
        if op.table == "account" and op.action in ("insert", "update") and "role" in op.data:
            roles[op.row_id] = str(op.data["role"])
    return accepted, refused


def _reason(op: Op, roles: dict[str, str], first: int | None) -> Msg | None:
    if op.table == "audit_entry" and op.action != "insert":
        return _("The audit trail is only appended to; an operation changing an entry is refused.")
    if not op.account:
        if op.table == "audit_entry" or first is None or op.hlc < first:
            return None  # a failed sign-in, or a change made before the operation had accounts
        return _("This change names no account, but was made after the operation had accounts.")
    role = roles.get(op.account)
    if role is None:
        bootstrap = op.table == "account" and op.action == "insert" and op.row_id == op.account
        if bootstrap and op.data.get("role") == "coordinator":
            return None  # a laptop's first coordinator creates its own account
        return _("This change claims an account ({account}) the operation does not know.", account=op.account)
    action = _action_for(op)
    if not allowed(role, action):
        return _(
            "This change claims the account {account} with the role {role}, which may not make it.",
            account=op.account,
            role=role,
        )
    return None
