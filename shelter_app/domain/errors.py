"""The one error type every broken rule raises, and the notices that only warn."""

from __future__ import annotations

from dataclasses import dataclass

from shelter_app.i18n import Msg


class RuleViolation(Exception):
    """A rule was broken. Carries the field concerned and a translatable message.

    Services raise it inside their transaction, so the database is left as it was.
    """

    def __init__(self, field: str, message: Msg):
        super().__init__(f"{field}: {message.text('en')}")
        self.field = field
        self.message = message

    def text(self, lang: str | None = None) -> str:
        return self.message.text(lang)


@dataclass(frozen=True)
class Notice:
    """Something the user should see but may accept: a probable duplicate, a full site, a NIK
    whose birth date disagrees with an estimated one."""

    field: str
    message: Msg
    code: str = ""

    def text(self, lang: str | None = None) -> str:
        return self.message.text(lang)
