"""Accounts: who signs in, with which role, and their passwords.

Passwords are hashed with argon2id (argon2-cffi) and checked against that hash only; they
are never logged, shown or stored in any other form. The parameters were measured on a
posko laptop class machine (2 cores) to take about a quarter of a second (README, "Accounts").
Failed sign-ins slow down the next attempt (a growing delay, at most five minutes), never
lock anybody out for good. The account signed in lives in the process (``history.records``),
like the operator's name, so every change records it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.permissions import COORDINATOR, ROLE_LABELS, ROLES, Actor
from shelter_app.history import records
from shelter_app.i18n import _
from shelter_app.resources import resource_path
from shelter_app.services import audit, settings
from shelter_app.services.access import current, require, requires
from shelter_app.storage.models import Account, AccountCredential, utc_now

# argon2id: 3 passes over 64 MiB, one lane: 0.24-0.28 s per hash on this machine.
TIME_COST = 3
MEMORY_COST = 65536  # KiB
PARALLELISM = 1
_parameters = {"time_cost": TIME_COST, "memory_cost": MEMORY_COST, "parallelism": PARALLELISM}

MIN_LENGTH = 8
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")
FAILURES_KEY = "accounts.failures"
MAX_DELAY = 300  # seconds
FREE_FAILURES = 2  # the first mistakes cost nothing


def set_hash_parameters(time_cost: int, memory_cost: int) -> None:
    """Cheaper hashing (the tests' own accounts); a stored hash keeps its own parameters."""
    _parameters.update(time_cost=time_cost, memory_cost=memory_cost)
    _hasher.cache_clear()


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher(type=Type.ID, **_parameters)


@cache
def common_passwords() -> frozenset[str]:
    text = resource_path("passwords", "common.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def check_password(password: str, username: str = "") -> None:
    """A password good enough for an account, or a RuleViolation saying why (never the password)."""
    if len(password) < MIN_LENGTH:
        raise RuleViolation("password", _("The password needs at least {n} characters.", n=MIN_LENGTH))
    lowered = password.lower()
    if lowered in common_passwords() or (username and username.lower() in lowered):
        raise RuleViolation("password", _("This password is too common or contains the username; choose another one."))


def _clean_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not USERNAME.match(name):
        raise RuleViolation(
            "username",
            _("A username has 2 to 60 letters, digits, dots, dashes or underscores, starting with a letter or digit."),
        )
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise RuleViolation("role", _("Unknown role {role}; choose coordinator, volunteer or observer.", role=role))
    return role


def _hash(password: str) -> str:
    return _hasher().hash(password)


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountInfo:
    username: str
    full_name: str
    role: str
    position: str
    agency: str
    phone: str
    disabled: bool

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role].text() if self.role in ROLE_LABELS else self.role


def _live():
    return Account.select().where(Account.deleted_at.is_null())


def has_accounts() -> bool:
    """Whether the operation has its first coordinator yet (nothing opens it before)."""
    return _live().where(Account.role == COORDINATOR, Account.disabled == False).exists()  # noqa: E712


def _info(row: Account) -> AccountInfo:
    return AccountInfo(row.username, row.full_name, row.role, row.position, row.agency, row.phone, row.disabled)


@requires("accounts.manage")
def list_accounts() -> list[AccountInfo]:
    return [_info(row) for row in _live().order_by(Account.username)]


def _find(username: str) -> Account:
    row = _live().where(Account.username == (username or "").strip().lower()).first()
    if row is None:
        raise RuleViolation("username", _("No account {username}.", username=username))
    return row


def _actor(row: Account) -> Actor:
    return Actor(id=row.id.hex, username=row.username, role=row.role, name=row.full_name)


# --- changing ---------------------------------------------------------------------------------


def _create(username, role, full_name, password, position, agency, phone) -> Account:
    name = _clean_username(username)
    _check_role(role)
    if not (full_name or "").strip():
        raise RuleViolation("full_name", _("Write the person's full name."))
    check_password(password, name)
    if Account.get_or_none(Account.id == Account.id_for(name)) is not None:
        raise RuleViolation("username", _("The username {username} is taken; choose another.", username=name))
    account = records.create(
        Account,
        id=Account.id_for(name),
        username=name,
        full_name=full_name.strip(),
        role=role,
        position=(position or "").strip(),
        agency=(agency or "").strip(),
        phone=(phone or "").strip(),
    )
    records.create(AccountCredential, id=account.id, account=account, password_hash=_hash(password))
    return account


def create_first_coordinator(
    username: str, full_name: str, password: str, position: str = "", agency: str = "", phone: str = ""
) -> Actor:
    """The first run (or the first start after the upgrade): the operation's first coordinator,
    who is signed in at once. Refused once the operation has a coordinator."""
    with records.transaction():
        if has_accounts():
            raise RuleViolation("username", _("This operation already has a coordinator; sign in instead."))
        name = _clean_username(username)
        actor = Actor(id=Account.id_for(name).hex, username=name, role=COORDINATOR, name=(full_name or "").strip())
        previous = records.actor()
        records.set_actor(actor)  # the account's own record claims the account that made it
        try:
            _create(name, COORDINATOR, full_name, password, position, agency, phone)
            audit.record("account_added", target=name, role=COORDINATOR)
            audit.record("sign_in")
        except Exception:
            records.set_actor(previous)
            raise
    return actor


@requires("accounts.manage")
def add_account(
    username: str,
    role: str,
    full_name: str,
    password: str,
    position: str = "",
    agency: str = "",
    phone: str = "",
) -> AccountInfo:
    with records.transaction():
        account = _create(username, role, full_name, password, position, agency, phone)
        audit.record("account_added", target=account.username, role=role)
    return _info(account)


@requires("accounts.manage")
def set_role(username: str, role: str) -> AccountInfo:
    with records.transaction():
        account = _find(username)
        _check_role(role)
        if account.role == COORDINATOR and role != COORDINATOR:
            _keep_a_coordinator(account)
        records.update(account, role=role)
        audit.record("account_changed", target=account.username, role=role)
    return _info(account)


@requires("accounts.manage")
def set_disabled(username: str, disabled: bool = True) -> AccountInfo:
    """Disable (or enable again) an account: it can no longer sign in, on every laptop once synced."""
    with records.transaction():
        account = _find(username)
        if disabled and account.role == COORDINATOR:
            _keep_a_coordinator(account)
        records.update(account, disabled=disabled)
        audit.record("account_disabled" if disabled else "account_changed", target=account.username)
    return _info(account)


def _keep_a_coordinator(account: Account) -> None:
    others = _live().where(
        Account.role == COORDINATOR,
        Account.disabled == False,  # noqa: E712
        Account.id != account.id,
    )
    if not others.exists():
        raise RuleViolation("role", _("This is the last coordinator; add another coordinator first."))


@requires("profile.own")
def set_password(username: str, new_password: str) -> None:
    """Your own password, or (a coordinator) another account's: a reset."""
    actor = current()
    with records.transaction():
        account = _find(username)
        if account.id.hex != actor.id:
            require("accounts.manage")
        check_password(new_password, account.username)
        credential = AccountCredential.get_or_none(AccountCredential.id == account.id)
        if credential is None:
            records.create(AccountCredential, id=account.id, account=account, password_hash=_hash(new_password))
        else:
            records.update(credential, password_hash=_hash(new_password))
        audit.record("password_changed", target=account.username)


@requires("profile.own")
def update_profile(username: str, **fields) -> AccountInfo:
    """Name, position, agency and phone: your own, or any account's for a coordinator."""
    actor = current()
    allowed_fields = {"full_name", "position", "agency", "phone"}
    unknown = set(fields) - allowed_fields
    if unknown:
        raise RuleViolation(sorted(unknown)[0], _("Only the name, position, agency and phone can be changed here."))
    with records.transaction():
        account = _find(username)
        if account.id.hex != actor.id:
            require("accounts.manage")
        if "full_name" in fields and not (fields["full_name"] or "").strip():
            raise RuleViolation("full_name", _("Write the person's full name."))
        records.update(account, **{k: (v or "").strip() for k, v in fields.items()})
        audit.record("account_changed", target=account.username)
    return _info(account)


# --- signing in -------------------------------------------------------------------------------


def _failures() -> dict:
    return settings.state(FAILURES_KEY, {}) or {}


def delay_after(failures: int) -> int:
    """Seconds to wait before the next attempt after ``failures`` failed ones in a row."""
    if failures <= FREE_FAILURES:
        return 0
    return min(2 ** (failures - FREE_FAILURES), MAX_DELAY)


def wait_seconds(username: str, now: datetime.datetime | None = None) -> int:
    """How long before ``username`` may try again (0: now)."""
    now = now or utc_now()
    count, last = _failures().get((username or "").strip().lower(), (0, None))
    if not count or not last:
        return 0
    ready = datetime.datetime.fromisoformat(last) + datetime.timedelta(seconds=delay_after(count))
    return max(0, int((ready - now).total_seconds() + 0.999))


def _note_failure(name: str, now: datetime.datetime) -> None:
    failures = _failures()
    count = failures.get(name, (0, None))[0] + 1
    failures[name] = (count, now.isoformat())
    settings.set_state(FAILURES_KEY, failures)


def _clear_failures(name: str) -> None:
    failures = _failures()
    if failures.pop(name, None) is not None:
        settings.set_state(FAILURES_KEY, failures)


def _verify(account: Account, password: str) -> bool:
    credential = AccountCredential.get_or_none(
        AccountCredential.id == account.id, AccountCredential.deleted_at.is_null()
    )
    if credential is None:
        return False
    try:
        _hasher().verify(credential.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return True


def sign_in(username: str, password: str, now: datetime.datetime | None = None) -> Actor:
    """Check the password and sign the account in to this process; a RuleViolation (and an entry
    in the audit trail) when it is wrong, the account is disabled, or it is too early to try again."""
    now = now or utc_now()
    name = (username or "").strip().lower()
    wait = wait_seconds(name, now)
    if wait:
        raise RuleViolation("password", _("Too many wrong passwords: try again in {n} seconds.", n=wait))
    row = _live().where(Account.username == name).first()
    if row is None or not _verify(row, password or ""):
        _note_failure(name, now)
        records.set_actor(None)
        audit.record("sign_in_failed", username=name)
        raise RuleViolation("password", _("Wrong username or password."))
    if row.disabled:
        records.set_actor(None)
        audit.record("sign_in_failed", username=name, reason="disabled")
        raise RuleViolation("username", _("This account is disabled; ask a coordinator."))
    _clear_failures(name)
    actor = _actor(row)
    records.set_actor(actor)
    audit.record("sign_in")
    return actor


def sign_out() -> None:
    if current() is not None:
        audit.record("sign_out")
    records.set_actor(None)


def lock() -> None:
    """The window locks (idle or asked): recorded; the account stays signed in underneath."""
    if current() is not None:
        audit.record("lock")


def unlock(password: str, now: datetime.datetime | None = None) -> None:
    """Unlock the window with the signed-in account's password (throttled like a sign-in)."""
    actor = current()
    if actor is None:
        raise RuleViolation("account", _("Nobody is signed in."))
    now = now or utc_now()
    wait = wait_seconds(actor.username, now)
    if wait:
        raise RuleViolation("password", _("Too many wrong passwords: try again in {n} seconds.", n=wait))
    row = _live().where(Account.username == actor.username).first()
    if row is None or row.disabled or not _verify(row, password or ""):
        _note_failure(actor.username, now)
        audit.record("unlock_failed")
        raise RuleViolation("password", _("Wrong password."))
    _clear_failures(actor.username)
    audit.record("unlock")
