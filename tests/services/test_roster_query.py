"""The roster listing: every filter and order gives exactly what a recount from the records
gives, page after page, whichever way the query is run (index walk, small set, full sort)."""

from __future__ import annotations

import datetime
import itertools

import pytest

from shelter_app.demo.generator import build_demo
from shelter_app.domain import names
from shelter_app.domain.identity import make_kk, make_nik
from shelter_app.services import roster, roster_query, settings, stats, stays
from shelter_app.services.roster_query import RosterFilter, count_persons, list_persons
from shelter_app.storage.models import Household, Person, Site, Stay
from shelter_app.storage.session import open_database

D = datetime.date
DAY = D(2022, 11, 28)  # a busy day of the demo operation


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    from shelter_app.i18n import set_language

    set_language("id")
    path = str(tmp_path_factory.mktemp("rq") / "demo.db")
    database = open_database(path)
    build_demo(persons=600, seed=3)
    database.close()
    return path


@pytest.fixture
def demo(demo_file):
    database = open_database(demo_file)
    yield database
    database.close()


@pytest.fixture(params=["chosen", "walk", "set"])
def plan(request, monkeypatch, demo):
    """Run each check with the plan the service picks, and forced to each way of running."""
    roster_query.forget_estimates()
    if request.param == "walk":
        monkeypatch.setattr(roster_query, "DENSE_SHARE", 0.0)
        monkeypatch.setattr(roster_query, "SMALL_SET", 0)
    elif request.param == "set":
        monkeypatch.setattr(roster_query, "DENSE_SHARE", 2.0)
        monkeypatch.setattr(roster_query, "SMALL_SET", 10**9)
        monkeypatch.setattr(roster_query, "SET_CAP", 40)  # a "small" set that overflows
    yield request.param
    roster_query.forget_estimates()


# --- an independent recount from Person, Household and Stay -------------------------------------


def everyone():
    households = {h.id: h for h in Household.select()}
    persons = list(Person.select().where(Person.deleted_at.is_null()))
    by_person: dict = {}
    for stay in Stay.select().where(Stay.deleted_at.is_null()):
        by_person.setdefault(stay.person_id, []).append(stay)
    return persons, households, by_person


def where(stays_of, day, site_id=None):
    """(present at, last left) on ``day``: the covering stay's site, or the site last left."""
    begun = [s for s in stays_of if s.arrived_on <= day]
    covering = [s for s in begun if s.left_on is None or s.left_on > day]
    if covering:
        return covering[0].site_id, None
    ended = sorted((s for s in begun if s.left_on is not None), key=lambda s: s.left_on)
    return None, (ended[-1].site_id if ended else None)


def expected(f: RosterFilter):
    persons, households, by_person = everyone()
    day = f.day or D.today()
    bands = settings.age_bands()
    out = []
    for p in persons:
        mine = by_person.get(p.id, [])
        begun = [s for s in mine if s.arrived_on <= day]
        at = lambda site, begun=begun: [s for s in begun if site is None or s.site_id == site]  # noqa: E731
        here = [s for s in at(f.site_id) if s.left_on is None or s.left_on > day]
        gone = [s for s in at(f.site_id) if s.left_on is not None and s.left_on <= day]
        if f.status == "present" and not here:
            continue
        if f.status == "left" and (here or not gone):
            continue
        if f.status == "all" and f.site_id is not None and not at(f.site_id):
            continue
        text = (f.text or "").strip()
        if text:
            kk = households[p.household_id].kk or ""
            if text.isdigit():
                numbers = (p.nik or "", kk)
                if not any(n.startswith(text) or (n and names.shown_digits(n).startswith(text)) for n in numbers):
                    continue
            else:  # every word typed starts a word of the name (variants read as one)
                words = names.words(p.name)

                def meets(word, start):
                    whole = start.endswith(names.WHOLE)
                    return word == start[:-1] if whole else word.startswith(start)

                if not all(any(meets(w, s) for w in words for s in starts) for starts in names.query_words(text)):
                    continue
        if f.sex and p.sex != f.sex:
            continue
        if f.vulnerable and not getattr(p, f.vulnerable):
            continue
        if f.age_band and stats.age_band_of(p.birth_date, day, bands) != f.age_band:
            continue
        out.append(p)
    return out, by_person


def paged(f, sort_key=None, descending=False, size=7):
    rows, offset = [], 0
    while True:
        page = list_persons(f, offset, size, sort_key, descending)
        rows += page
        offset += len(page)
        if len(page) < size:
            return rows


# --- filters ----------------------------------------------------------------------------------


