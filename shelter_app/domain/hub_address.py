"""The hub's address: checked here, low in the layers, so that the settings declaration
(``domain.settings_catalog``) and the sync machinery (``sync.hub``) share one rule.

Pure: no database and no driver, only the standard library's URL parser (read the way
``playhouse.db_url`` reads it when the hub is contacted).
"""

from __future__ import annotations

from urllib.parse import urlparse

from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import _

URL_KEY = "hub.url"
PASSWORD_ENV = "SHELTER_APP_HUB_PASSWORD"
SCHEMES = ("postgresql://", "postgres://")


def parts(url: str) -> dict:
    """host, port, user, password and database of a URL (only those present)."""
    parsed = urlparse(url)
    found = {"database": parsed.path[1:]}
    for name, value in (("user", parsed.username), ("password", parsed.password), ("host", parsed.hostname)):
        if value:
            found[name] = value
    try:
        if parsed.port:
            found["port"] = parsed.port
    except ValueError:  # a port that is not a number: the driver will say so
        pass
    return found


def check_url(url: str, allow_password: bool = False) -> str:
    """A hub URL fit to store: postgresql://user@host[:port]/database, without a password
    (one typed on the command line for a single sync may hold it)."""
    url = url.strip()
    if not url.startswith(SCHEMES):
        raise RuleViolation(
            URL_KEY, _("The hub address starts with postgresql://, for example postgresql://posko@10.0.0.5:5432/posko.")
        )
    found = parts(url)
    try:
        _port = urlparse(url).port  # urllib checks the port only when asked for it
    except ValueError:  # a port that is not a number
        found.pop("host", None)
    if not found.get("host") or not found.get("database"):
        raise RuleViolation(
            URL_KEY,
            _(
                "The hub address needs a server and a database name, for example "
                "postgresql://posko@10.0.0.5:5432/posko."
            ),
        )
    if found.get("password") and not allow_password:
        raise RuleViolation(
            URL_KEY,
            _(
                "The hub password is never stored in the database: remove it from the address and put it in "
                "the environment variable {env} or in the system keyring.",
                env=PASSWORD_ENV,
            ),
        )
    return url
