"""Settings that travel with the operation's data: standards profile and age bands."""

from __future__ import annotations

import json

from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.standards import DEFAULT_AGE_BANDS, DEFAULT_PROFILE, PROFILES, AgeBand, Profile
from shelter_app.i18n import _
from shelter_app.history.records import atomic
from shelter_app.storage.models import Setting


def get(key: str, default=None):
    row = Setting.get_or_none(Setting.key == key)
    return json.loads(row.value) if row else default


@atomic
def put(key: str, value) -> None:
    Setting.insert(key=key, value=json.dumps(value)).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: json.dumps(value)}
    ).execute()


def profile() -> Profile:
    return PROFILES.get(get("standards_profile", DEFAULT_PROFILE), PROFILES[DEFAULT_PROFILE])


def set_profile(code: str) -> None:
    if code not in PROFILES:
        raise RuleViolation(
            "standards_profile",
            _("Unknown standards profile \"{code}\"; choose one of: {options}.",
              code=code, options=", ".join(PROFILES)),
        )
    put("standards_profile", code)


def age_bands() -> tuple[AgeBand, ...]:
    stored = get("age_bands")
    if not stored:
        return DEFAULT_AGE_BANDS
    return tuple(AgeBand(band["name"], band["min_years"], band["max_years"]) for band in stored)


def set_age_bands(bands: list[AgeBand]) -> None:
    """Bands must start at 0, follow each other without gaps and end open."""
    ordered = sorted(bands, key=lambda band: band.min_years)
    ok = bool(ordered) and ordered[0].min_years == 0 and ordered[-1].max_years is None
    for first, second in zip(ordered, ordered[1:]):
        ok = ok and first.max_years == second.min_years and first.max_years > first.min_years
    if not ok or len({band.name for band in ordered}) != len(ordered):
        raise RuleViolation(
            "age_bands",
            _("Age bands must start at 0, follow each other without gaps, have distinct names "
              "and the last one must have no upper limit."),
        )
    put("age_bands", [band.__dict__ for band in ordered])