FILTERS = [
    RosterFilter(day=DAY),
    RosterFilter(day=DAY, status="present"),
    RosterFilter(day=DAY, status="left"),
    RosterFilter(day=D(2022, 12, 10), status="left", sex="P"),
    RosterFilter(day=DAY, vulnerable="disability"),
    RosterFilter(day=DAY, status="present", vulnerable="pregnant"),
    RosterFilter(day=DAY, age_band="balita", sex="L"),
    RosterFilter(day=DAY, age_band="lansia", status="present"),
    RosterFilter(day=DAY, text="a"),
    RosterFilter(day=DAY, text="  SiTi "),
    RosterFilter(day=DAY, text="3203"),
    RosterFilter(day=DAY, text="0002"),  # the digits a masked NIK or KK shows
    RosterFilter(day=DAY, text="nur"),  # any word of the name, variants read as one
    RosterFilter(day=DAY, text="M. a"),
]


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(FILTERS)))
def test_each_filter_keeps_what_a_recount_keeps_in_name_order(plan, index):
    f = FILTERS[index]
    want, _ = expected(f)
    got = paged(f)
    assert [r.id for r in got] == [p.id for p in sorted(want, key=lambda p: (p.name_key, p.id.hex))]
    assert count_persons(f) == len(want)


@pytest.mark.slow
@pytest.mark.parametrize("status", ["present", "left", "all"])
def test_site_filters_on_a_day(plan, status):
    for site in Site.select():
        for day in (DAY, D(2022, 12, 8)):
            f = RosterFilter(day=day, site_id=site.id, status=status)
            want, _ = expected(f)
            assert {r.id for r in paged(f, size=50)} == {p.id for p in want}, (site.name, day)
            assert count_persons(f) == len(want)


def test_present_count_equals_the_figures(demo):
    figures = stats.figures(DAY)
    assert count_persons(RosterFilter(day=DAY, status="present")) == figures["total"]["persons"]
    for entry in figures["sites"]:
        f = RosterFilter(day=DAY, status="present", site_id=entry["id"])
        assert count_persons(f) == entry["persons"]
        assert count_persons(RosterFilter(day=DAY, status="present", site_id=entry["id"], sex="P")) == entry["female"]
        for group in roster_query.VULNERABLE_GROUPS:
            assert (
                count_persons(RosterFilter(day=DAY, status="present", site_id=entry["id"], vulnerable=group))
                == entry["vulnerable"][group]
            )
        for band, cell in entry["age_bands"].items():
            assert (
                count_persons(RosterFilter(day=DAY, status="present", site_id=entry["id"], age_band=band))
                == cell["total"]
            )


# --- orders -----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("f", [RosterFilter(day=DAY), RosterFilter(day=DAY, status="present", sex="P")])
def test_orders_match_a_recount(plan, f, descending):
    want, by_person = expected(f)
    names = {s.id: s.name for s in Site.select()}

    by_name = sorted(want, key=lambda p: (p.name_key, p.id.hex), reverse=descending)
    assert [r.id for r in paged(f, "name", descending)] == [p.id for p in by_name]

    with_nik = sorted((p for p in want if p.nik), key=lambda p: p.nik, reverse=descending)
    without = sorted((p for p in want if not p.nik), key=lambda p: (p.name_key, p.id.hex), reverse=descending)
    assert [r.id for r in paged(f, "nik", descending)] == [p.id for p in with_nik + without]

    youngest_first = sorted(want, key=lambda p: (p.birth_date, p.name_key, p.id.hex), reverse=not descending)
    assert [r.id for r in paged(f, "age", descending)] == [p.id for p in youngest_first]

    present_at = {p.id: where(by_person.get(p.id, []), DAY)[0] for p in want}
    site_order = sorted({s for s in present_at.values() if s}, key=lambda s: names[s].lower(), reverse=descending)
    grouped = [
        p
        for s in site_order
        for p in sorted(
            (p for p in want if present_at[p.id] == s), key=lambda p: (p.name_key, p.id.hex), reverse=descending
        )
    ]
    grouped += sorted(
        (p for p in want if present_at[p.id] is None), key=lambda p: (p.name_key, p.id.hex), reverse=descending
    )
    assert [r.id for r in paged(f, "site_name", descending, size=11)] == [p.id for p in grouped]


def test_a_page_asked_for_out_of_turn_is_still_right(plan):
    f = RosterFilter(day=DAY)
    whole = [r.id for r in list_persons(f, 0, 10000, "nik")]
    roster_query.forget_estimates()
    for offset in (0, 13, 250, len(whole) - 3, len(whole) + 5):
        assert [r.id for r in list_persons(f, offset, 9, "nik")] == whole[offset : offset + 9]


def test_unknown_sort_key_is_refused(demo):
    with pytest.raises(ValueError):
        list_persons(RosterFilter(), 0, 10, "shoe_size")


# --- what a row says -------------------------------------------------------------------------------


