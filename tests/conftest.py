import datetime
import os
import tempfile

import pytest
from hypothesis import settings

# The user's data, log and settings folders (platformdirs) point into a throwaway folder,
# so the tests never touch the real ones.
_HOME = tempfile.mkdtemp(prefix="posko-tests-")
# Qt never needs a display in tests: an offscreen screen the size of a cheap laptop's, 1366×768.
_SCREEN = os.path.join(_HOME, "screen.json")
with open(_SCREEN, "w") as _file:
    _file.write('{"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96}]}')
os.environ.setdefault("QT_QPA_PLATFORM", f"offscreen:configfile={_SCREEN}")
for _name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[_name] = os.path.join(_HOME, _name.lower())
os.environ.pop("SHELTER_APP_DB", None)

from shelter_app.history import records  # noqa: E402
from shelter_app.i18n import set_language  # noqa: E402
from shelter_app.services import accounts  # noqa: E402
from shelter_app.storage.session import open_database  # noqa: E402

# The tests' accounts hash their passwords cheaply (each test makes its own); the app's
# parameters are tested on their own (tests/services/test_accounts.py).
accounts.set_hash_parameters(time_cost=1, memory_cost=256)
# Every database of the tests has the demo's coordinator (the ``db`` fixture, ``shelter-app
# demo``, tests/laptops.py); the command line signs in with it.
USER, PASSWORD = "koordinator", "posko-demo"
os.environ["SHELTER_APP_USER"] = USER
os.environ["SHELTER_APP_PASSWORD"] = PASSWORD
os.environ.pop("SHELTER_APP_NEW_PASSWORD", None)


@pytest.fixture(autouse=True)
def coordinator_signed_in():
    """Every test starts as the coordinator ``koordinator`` signed in (the same account id on
    every database: it comes from the username), for the tests that open databases of their
    own; the ``db`` fixture signs in for real. Tests of other roles sign in as those."""
    from shelter_app.domain.permissions import COORDINATOR, Actor
    from shelter_app.storage.models import Account

    records.set_actor(Actor(id=Account.id_for(USER).hex, username=USER, role=COORDINATOR, name="Koordinator Uji"))
    yield
    records.set_actor(None)


def sign_in_coordinator() -> None:
    """The database bound has its coordinator (made when missing), signed in."""
    if not accounts.has_accounts():
        accounts.create_first_coordinator(USER, "Koordinator Uji", PASSWORD)
    else:
        accounts.sign_in(USER, PASSWORD)


D = datetime.date

# CI runs every property test derandomized (the same examples on every run, so a red CI is
# reproducible) and with more examples; a developer's loop keeps the faster, random default.
IN_CI = bool(os.environ.get("CI"))
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile("ci" if IN_CI else "default")


def examples(fast: int, ci: int) -> int:
    """How many examples a slow property test tries: few on a developer's machine, more in CI."""
    return ci if IN_CI else fast


@pytest.fixture
def db(tmp_path):
    """A fresh operation database for each test, with an operator recorded on changes."""
    set_language("id")
    database = open_database(str(tmp_path / "posko.db"))
    records.set_operator("Relawan Uji")
    sign_in_coordinator()
    yield database
    records.set_actor(None)
    database.close()


@pytest.fixture
def operation(db):
    """One event with two open sites, as a coordinator would set it up on the first day."""
    from shelter_app.services import sites

    event = sites.create_event("Gempa Cianjur", "earthquake", D(2022, 11, 21), region_code="32.03")
    tent = sites.create_site(
        event.id,
        "Posko Lapangan Gasol",
        "tent_camp",
        D(2022, 11, 21),
        capacity_night=4,
        covered_area_m2=20,
        village_code="32.03.11.2002",
    )
    school = sites.create_site(event.id, "SDN Cugenang 1", "school", D(2022, 11, 21), capacity_night=100)
    return event, tent, school


ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "artifacts", "screenshots")


@pytest.fixture
def ctx(db, tmp_path, qapp):
    """The window's shared context on the test database, with its own settings file."""
    from PySide6.QtCore import QSettings

    from shelter_app.ui.context import AppContext

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    context = AppContext(str(tmp_path / "posko.db"), settings)
    yield context
    set_language("id")


@pytest.fixture
def screenshot():
    """Save a picture of a widget under artifacts/screenshots/ to look at after the run."""

    def save(widget, name: str) -> str:
        os.makedirs(ARTIFACTS, exist_ok=True)
        path = os.path.join(ARTIFACTS, f"{name}.png")
        assert widget.grab().save(path), f"could not save {path}"
        return path

    return save


@pytest.fixture(scope="session")
def pg_server():
    """One throwaway PostgreSQL server for the whole run (skipped, with the reason, where the
    server binaries or the driver are missing)."""
    from tests.postgres_server import postgres_server, unavailable_reason

    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    with postgres_server() as url:
        yield url


@pytest.fixture
def hub_url(pg_server):
    """A fresh, empty hub database for one test."""
    from tests.postgres_server import new_database

    return new_database(pg_server)
