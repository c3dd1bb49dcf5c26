"""The site roster: the residents of a site on a day, grouped by household.

NIK and KK are masked to their last four digits unless the full numbers are asked for
explicitly (``full_nik=True``); the footer of every page says the list holds personal data.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from shelter_app.domain import choices
from shelter_app.i18n import N_, ntr, tr, translate
from shelter_app.reports.common import event_name, language, paragraph, place_of, resolve_day, resolve_site
from shelter_app.reports.document import Rendered, Report
from shelter_app.reports.fmt import mask_number
from shelter_app.reports.tables import Col, DataTable, Row
from shelter_app.services import audit
from shelter_app.services.access import require, requires
from shelter_app.services.residents import ResidentHousehold, residents_by_household
from shelter_app.services.roster import age_on

FACT_LABELS = {
    "pregnant": N_("pregnant"),
    "lactating": N_("breast-feeding"),
    "disability": N_("disability"),
    "chronic_illness": N_("chronically ill"),
    "unaccompanied_child": N_("unaccompanied child"),
}


@dataclass
class RosterData:
    event: str
    site: str
    site_kind: str
    place: str
    day: datetime.date
    households: list[ResidentHousehold] = field(default_factory=list)

    @property
    def persons(self) -> int:
        return sum(len(h.members) for h in self.households)

    def count(self, sex: str) -> int:
        return sum(1 for h in self.households for m in h.members if m.sex == sex)


def collect(site, day) -> RosterData:
    site = resolve_site(site)
    day = resolve_day(day)
    return RosterData(event_name(site), site.name, site.kind, place_of(site), day, residents_by_household(site.id, day))


def columns() -> list[Col]:
    return [
        Col(tr("No."), 0.055, "R"),
        Col(tr("Name"), 0.27),
        Col(tr("NIK"), 0.175),
        Col(tr("M/F"), 0.05, "C"),
        Col(tr("Age"), 0.06, "R"),
        Col(tr("Relationship to the head"), 0.17),
        Col(tr("Notes"), 0.22),
    ]


def rows_of(data: RosterData, fmt, full_nik: bool) -> list[Row]:
    """One group row per household, then one row per member: the strings the page shows."""
    rows: list[Row] = []
    number = 0
    relationship = {code: translate(label) for code, label in choices.RELATIONSHIPS.items()}
    facts = {code: translate(label) for code, label in FACT_LABELS.items()}
    male, female = tr("M"), tr("F")
    day = data.day
    ages: dict = {}
    for index, household in enumerate(data.households):
        size = ntr("{n} person", "{n} persons", len(household.members), n=fmt.n(len(household.members)))
        kk = f"KK {mask_number(household.kk, full_nik)}" if household.kk else tr("Without a KK")
        label = f"{kk} · {size}"
        if household.address:
            label += f" · {household.address}"
        rows.append(Row([label], "group", index))
        for member in household.members:
            number += 1
            birth = member.birth_date
            age = ages.get(birth)
            if age is None:
                age = ages[birth] = age_on(birth, day)
            rows.append(
                Row(
                    [
                        str(number),
                        member.name,
                        mask_number(member.nik, full_nik),
                        male if member.sex == "L" else female,
                        f"±{age}" if member.birth_date_estimated else str(age),
                        relationship.get(member.relationship, member.relationship),
                        ", ".join([facts[f] for f in member.facts]) if member.facts else "",
                    ],
                    "data",
                    index,
                )
            )
    return rows


def render(data: RosterData, lang: str = "id", full_nik: bool = False, generated_at=None) -> Rendered:
    with language(lang) as fmt:
        title = tr("Site roster")
        subtitle = f"{data.event} · {data.site} · {fmt.date(data.day)}"
        report = Report(title, subtitle, lang, confidential=True, generated_at=generated_at)
        summary = tr(
            "{persons} in {households} ({male} male, {female} female) at {site} on {date}.",
            persons=ntr("{n} person", "{n} persons", data.persons, n=fmt.n(data.persons)),
            households=ntr("{n} household", "{n} households", len(data.households), n=fmt.n(len(data.households))),
            male=fmt.n(data.count("L")),
            female=fmt.n(data.count("P")),
            site=data.site,
            date=fmt.date(data.day),
        )
        if full_nik:
            privacy = tr("Full NIK and KK numbers are shown, as asked for: keep this list safe.")
        else:
            privacy = tr("NIK and KK numbers show their last four digits only. Ages marked ± are estimated.")
        story = [
            paragraph(title, "title"),
            paragraph(subtitle, "subtitle"),
            paragraph(summary),
            paragraph(privacy, "note"),
        ]
        table = DataTable(
            columns(), rows_of(data, fmt, full_nik), font_size=7.5, keep_groups=True, continued_label=tr("(continued)")
        )
        story.append(table)
        return report.build(story)


@requires("reports.personal")
def site_roster(site, day, lang: str = "id", full_nik: bool = False, out=None, generated_at=None) -> Rendered:
    """The residents of a site on a day by household; NIK masked unless ``full_nik``
    (coordinators only). Recorded in the audit trail: how many persons, full NIK or not, where."""
    if full_nik:
        require("identity.full")
    data = collect(site, day)
    rendered = render(data, lang, full_nik, generated_at)
    saved = rendered.save(out) if out else rendered
    audit.record("print", persons=data.persons, target=str(out or ""), report="roster", full_nik=full_nik)
    return saved
