"""Accounts: passwords (argon2id), sign-in and its growing delay, disabling, resets."""

import datetime
import time

import pytest
from argon2 import PasswordHasher

from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.permissions import COORDINATOR, OBSERVER, VOLUNTEER
from shelter_app.history import records
from shelter_app.services import accounts, audit
from shelter_app.storage.models import Account, AccountCredential, AuditEntry, Change
from tests.conftest import PASSWORD, USER

NOW = datetime.datetime(2026, 1, 5, 8, 0, 0)


def test_the_app_hashes_with_argon2id_at_the_measured_parameters():
    """The shipped parameters (the tests' own accounts hash cheaply): 3 passes over 64 MiB, one lane."""
    hasher = PasswordHasher(
        time_cost=accounts.TIME_COST, memory_cost=accounts.MEMORY_COST, parallelism=accounts.PARALLELISM
    )
    started = time.perf_counter()
    stored = hasher.hash("kata-sandi-panjang")
    took = time.perf_counter() - started
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=1$")
    assert took < 5  # measured 0.24-0.28 s on the project's laptop; never a guard on speed here


def test_a_password_is_stored_only_as_its_argon2id_hash(db):
    accounts.add_account("relawan", VOLUNTEER, "Budi Relawan", "hujan-deras-2022")
    credential = AccountCredential.get_by_id(Account.id_for("relawan"))
    assert credential.password_hash.startswith("$argon2id$")
    everything = " ".join(c.data for c in Change.select()) + " ".join(e.detail for e in AuditEntry.select())
    assert "hujan-deras-2022" not in everything
    assert Account.get_by_id(Account.id_for("relawan")).key_slot is None  # room for issue 15's wrapped key


@pytest.mark.parametrize(
    "password, why",
    [("pendek", "8"), ("password123", "common"), ("indonesia", "common"), ("relawan-xyz1", "username")],
)
def test_short_common_or_username_passwords_are_refused(db, password, why):
    with pytest.raises(RuleViolation) as refused:
        accounts.add_account("relawan", VOLUNTEER, "Budi Relawan", password)
    assert refused.value.field == "password"
    assert why in refused.value.text("en") or why == "common" and "common" in refused.value.text("en")
    assert "sandi" in refused.value.text("id").lower()
    assert not Account.select().where(Account.username == "relawan").exists()


def test_sign_in_with_the_right_password_records_it(db):
    accounts.add_account("relawan", VOLUNTEER, "Budi Relawan", "hujan-deras-2022")
    actor = accounts.sign_in("Relawan", "hujan-deras-2022")
    assert (actor.username, actor.role) == ("relawan", VOLUNTEER) and records.actor() == actor
    accounts.sign_in(USER, PASSWORD)
    trail = audit.entries(username="relawan")
    assert [e.action for e in trail][-1] == "sign_in"


def test_failed_sign_ins_slow_down_but_never_lock_out(db):
    accounts.add_account("relawan", VOLUNTEER, "Budi Relawan", "hujan-deras-2022")
    waits = []
    for attempt in range(8):
        at = NOW + datetime.timedelta(hours=attempt)  # each attempt after the previous delay
        with pytest.raises(RuleViolation):
            accounts.sign_in("relawan", "salah-terus", now=at)
        waits.append(accounts.wait_seconds("relawan", at))
    assert waits == [0, 0, 2, 4, 8, 16, 32, 64]  # growing
    last = NOW + datetime.timedelta(hours=7)
    with pytest.raises(RuleViolation) as early:  # too early: refused without checking the password
        accounts.sign_in("relawan", "hujan-deras-2022", now=last + datetime.timedelta(seconds=10))
    assert "54" in early.value.text("en")
    for _ in range(30):  # however many failures, the wait stays at most five minutes
        accounts._note_failure("relawan", last)
    assert accounts.wait_seconds("relawan", last) == accounts.MAX_DELAY
    later = last + datetime.timedelta(seconds=accounts.MAX_DELAY)
    assert accounts.sign_in("relawan", "hujan-deras-2022", now=later).username == "relawan"
    assert accounts.wait_seconds("relawan", later) == 0  # a success starts again from nothing
    accounts.sign_in(USER, PASSWORD)
    failed = audit.entries(username="relawan", action="sign_in_failed")
    assert len(failed) == 8 and all("salah" not in str(e.detail) for e in failed)


def test_a_disabled_account_cannot_sign_in_and_the_last_coordinator_stays(db):
    accounts.add_account("relawan", VOLUNTEER, "Budi Relawan", "hujan-deras-2022")
    accounts.set_disabled("relawan")
    with pytest.raises(RuleViolation) as refused:
        accounts.sign_in("relawan", "hujan-deras-2022")
    assert "disabled" in refused.value.text("en")
    accounts.sign_in(USER, PASSWORD)
    with pytest.raises(RuleViolation):
        accounts.set_disabled(USER)  # nobody left to manage the accounts


def test_a_coordinator_resets_a_volunteers_password_a_volunteer_only_their_own(db):
    accounts.add_account("relawan", VOLUNTEER, "Budi Relawan", "hujan-deras-2022")
    accounts.add_account("pemantau", OBSERVER, "Sari Pemantau", "angin-barat-2022")
    accounts.set_password("relawan", "gunung-gede-99")
    accounts.sign_in("relawan", "gunung-gede-99")
    with pytest.raises(RuleViolation) as refused:
        accounts.set_password("pemantau", "curi-akun-123")
    assert refused.value.field == "account" and "koordinator" in refused.value.text("id")
    accounts.set_password("relawan", "lembah-hijau-77")
    accounts.sign_in("relawan", "lembah-hijau-77")


def test_the_first_coordinator_only_once(db):
    with pytest.raises(RuleViolation):
        accounts.create_first_coordinator("lain", "Orang Lain", "sangat-rahasia-1")
    assert accounts.list_accounts()[0].role == COORDINATOR


def test_unlock_needs_the_same_accounts_password(db):
    accounts.lock()
    with pytest.raises(RuleViolation):
        accounts.unlock("bukan-ini-123", now=NOW)
    accounts.unlock(PASSWORD, now=NOW + datetime.timedelta(minutes=1))
    actions = [e.action for e in audit.entries()]
    assert actions[-3:] == ["lock", "unlock_failed", "unlock"]
