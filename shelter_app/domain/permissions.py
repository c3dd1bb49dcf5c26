"""Who may do what: the roles and the one permission table (action -> roles).

The services check it themselves (``services.access.require``), so the window, the command
line and any later interface get the same answer; the window asks ``allowed`` to hide or
disable what a role may not do, and shows ``refusal`` as the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import Msg, _

COORDINATOR = "coordinator"
VOLUNTEER = "volunteer"
OBSERVER = "observer"
ROLES = (COORDINATOR, VOLUNTEER, OBSERVER)

ROLE_LABELS = {
    COORDINATOR: _("coordinator"),
    VOLUNTEER: _("volunteer"),
    OBSERVER: _("observer"),
}

_ALL = frozenset(ROLES)
_STAFF = frozenset({COORDINATOR, VOLUNTEER})
_COORD = frozenset({COORDINATOR})

# action -> (roles allowed, what the action is, in words)
PERMISSIONS: dict[str, tuple[frozenset[str], Msg]] = {
    # the figures: every role
    "figures.view": (_ALL, _("see the dashboard, the figures and the sites")),
    "reports.aggregate": (_ALL, _("make aggregate reports (daily, summary, stock card)")),
    "stock.view": (_ALL, _("see the stock on hand")),
    "profile.own": (_ALL, _("change your own profile and password")),
    # the daily work: coordinators and volunteers
    "roster.view": (_STAFF, _("see persons and households")),
    "roster.edit": (_STAFF, _("register and correct persons and households")),
    "stays.edit": (_STAFF, _("check persons in, transfer and check them out")),
    "stock.edit": (_STAFF, _("receive, issue, distribute and adjust stock")),
    "activities.edit": (_STAFF, _("plan activities and their participants")),
    "installations.edit": (_STAFF, _("record installations and their state")),
    "roster.import": (_STAFF, _("import a roster")),
    "sync.run": (_STAFF, _("sync with the hub or a sync file")),
    "reports.personal": (_STAFF, _("print rosters and household cards (NIK masked)")),
    "export.sites": (_STAFF, _("export the sites")),
    "backup.make": (_STAFF, _("make a backup")),
    "history.view": (_STAFF, _("see the history of changes")),
    "history.undo_own": (_STAFF, _("undo your own changes")),
    # coordinators only
    "sites.edit": (_COORD, _("create and change the event and the sites")),
    "identity.full": (_COORD, _("see, print or export full NIK and KK")),
    "export.personal": (_COORD, _("export personal data")),
    "history.undo_any": (_COORD, _("undo another person's change")),
    "settings.edit": (_COORD, _("change the settings of the operation and of this laptop")),
    "accounts.manage": (_COORD, _("add, change and disable accounts")),
    "backup.restore": (_COORD, _("restore a backup")),
    "sync.settle": (_COORD, _("settle conflicts and merge duplicates")),
    "audit.view": (_COORD, _("read the audit trail")),
    "data.anonymise": (_COORD, _("anonymise persons who left")),
}

# Which action a change to a synced table needs: the check of operations received by sync
# (``sync.accounts_check``). Tables not listed need "accounts.manage".
TABLE_ACTIONS = {
    "event": "sites.edit",
    "site": "sites.edit",
    "installation": "installations.edit",
    "installation_state": "installations.edit",
    "household": "roster.edit",
    "person": "roster.edit",
    "stay": "stays.edit",
    "stock_item": "stock.edit",
    "stock_lot": "stock.edit",
    "stock_movement": "stock.edit",
    "activity": "activities.edit",
    "activity_participant": "activities.edit",
    "operation_setting": "settings.edit",
    "audit_entry": "figures.view",  # every role leaves a trace (a sign-in, a lock)
}


@dataclass(frozen=True)
class Actor:
    """The account signed in to this process."""

    id: str  # the account's id, 32 hex digits
    username: str
    role: str
    name: str = ""


def roles_for(action: str) -> frozenset[str]:
    return PERMISSIONS[action][0]


def allowed(role: str | None, action: str) -> bool:
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}")
    return role in PERMISSIONS[action][0]


def refusal(action: str, role: str | None) -> RuleViolation:
    """The error saying who may do this action."""
    roles, what = PERMISSIONS[action]
    names = [ROLE_LABELS[r] for r in ROLES if r in roles]
    if role is None:
        return RuleViolation("account", _("Sign in first: only a signed-in account may {what}.", what=what))
    return RuleViolation(
        "account",
        _(
            "Your role ({role}) may not {what}; only {roles} may.",
            role=ROLE_LABELS.get(role, role),
            what=what,
            roles=_LazyJoin(names, " / "),
        ),
    )


class _LazyJoin:
    """Messages joined in whatever language the refusal is shown in."""

    def __init__(self, parts, sep: str = ", "):
        self.parts = parts
        self.sep = sep

    def text(self, lang: str | None = None) -> str:
        return self.sep.join(part.text(lang) if hasattr(part, "text") else str(part) for part in self.parts)

    def __str__(self) -> str:
        return self.text()
