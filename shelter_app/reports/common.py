"""What every report needs before it draws: the language, the site, the day, the event."""

from __future__ import annotations

import datetime
import uuid
from contextlib import contextmanager

from reportlab.platypus import Paragraph, Spacer
from reportlab.platypus.flowables import KeepTogether

from shelter_app.domain import regions
from shelter_app.domain.errors import RuleViolation
from shelter_app.history import records
from shelter_app.i18n import LANGUAGES, _, current_language, set_language
from shelter_app.reports.fmt import Formatter
from shelter_app.reports.style import STYLES
from shelter_app.services import sites
from shelter_app.storage.models import Site


@contextmanager
def language(lang: str | None):
    """Render in ``lang`` (Bahasa Indonesia by default) and give back the caller's language after."""
    lang = lang or "id"
    if lang not in LANGUAGES:
        raise RuleViolation(
            "lang", _('Unknown language "{lang}"; choose one of: {options}.', lang=lang, options=", ".join(LANGUAGES))
        )
    previous = current_language()
    set_language(lang)
    try:
        yield Formatter(lang)
    finally:
        set_language(previous)


def resolve_site(site) -> Site:
    """A site from a ``Site``, its id (UUID or hex) or its exact name."""
    if isinstance(site, Site):
        return site
    if isinstance(site, uuid.UUID):
        return records.get(Site, site, "site")
    return sites.find_site(str(site))


def resolve_day(day, field: str = "date") -> datetime.date:
    if isinstance(day, datetime.datetime):
        return day.date()
    if isinstance(day, datetime.date):
        return day
    try:
        return datetime.date.fromisoformat(str(day))
    except ValueError:
        raise RuleViolation(field, _('"{value}" is not a date; write it as YYYY-MM-DD.', value=str(day))) from None


def place_of(site: Site) -> str:
    """Village and district of a site from the official region list, e.g. "Gasol, Cugenang"."""
    village = regions.village(site.village_code) if site.village_code else None
    if village is None:
        return ""
    district = regions.district(village.parent_code)
    return f"{village.name}, {district.name}" if district else village.name


def event_name(site: Site) -> str:
    return site.event.name


def heading(text: str, level: str = "h2") -> Paragraph:
    return Paragraph(escape(text), STYLES[level])


def paragraph(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), STYLES[style])


def section(title: str, *flowables) -> list:
    """A heading kept on the same page as the start of what follows it."""
    first, *rest = flowables if flowables else (Spacer(1, 1),)
    return [KeepTogether([heading(title), first]), *rest]


def escape(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
