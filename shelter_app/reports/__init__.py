"""Printed reports: the PDFs a posko hands to the district and the ministry.

One function per report, taking plain parameters and returning a ``Rendered`` (the PDF bytes
and the page count; ``out=`` also writes the file, atomically). The command line and the
window call the same functions::

    from shelter_app import reports
    done = reports.daily_report("GOR Pamoyanan", "2022-11-30", lang="en", out="daily.pdf")
    done.pages, done.path, done.pdf[:4]   # 2, Path("daily.pdf"), b"%PDF"

``site`` is a ``Site``, its id (UUID or hex) or its exact name; days are ``date`` objects or
"YYYY-MM-DD"; ``lang`` is "id" (default) or "en". A broken rule (unknown site, bad date)
raises ``RuleViolation``. Each report module also offers ``collect(...)`` (the plain data, from
the services) and ``render(data, lang)``, for a window that wants to show the data first.
"""

from __future__ import annotations

from shelter_app.i18n import N_
from shelter_app.reports.cards import household_cards
from shelter_app.reports.daily import daily_report
from shelter_app.reports.document import Rendered
from shelter_app.reports.roster import site_roster
from shelter_app.reports.stockcard import stock_card_report
from shelter_app.reports.summary import operation_summary

# What a Reports page offers: key, translatable title, function, the parameters it asks for.
REPORTS = (
    (
        "daily",
        N_("Daily site report"),
        daily_report,
        ("site", "day", "prepared_by", "notes", "position", "agency", "phone"),
    ),
    ("summary", N_("Operation summary"), operation_summary, ("day",)),
    ("roster", N_("Site roster"), site_roster, ("site", "day", "full_nik")),
    ("stock", N_("Stock card"), stock_card_report, ("site", "item", "start", "end")),
    ("cards", N_("Household cards"), household_cards, ("site", "day")),
)

__all__ = [
    "REPORTS",
    "Rendered",
    "daily_report",
    "household_cards",
    "operation_summary",
    "site_roster",
    "stock_card_report",
]
