"""Every setting of Posko, declared once: key, scope, kind, default, label, help and checks.

Three scopes say where a setting lives and who shares it:

- ``laptop``: this laptop's own (where reports go, the hub, the backup folder). Kept in the
  database's local ``setting`` table; never synced.
- ``operation``: travels with the operation's data (standards profile, age bands). Kept as
  synced records (``storage.models.OperationSetting``): a change is recorded in the history
  (who, when, old and new value), can be undone, and reaches the other laptops with sync.
- ``user``: the person at the window (language, name, window layout). Kept in the user's
  settings file by ``ui.user_settings``.

Everything that reads, checks, lists or edits a setting is built from ``DECLARED``: the
settings service (``services.settings``), ``shelter-app config`` and the Settings page. A
kind (``Kind``) says how a value is read from what a person typed, checked, stored as JSON
and shown; a refused value raises a RuleViolation naming the setting and saying how to fix it.

This module sits in ``domain``: it needs only the standards (profiles, age bands), the
translation layer and the hub address rule, and the command line, the window's settings
store and the services all read it, with or without a database open.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shelter_app.domain import hub_address
from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.standards import DEFAULT_AGE_BANDS, DEFAULT_PROFILE, PROFILES, AgeBand
from shelter_app.i18n import N_, Msg, _

LAPTOP = "laptop"
OPERATION = "operation"
USER = "user"
SCOPES = (LAPTOP, OPERATION, USER)

# Where the secrets come from instead (``services.delivery``, ``sync.hub``).
SMTP_PASSWORD_ENV = "SHELTER_APP_SMTP_PASSWORD"
KEYRING_SERVICE = "shelter-app"


# --- kinds of values -------------------------------------------------------------------


class Kind:
    """How one kind of value is read from text, checked, stored (JSON) and shown."""

    def parse(self, spec: SettingSpec, text: str):
        """What a person typed (command line, a line edit) as the value to store; "" = unset."""
        text = text.strip()
        return None if not text else self.check(spec, text)

    def check(self, spec: SettingSpec, value):
        """A value given by code, checked; the value to store."""
        return value

    def to_json(self, value):
        return value

    def from_json(self, value):
        return value

    def show(self, value) -> str:
        return "" if value is None else str(value)

    def hint(self, spec: SettingSpec) -> str:
        """A placeholder for an empty line edit."""
        return ""


class Text(Kind):
    def check(self, spec, value):
        return str(value).strip() or None


class Folder(Kind):
    """A folder path; ``writable``: it is created and a file written there before it is kept."""

    def __init__(self, writable: bool = False):
        self.writable = writable

    def check(self, spec, value):
        text = str(value).strip()
        if not text:
            return None
        if not self.writable:
            return text
        target = Path(text).expanduser()
        try:
            target.mkdir(parents=True, exist_ok=True)
            probe = target / ".posko-write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            raise RuleViolation(
                spec.key,
                _(
                    "Backups cannot be written to {path}: {reason}. Plug the drive in or choose another folder.",
                    path=str(target),
                    reason=error.strerror or str(error),
                ),
            ) from None
        return str(target.resolve())


class Integer(Kind):
    def __init__(self, low: int, high: int):
        self.low, self.high = low, high

    def check(self, spec, value):
        text = str(value).strip()
        if not text.isdigit() or not self.low <= int(text) <= self.high:
            raise RuleViolation(
                spec.key,
                _("{label}: give a whole number from {low} to {high}.", label=spec.title, low=self.low, high=self.high),
            )
        return int(text)


class Choice(Kind):
    """One code of a list; ``labels``: code -> label (a msgid, or a name in its own language)."""

    def __init__(self, labels: dict[str, str], translated: bool = True):
        self.labels = labels
        self.translated = translated

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.labels)

    def check(self, spec, value):
        if value not in self.labels:
            raise RuleViolation(
                spec.key,
                _(
                    '{label}: "{value}" is not one of the choices; choose one of: {options}.',
                    label=spec.title,
                    value=str(value),
                    options=", ".join(self.labels),
                ),
            )
        return value

    def label(self, code: str) -> Msg | str:
        return _(self.labels[code]) if self.translated else self.labels[code]

    def hint(self, spec):
        return " / ".join(self.labels)


class Email(Kind):
    def check(self, spec, value):
        text = str(value).strip()
        if not text:
            return None
        if "@" not in text or " " in text:
            raise RuleViolation(
                spec.key, _("{label}: give one e-mail address, for example posko@example.org.", label=spec.title)
            )
        return text


class EmailList(Kind):
    """Addresses separated by commas, kept as a list."""

    def parse(self, spec, text):
        addresses = [part.strip() for part in text.split(",") if part.strip()]
        return self.check(spec, addresses) if text.strip() else None

    def check(self, spec, value):
        addresses = [value] if isinstance(value, str) else list(value or [])
        if not addresses or any("@" not in address or " " in address for address in addresses):
            raise RuleViolation(
                spec.key,
                _(
                    "{label}: give one or more e-mail addresses separated by commas, for example "
                    "pusdalops@example.org, dinsos@example.org.",
                    label=spec.title,
                ),
            )
        return addresses

    def show(self, value):
        return ", ".join(value) if value else ""


class HubUrl(Kind):
    def check(self, spec, value):
        return hub_address.check_url(str(value))

    def hint(self, spec):
        return "postgresql://posko@10.0.0.5:5432/posko"


class AgeBands(Kind):
    """Bands from 0, following each other without gaps, the last one open. Stored as a list of
    {name, min_years, max_years}; read as AgeBand tuples; typed as "bayi 0-1, ..., lansia 60+"."""

    def parse(self, spec, text):
        if not text.strip():
            return None
        bands = []
        for part in text.split(","):
            words = part.split()
            ages = words[-1] if len(words) >= 2 else ""
            low, _dash, high = ages.rstrip("+").partition("-")
            if not low.isdigit() or not (high.isdigit() or (high == "" and ages.endswith(("+", "-")))):
                raise RuleViolation(
                    spec.key,
                    _(
                        "{label}: write each band as its name and ages, from-to, separated by commas, the last one "
                        "open, for example: bayi 0-1, balita 1-5, anak 5-18, dewasa 18-60, lansia 60+.",
                        label=spec.title,
                    ),
                )
            bands.append(AgeBand(" ".join(words[:-1]), int(low), int(high) if high else None))
        return self.check(spec, bands)

    def check(self, spec, value):
        bands = [band if isinstance(band, AgeBand) else AgeBand(**band) for band in value]
        ordered = sorted(bands, key=lambda band: band.min_years)
        ok = bool(ordered) and ordered[0].min_years == 0 and ordered[-1].max_years is None
        for first, second in zip(ordered, ordered[1:]):
            ok = ok and first.max_years == second.min_years and first.max_years > first.min_years
        if not ok or len({band.name for band in ordered}) != len(ordered) or not all(b.name for b in ordered):
            raise RuleViolation(
                spec.key,
                _(
                    "Age bands must start at 0, follow each other without gaps, have distinct names "
                    "and the last one must have no upper limit."
                ),
            )
        return tuple(ordered)

    def hint(self, spec):
        return "bayi 0-1, balita 1-5, anak 5-18, dewasa 18-60, lansia 60+"

    def to_json(self, value):
        return [band.__dict__ for band in value]

    def from_json(self, value):
        return tuple(AgeBand(band["name"], band["min_years"], band["max_years"]) for band in value)

    def show(self, value):
        return ", ".join(
            f"{band.name} {band.min_years}+"
            if band.max_years is None
            else f"{band.name} {band.min_years}-{band.max_years}"
            for band in value or ()
        )


class Opaque(Kind):
    """Kept as the program gives it (window layouts, the import's column choices): never typed."""

    def parse(self, spec, text):
        raise RuleViolation(spec.key, _('"{key}" is kept by Posko itself and cannot be set by hand.', key=spec.key))


# --- the declaration -------------------------------------------------------------------


@dataclass(frozen=True)
class SettingSpec:
    key: str
    scope: str  # LAPTOP / OPERATION / USER
    kind: Kind
    default: object = None
    label: str = ""  # msgid
    help: str = ""  # msgid
    placeholder: str = ""  # msgid, or "" for the kind's own hint
    group: str = ""  # where the Settings page shows it (GROUPS)
    editable: bool = True  # False: kept by Posko itself, not listed nor typed
    secret: bool = False  # refused on purpose: it must never be stored (``help`` says where it goes)

    @property
    def title(self) -> Msg | str:
        """The label for people (the key itself when there is none)."""
        return _(self.label) if self.label else self.key

    def parse(self, text: str):
        """What a person typed, checked: the value to store (None: unset). RuleViolation else."""
        if self.secret:
            raise RuleViolation(
                self.key, _(self.help, env=SMTP_PASSWORD_ENV, service=KEYRING_SERVICE, hub_env=hub_address.PASSWORD_ENV)
            )
        return self.kind.parse(self, text)

    def check(self, value):
        """A value given by code, checked: the value to store (None: unset)."""
        if self.secret:
            return self.parse("")
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return self.kind.check(self, value)

    def show(self, value) -> str:
        return self.kind.show(value)

    def hint(self) -> str:
        return self.placeholder or self.kind.hint(self)

    @property
    def choices(self) -> tuple[str, ...]:
        return self.kind.codes if isinstance(self.kind, Choice) else ()


# The Settings page's groups, in order: key -> heading.
GROUPS = {
    "person": N_("You and this laptop"),
    "backups": N_("Backups"),
    "sending": N_("Sending reports (outbox)"),
    "operation": N_("This operation (saved in its database)"),
}

LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}  # each in its own language
SMTP_SECURITY = {code: code for code in ("starttls", "tls", "none")}
PROFILE_LABELS = {code: profile.label for code, profile in PROFILES.items()}

