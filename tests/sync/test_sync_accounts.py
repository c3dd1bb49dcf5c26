"""Accounts travel with sync: a volunteer added on one laptop signs in on another, disabling
takes effect everywhere once synced; an operation claiming an account the operation does not
know, or a role that account does not have, is refused (not applied)."""

import pytest

from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.permissions import OBSERVER, VOLUNTEER, Actor
from shelter_app.history import records
from shelter_app.services import accounts, audit
from shelter_app.storage.models import Account, AuditEntry, Household
from tests.laptops import Laptop, carry


@pytest.fixture
def pair(tmp_path):
    a = Laptop(tmp_path / "a.db", "Ani")
    b = Laptop(tmp_path / "b.db", "Budi")
    yield a, b
    a.close()
    b.close()


def test_a_volunteer_added_on_one_laptop_signs_in_on_the_other_until_disabled(pair, tmp_path):
    a, b = pair
    with a.active():
        accounts.add_account("relawan", VOLUNTEER, "Budi Relawan", "hujan-deras-2022")
    carry(a, b, tmp_path)
    with b.active():
        assert accounts.sign_in("relawan", "hujan-deras-2022").role == VOLUNTEER
        records.set_actor(b.actor)
    with a.active():
        accounts.set_disabled("relawan")
    carry(a, b, tmp_path)
    with b.active():
        with pytest.raises(RuleViolation) as refused:
            accounts.sign_in("relawan", "hujan-deras-2022")
        assert "disabled" in refused.value.text("en")
    # the trail of both laptops reaches the other: Budi's sign-in is on Ani's laptop now
    carry(b, a, tmp_path)
    with a.active():
        assert any(e.action == "sign_in" and e.username == "relawan" for e in audit.entries())


def _forge(laptop, actor: Actor) -> None:
    """A tampered laptop writes straight into its history, past the services' checks."""
    with laptop.active():
        records.set_actor(actor)
        records.create(Household, address="Rumah palsu", notes="forged")


def test_an_operation_of_an_unknown_account_is_refused(pair, tmp_path):
    a, b = pair
    carry(a, b, tmp_path)
    _forge(b, Actor(id="f" * 32, username="penyusup", role="coordinator"))
    imported = carry(b, a, tmp_path)
    with a.active():
        assert not Household.select().where(Household.notes == "forged").exists()
    reasons = [r.reason.text("en") for r in imported.refused]
    assert any("does not know" in reason and "f" * 32 in reason for reason in reasons), reasons
    assert all(
        "tidak dikenal" in r.reason.text("id") for r in imported.refused if "does not know" in r.reason.text("en")
    )


def test_an_operation_beyond_the_accounts_role_is_refused(pair, tmp_path):
    a, b = pair
    with a.active():
        accounts.add_account("pemantau", OBSERVER, "Sari Pemantau", "angin-barat-2022")
    carry(a, b, tmp_path)
    with b.active():
        row = Account.get_by_id(Account.id_for("pemantau"))
    _forge(b, Actor(id=row.id.hex, username="pemantau", role=OBSERVER))
    imported = carry(b, a, tmp_path)
    with a.active():
        assert not Household.select().where(Household.notes == "forged").exists()
    assert [r.op.table for r in imported.refused] == ["household"]
    assert "observer" in imported.refused[0].reason.text("en")


def test_an_audit_entry_is_never_edited_through_sync(pair, tmp_path):
    a, b = pair
    carry(a, b, tmp_path)
    with b.active():
        entry = AuditEntry.select().first()
        records.update(entry, target="disembunyikan")  # a tampered laptop hides a trace
    imported = carry(b, a, tmp_path)
    with a.active():
        assert not AuditEntry.select().where(AuditEntry.target == "disembunyikan").exists()
    assert any("only appended" in r.reason.text("en") for r in imported.refused)
