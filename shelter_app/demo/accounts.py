"""The demo operation's three accounts, one per role, each with the password ``posko-demo``."""

from __future__ import annotations

from shelter_app.domain.permissions import COORDINATOR, OBSERVER, VOLUNTEER
from shelter_app.services import accounts

PASSWORD = "posko-demo"
ACCOUNTS = (
    ("koordinator", COORDINATOR, "Dewi Koordinator", "Koordinator posko, Dinas Sosial Kab. Cianjur"),
    ("relawan", VOLUNTEER, "Budi Relawan", "Relawan Tagana"),
    ("pemantau", OBSERVER, "Sari Pemantau", "Pemantau, BPBD Kab. Cianjur"),
)


def create_demo_accounts() -> list[tuple[str, str]]:
    """On an operation without accounts: the three demo accounts, ``koordinator`` signed in.
    Returns (username, role) of each."""
    (first, _role, name, position), *others = ACCOUNTS
    accounts.create_first_coordinator(first, name, PASSWORD, position=position)
    for username, role, full_name, pos in others:
        accounts.add_account(username, role, full_name, PASSWORD, position=pos)
    return [(username, role) for username, role, _name, _pos in ACCOUNTS]