_USER_STATE = dict(scope=USER, kind=Opaque(), editable=False)

DECLARED: tuple[SettingSpec, ...] = (
    # --- the person at the window --------------------------------------------------------
    SettingSpec(
        "language", USER, Choice(LANGUAGE_NAMES, translated=False), default="id", label=N_("Language"), group="person"
    ),
    SettingSpec(
        "operator",
        USER,
        Text(),
        default="",
        label=N_("Operator's name"),
        group="person",
        placeholder=N_("Your name, recorded on every change you make"),
    ),
    # The person responsible for the daily report (until accounts exist): printed with the signature.
    SettingSpec("profile/position", USER, Text(), default="", label=N_("Position (jabatan)"), group="person"),
    SettingSpec("profile/agency", USER, Text(), default="", label=N_("Agency (instansi)"), group="person"),
    SettingSpec("profile/phone", USER, Text(), default="", label=N_("Phone"), group="person"),
    SettingSpec("database/path", USER, Folder(), label=N_("Database"), group="person", editable=False),
    SettingSpec("window/geometry", **_USER_STATE),
    SettingSpec("window/dialog_sizes", **_USER_STATE),  # {dialog: [width, height]}, ui.fit
    SettingSpec("window/last_page", USER, Text(), default="dashboard", editable=False),
    SettingSpec("dashboard/splitter", **_USER_STATE),
    SettingSpec("dashboard/charts", **_USER_STATE),
    SettingSpec("sites/splitter", **_USER_STATE),
    SettingSpec("roster/header", **_USER_STATE),
    SettingSpec("roster/splitter", **_USER_STATE),
    SettingSpec("roster/household_splitter", **_USER_STATE),
    SettingSpec("roster/checkin_site", USER, Text(), default="", editable=False),
    SettingSpec("installations/splitter", **_USER_STATE),
    SettingSpec("installations/bottom_splitter", **_USER_STATE),
    SettingSpec("stock/site", USER, Text(), default="", editable=False),
    SettingSpec("stock/v_split", **_USER_STATE),
    SettingSpec("activities/split", **_USER_STATE),
    SettingSpec("reports/splitter", **_USER_STATE),
    SettingSpec("reports/folder", USER, Folder(), default="", editable=False),
    SettingSpec("sync/sections", **_USER_STATE),
    SettingSpec("sync/folder", USER, Folder(), default="", editable=False),
    # --- this laptop ---------------------------------------------------------------------
    SettingSpec(
        "lock_after_minutes",
        LAPTOP,
        Integer(1, 240),
        default=10,
        label=N_("Lock after (minutes idle)"),
        group="backups",
        help=N_("The window locks after this many minutes without a key or a click; your password unlocks it."),
    ),
    SettingSpec(
        "backup_folder",
        LAPTOP,
        Folder(writable=True),
        label=N_("Backup folder"),
        group="backups",
        help=N_("Where the daily backups go, e.g. a USB stick; empty: the backups folder beside the database."),
    ),
    SettingSpec(
        "outbox.folder",
        LAPTOP,
        Folder(),
        label=N_("Folder (USB stick, synced drive)"),
        group="sending",
        placeholder=N_("e.g. /media/usb/laporan"),
        help=N_("Queued reports are written to this folder."),
    ),
    SettingSpec(
        "hub.url",
        LAPTOP,
        HubUrl(),
        label=N_("Hub (sync server)"),
        group="sending",
        help=N_(
            "The laptops of the operation sync through the hub, and reports are sent to it. "
            "Its password is never stored: set SHELTER_APP_HUB_PASSWORD or PGPASSWORD, or "
            "keep it in the system's keyring."
        ),
    ),
    SettingSpec(
        "smtp.host", LAPTOP, Text(), label=N_("Mail server"), group="sending", placeholder=N_("e.g. smtp.gmail.com")
    ),
    SettingSpec(
        "smtp.port",
        LAPTOP,
        Integer(1, 65535),
        label=N_("Port"),
        group="sending",
        placeholder="587",
        help=N_("Empty: 587 for starttls, 465 for tls, 25 for none."),
    ),
    SettingSpec(
        "smtp.security",
        LAPTOP,
        Choice(SMTP_SECURITY, translated=False),
        default="starttls",
        label=N_("Security"),
        group="sending",
    ),
    SettingSpec("smtp.user", LAPTOP, Text(), label=N_("Mail user"), group="sending"),
    SettingSpec(
        "smtp.from",
        LAPTOP,
        Email(),
        label=N_("From address"),
        group="sending",
        help=N_("Empty: the mail user when it is an address."),
    ),
    SettingSpec(
        "smtp.to",
        LAPTOP,
        EmailList(),
        label=N_("To addresses (comma-separated)"),
        group="sending",
        placeholder=N_("e.g. pusdalops@dinsos.go.id"),
    ),
    SettingSpec(
        "smtp.password",
        LAPTOP,
        Text(),
        secret=True,
        editable=False,
        help=N_(
            "The e-mail password is never stored in the database. Put it in the environment variable {env} "
            'or in the system keyring (service "{service}", user = smtp.user).'
        ),
    ),
    SettingSpec("import_column_mapping", LAPTOP, Opaque(), default={}, editable=False),
    # --- this operation ------------------------------------------------------------------
    SettingSpec(
        "standards_profile",
        OPERATION,
        Choice(PROFILE_LABELS),
        default=DEFAULT_PROFILE,
        label=N_("Standards profile"),
        group="operation",
        help=N_("The minimum standards the needs are computed with."),
    ),
    SettingSpec(
        "age_bands",
        OPERATION,
        AgeBands(),
        default=DEFAULT_AGE_BANDS,
        label=N_("Age bands"),
        group="operation",
        help=N_("The age groups of the figures and reports."),
    ),
    SettingSpec(
        "report_cutoff_hour",
        OPERATION,
        Integer(0, 23),
        default=7,
        label=N_("Daily report: data cut-off hour"),
        group="operation",
        help=N_("The local hour at which a day's figures are cut off; Pusdalops counts from 07.00 to 07.00."),
    ),
    SettingSpec(
        "sphere_toilet_first_phase_days",
        OPERATION,
        Integer(0, 365),
        default=30,
        label=N_("Sphere: days of 1 toilet per 50 persons"),
        group="operation",
        help=N_(
            "Under Sphere a site needs 1 toilet per 50 persons in its first days and 1 per 20 after: "
            "the number of days after the site opened that the first ratio applies."
        ),
    ),
)