def test_rows_say_where_each_person_is(demo):
    f = RosterFilter(day=DAY)
    rows = list_persons(f, 0, 10000)
    _want, by_person = expected(f)
    names = {s.id: s.name for s in Site.select()}
    kks = {h.id: h.kk for h in Household.select()}
    statuses = set()
    for row in rows:
        person = Person.get_by_id(row.id)
        present, left = where(by_person.get(row.id, []), DAY)
        status = "present" if present else "left" if left else "none"
        statuses.add(status)
        assert row.status == status
        assert row.site_id == (present or left)
        assert row.site_name == (names[row.site_id] if row.site_id else "")
        assert row.kk == kks[row.household_id] and row.nik == person.nik
        assert row.age == roster.age_on(person.birth_date, DAY)
        assert set(row.vulnerable) == {g for g in roster_query.VULNERABLE_GROUPS if getattr(person, g)}
    assert {"present", "left"} <= statuses


def test_registered_household_is_found_by_name_nik_and_kk_at_once(db, operation):
    _event, tent, _school = operation
    kk = make_kk("32.03.11", D(2015, 5, 1), 12)
    household = roster.register_household(kk=kk)
    nik = make_nik("32.03.11", D(1984, 7, 9), "P", 3)
    euis = roster.add_person(
        household.id, name="Euis Kurniasih", sex="P", birth_date=D(1984, 7, 9), nik=nik, relationship="head"
    ).person
    roster.add_person(household.id, name="Asep", sex="L", age_years=9, relationship="child")
    for text in ("euis", "EUIS kur", nik[:10], kk[:12]):
        names = [r.name for r in list_persons(RosterFilter(text=text), 0, 200)]
        assert "Euis Kurniasih" in names, text
    assert [r.name for r in list_persons(RosterFilter(text=kk), 0, 200)] == ["Asep", "Euis Kurniasih"]
    assert list_persons(RosterFilter(status="present"), 0, 200) == []

    stays.check_in([euis.id], tent.id, D(2022, 11, 22))
    row = list_persons(RosterFilter(status="present", site_id=tent.id), 0, 200)[0]
    assert (row.name, row.status, row.site_name, row.since) == ("Euis Kurniasih", "present", tent.name, D(2022, 11, 22))
    assert row.nik == nik and row.kk == kk and row.relationship == "head"


def test_household_card_number_opens_the_household(db):
    household = roster.register_household()
    assert roster_query.find_household(household.id.hex).id == household.id
    assert roster_query.find_household(household.id.hex.upper() + "\n").id == household.id
    assert roster_query.find_household("siti") is None
    assert roster_query.find_household("0" * 32) is None


def test_distributions_of_a_household(db, operation):
    from shelter_app.services import stock

    _event, tent, _school = operation
    household = roster.register_household()
    item = stock.add_item("Beras", "food", "kg")
    stock.receive(tent.id, item.id, 100, D(2022, 11, 22))
    stock.distribute(tent.id, item.id, 10, D(2022, 11, 23), household.id)
    [line] = roster_query.distributions(household.id)
    assert (line.item_name, line.quantity, line.unit, line.site_name) == ("Beras", 10, "kg", tent.name)


def test_listing_sees_changes_when_asked_again_from_the_start(db, operation):
    household = roster.register_household()
    roster.add_person(household.id, name="Budi", sex="L", age_years=30, relationship="head")
    assert [r.name for r in list_persons(RosterFilter(), 0, 50)] == ["Budi"]
    roster.add_person(household.id, name="Ani", sex="P", age_years=28, relationship="wife")
    assert [r.name for r in list_persons(RosterFilter(), 0, 50)] == ["Ani", "Budi"]


@pytest.mark.slow
def test_sort_parts_are_consistent_with_count(plan):
    f = RosterFilter(day=DAY, status="present")
    for key, descending in itertools.product(roster_query.SORT_KEYS, (False, True)):
        assert len(paged(f, key, descending, size=23)) == count_persons(f)


def test_a_person_is_found_by_the_digits_the_masked_number_shows(db, operation):
    from shelter_app.domain.identity import mask

    # Two people born the same day in one district: their serials tell them apart, not "••••0001".
    household = roster.register_household(kk=make_kk("32.03.11", D(2015, 5, 1), 12))
    first = make_nik("32.03.11", D(1984, 7, 9), "P", 1)
    other = make_nik("32.03.01", D(1984, 7, 9), "P", 1)
    roster.add_person(household.id, name="Euis", sex="P", birth_date=D(1984, 7, 9), nik=first)
    roster.add_person(household.id, name="Nining", sex="P", birth_date=D(1984, 7, 9), nik=other)
    shown = mask(first)
    assert shown == "320311••0001" and first[6:12] not in mask(first, keep_length=True)  # no birth date
    assert mask(first) != mask(other)
    for typed in (shown, "320311 0001", "3203110001", "320311**0001"):
        assert [r.name for r in list_persons(RosterFilter(text=typed), 0, 200)] == ["Euis"], typed
    assert [r.name for r in list_persons(RosterFilter(text=mask(household.kk)), 0, 200)] == ["Euis", "Nining"]
