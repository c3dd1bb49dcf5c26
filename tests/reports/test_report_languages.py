"""Every report renders in both languages, and no English word of the catalogue appears on an
Indonesian page (issue 12): a message translated inside an f-string, or never marked, shows up
here as the English word it is."""

import datetime
import io
import re

import pdfplumber
import pytest

from shelter_app import reports
from shelter_app.demo.generator import build_demo
from shelter_app.history import records
from shelter_app.i18n import catalog, set_language
from shelter_app.services import activities, database, site_days, sites, stats, stays, stock
from shelter_app.storage.models import Presence
from tests.conftest import sign_in_coordinator

DAY = datetime.date(2022, 11, 30)
WORD = re.compile(r"[A-Za-z]{3,}")


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("languages") / "demo.db"
    db = database.open_operation(str(path))
    records.set_operator("Relawan Uji")
    sign_in_coordinator()  # the services and the reports ask for a signed-in account
    build_demo(persons=400, seed=11)
    site = sites.find_site(max(stats.figures(DAY)["sites"], key=lambda e: e["persons"])["name"])
    d = DAY.toordinal()
    row = Presence.select().where(Presence.site_id == site.id, Presence.arrived <= d, Presence.left.is_null()).first()
    stays.record_birth(row.household_id, site.id, DAY, "Bayi Uji", "P")
    kitchen = activities.create_activity(site.id, "community_kitchen", "Dapur umum uji", DAY)
    activities.record_meals(kitchen.id, DAY, 100, 110, 90)
    site_days.record_day(
        site.id,
        DAY,
        urgent_needs=[{"item": "Tandon air", "quantity": 2, "unit": "buah", "priority": "high"}],
        obstacles="Jalan berlumpur",
        follow_up="Minta truk air",
    )
    db.close()
    return str(path), site.name


def english_words() -> set[str]:
    """Words of the English messages that no Indonesian translation uses."""
    table = catalog("id")
    indonesian = {w.lower() for text in table.values() for w in WORD.findall(text)}
    english = {w.lower() for msgid in table for w in WORD.findall(re.sub(r"\{[^}]*\}", " ", msgid))}
    return english - indonesian


def data_words() -> set[str]:
    """Words that come from the operation's own records (names of sites, items, people...)."""
    from shelter_app.storage.models import Activity, Event, Installation, Person, Site, StockItem, StockMovement

    texts = (
        [s.name for s in Site.select()] + [s.address for s in Site.select()] + [s.contact_name for s in Site.select()]
    )
    texts += [i.name for i in StockItem.select()] + [i.unit for i in StockItem.select()]
    texts += [a.title for a in Activity.select()] + [a.facilitator for a in Activity.select()]
    texts += [i.name for i in Installation.select()] + [e.name for e in Event.select()]
    texts += [p.name for p in Person.select()] + [m.reference for m in StockMovement.select()]
    return {w.lower() for text in texts for w in WORD.findall(text or "")}


def page_words(pdf: bytes) -> set[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return {w.lower() for page in document.pages for w in WORD.findall(page.extract_text() or "")}


def every_report(site: str, lang: str):
    item = stock.items()[0].name
    yield "daily", reports.daily_report(site, DAY, lang=lang, prepared_by="Asep", position="Koordinator")
    yield "summary", reports.operation_summary(DAY, lang=lang)
    yield "roster", reports.site_roster(site, DAY, lang=lang)
    yield "stock", reports.stock_card_report(site, item, DAY - datetime.timedelta(days=7), DAY, lang=lang)
    yield "cards", reports.household_cards(site, DAY, lang=lang)


@pytest.mark.slow
def test_no_english_word_of_the_catalogue_on_an_indonesian_page(demo_path):
    path, site = demo_path
    db = database.open_operation(path)
    try:
        foreign = english_words() - data_words() - {"posko", "nik", "bnpb", "sphere", "perka", "glide"}
        for lang in ("en", "id"):
            set_language(lang)
            for name, rendered in every_report(site, lang):
                assert rendered.pages >= 1, (name, lang)
                if lang == "id":
                    found = page_words(rendered.pdf) & foreign
                    assert not found, (name, sorted(found))
    finally:
        set_language("id")
        db.close()