BY_KEY = {spec.key: spec for spec in DECLARED}


def declared(scope: str | None = None, group: str | None = None, editable: bool | None = None) -> list[SettingSpec]:
    """The declared settings, in order, of one scope and group when given."""
    return [
        spec
        for spec in DECLARED
        if (scope is None or spec.scope == scope)
        and (group is None or spec.group == group)
        and (editable is None or spec.editable == editable)
    ]


def settable() -> list[SettingSpec]:
    """What ``shelter-app config set`` takes: the editable laptop and operation settings."""
    return [spec for spec in DECLARED if spec.scope != USER and spec.editable]


def spec(key: str) -> SettingSpec:
    """The declaration of one setting; a RuleViolation listing the others when there is none."""
    found = BY_KEY.get(key)
    if found is None:
        raise RuleViolation(
            "key",
            _(
                'Unknown setting "{key}"; choose one of: {options}.',
                key=key,
                options=", ".join(s.key for s in settable()),
            ),
        )
    return found


def for_database(key: str) -> SettingSpec:
    """A setting kept in the database (laptop or operation), checked to be settable by hand."""
    found = spec(key)
    if found.scope == USER:
        raise RuleViolation(
            "key", _('"{key}" belongs to the person at the window: set it in the Settings page of the window.', key=key)
        )
    if not found.editable and not found.secret:
        found.kind.parse(found, "x")  # Opaque: says it is kept by Posko itself
    return found
