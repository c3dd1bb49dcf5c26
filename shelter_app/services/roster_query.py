"""The roster as a list: persons page by page, filtered and sorted, fast on half a million.

The window's roster table asks for 200 rows at a time. A page is found by one query over the
person table that returns only ids, then two small queries fill in the rows (household, stays).

How the page query runs depends on how many persons the filter keeps, estimated from a small
sample of the roster (SQLite only; PostgreSQL plans with its own statistics):
- most filters keep many persons: walk the ``name_key`` (or ``nik``) index in the sort order and
  test each person until the page is full; the site and presence filters are one lookup in the
  presence index (``services.presence``) per person;
- a name prefix, NIK or KK digits, or a small site keep few: fetch those few through their
  index and sort them;
- rare groups with no index (unaccompanied children): one scan of the table, then sort.
Consecutive pages continue after the last row shown (keyset paging), so scrolling far down is
as fast as the first page.
"""

from __future__ import annotations

import datetime
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, replace

from peewee import SQL, NodeList, SqliteDatabase, fn

from shelter_app.domain import choices, identity
from shelter_app.history import records
from shelter_app.i18n import N_
from shelter_app.services import presence, roster, settings
from shelter_app.services.access import requires
from shelter_app.services.roster import age_on, name_key
from shelter_app.services.stats import years_before
from shelter_app.storage.models import Household, Person, Presence, Site, StockItem, StockMovement, database

STATUSES = {"all": N_("Everyone"), "present": N_("Present"), "left": N_("Left")}
VULNERABLE_GROUPS = {
    "pregnant": N_("Pregnant"),
    "lactating": N_("Breast-feeding"),
    "disability": N_("Disability"),
    "chronic_illness": N_("Chronic illness"),
    "unaccompanied_child": N_("Unaccompanied child"),
}
FLAG_OF = dict(presence.PERSON_FLAGS)
SORT_KEYS = ("name", "nik", "age", "site_name")
# A walk along the sorted index is chosen when at least this share of persons match: a page
# of 200 then costs at most 4,000 lookups.
DENSE_SHARE = 0.05
# Fewer matches than this through an index (name, NIK, KK, a site): fetch them all and sort.
SMALL_SET = 20000
SAMPLE_SIZE = 1000
# A small part is fetched whole, once; beyond this many rows it goes on page by page.
SET_CAP = 60000


@dataclass(frozen=True)
class RosterFilter:
    text: str = ""  # starts of words of a name, or digits of a NIK or KK (``roster.text_terms``)
    site_id: uuid.UUID | str | None = None
    status: str = "all"  # all / present / left, on ``day``
    day: datetime.date | None = None  # None: today
    vulnerable: str = ""  # a key of VULNERABLE_GROUPS, or "" for everyone
    age_band: str = ""  # a band name from settings.age_bands(), or ""
    sex: str = ""  # L / P / ""

    def on(self) -> datetime.date:
        return self.day or datetime.date.today()


@dataclass(frozen=True)
class PersonRow:
    id: uuid.UUID
    name: str
    nik: str | None
    sex: str
    age: int
    birth_date: datetime.date
    birth_date_estimated: bool
    relationship: str
    household_id: uuid.UUID
    kk: str | None
    site_id: uuid.UUID | None  # where present on the day; if left, the site last left
    site_name: str
    status: str  # present / left / none (not checked in anywhere by the day)
    pregnant: bool = False
    lactating: bool = False
    disability: bool = False
    chronic_illness: bool = False
    unaccompanied_child: bool = False
    since: datetime.date | None = None  # arrival when present, departure when left
    leave_reason: str | None = None

    @property
    def vulnerable(self) -> tuple[str, ...]:
        return tuple(name for name in VULNERABLE_GROUPS if getattr(self, name))


# --- conditions ---------------------------------------------------------------------------------


def _uuid(value) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)


def _plain(column):
    """The column with its index hidden from SQLite's planner (unary + changes no value)."""
    return NodeList((SQL("+"), column), glue="") if _sqlite() else column


def _prefix(column, prefix: str):
    return (column >= prefix) & (column < prefix + "\uffff")


def _digits(f: RosterFilter) -> str | None:
    text = (f.text or "").strip()
    digits = identity.normalize_number(text) if text else ""
    return digits if digits.isdigit() else None


def _band(f: RosterFilter):
    """(earliest excluded, latest included) birth date of the chosen age band, or None."""
    band = {b.name: b for b in settings.age_bands()}.get(f.age_band)
    if band is None:
        return None
    day = f.on()
    return (
        years_before(day, band.max_years) if band.max_years is not None else None,
        years_before(day, band.min_years),
    )


def _person_terms(f: RosterFilter, with_text: bool = True, by_text_index: bool = True) -> list:
    """Conditions on the person table itself: name, NIK/KK, sex, group, age band.

    ``by_text_index``: NIK and KK digits are looked up through their indexes (few matches);
    otherwise they are tested on each person met while walking another index.
    """
    terms = [records.live(Person)]
    text = (f.text or "").strip()
    if with_text and text:
        terms += roster.text_terms(text, by_index=by_text_index, plain=_plain)
    if f.sex in choices.SEXES:
        terms.append(Person.sex == f.sex)
    if f.vulnerable in VULNERABLE_GROUPS:
        terms.append(getattr(Person, f.vulnerable) == True)  # noqa: E712 (SQL, not Python)
    band = _band(f)
    if band is not None:
        after, until = band
        terms.append(Person.birth_date <= until)
        if after is not None:
            terms.append(Person.birth_date > after)
    return terms


def _presence_exists(f: RosterFilter, covering: bool | None, site) -> object:
    """EXISTS a presence row of this person (at ``site``) that covers the day (True), ended by
    the day (False) or began by the day (None); looked up by person, one index probe."""
    d = f.on().toordinal()
    query = Presence.select(SQL("1")).where(Presence.person_id == Person.id, Presence.arrived <= d)
    if covering is True:
        query = query.where(Presence.left.is_null() | (Presence.left > d))
    elif covering is False:
        query = query.where(Presence.left <= d)
    if site is not None:
        query = query.where(_plain(Presence.site_id) == Presence.site_id.db_value(site))
    return fn.EXISTS(query)


def _status_terms(f: RosterFilter, absent: bool = False) -> list:
    """The site and status filters, as lookups by person. ``absent``: present nowhere."""
    site = _uuid(f.site_id)
    if absent:
        return [~_presence_exists(f, True, None)]
    if f.status == "present":
        return [_presence_exists(f, True, site)]
    if f.status == "left":
        return [_presence_exists(f, False, site), ~_presence_exists(f, True, site)]
    if site is not None:
        return [_presence_exists(f, None, site)]
    return []


def _presence_ids(f: RosterFilter):
    """The persons a site filter keeps, read from the presence index of that site alone, with
    sex, group and age band tested inside the same index. None without a site."""
    site = _uuid(f.site_id)
    if site is None:
        return None
    d = f.on().toordinal()
    query = Presence.select(Presence.person_id).where(Presence.site_id == site, Presence.arrived <= d)
    if f.status == "present":
        query = query.where(Presence.left.is_null() | (Presence.left > d))
    elif f.status == "left":  # the caller also checks they are not back at the site
        query = query.where(Presence.left <= d)
    if f.sex in choices.SEXES:
        query = query.where(Presence.female == (1 if f.sex == "P" else 0))
    if f.vulnerable in FLAG_OF:
        query = query.where(Presence.flags.bin_and(FLAG_OF[f.vulnerable]) != 0)
    band = _band(f)
    if band is not None:
        after, until = band
        query = query.where(Presence.birth <= until.toordinal())
        if after is not None:
            query = query.where(Presence.birth > after.toordinal())
    return query


# --- parts of a sorted listing --------------------------------------------------------------


@dataclass(frozen=True)
class _Part:
    """One run of rows in the listing: a filter, an order, and what else the rows must meet."""

    filter: RosterFilter
    order: str  # name / nik / age
    extra: str = ""  # has_nik / no_nik / absent


def _parts(f: RosterFilter, sort_key: str | None, descending: bool) -> list[_Part]:
    key = sort_key or "name"
    if key not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort_key!r}; use one of {', '.join(SORT_KEYS)}")
    if key == "nik":  # persons without a NIK come last either way
        return [_Part(f, "nik", "has_nik"), _Part(f, "name", "no_nik")]
    if key == "age":
        return [_Part(f, "age")]
    if key == "site_name" and f.site_id is None and f.status != "left":
        ordered = sorted(_site_names().items(), key=lambda item: item[1].lower(), reverse=descending)
        parts = [_Part(replace(f, site_id=site_id, status="present"), "name") for site_id, _name in ordered]
        return parts + ([_Part(f, "name", "absent")] if f.status == "all" else [])
    return [_Part(f, "name")]


def _columns(order: str) -> list:
    if order == "nik":
        return [Person.nik, Person.id]
    if order == "age":  # youngest first: the latest birth date first
        return [Person.birth_date, Person.name_key, Person.id]
    return [Person.name_key, Person.id]


def _reverse(order: str, descending: bool) -> bool:
    return (not descending) if order == "age" else descending


def _after(columns: list, values: tuple, backwards: bool):
    """Rows after ``values`` in the order of ``columns``: (a, b, c) > (x, y, z), spelled out so
    that the leading column's index bounds the walk and values go through the fields."""
    condition = None
    for position in reversed(range(len(columns))):
        column, value = columns[position], values[position]
        beyond = (column < value) if backwards else (column > value)
        condition = beyond if condition is None else (beyond | ((column == value) & condition))
    lead = (columns[0] <= values[0]) if backwards else (columns[0] >= values[0])
    return lead & condition


# --- choosing how to run a page ---------------------------------------------------------------

_lock = threading.Lock()  # the count runs in a worker thread while the window lists pages
_estimates: OrderedDict = OrderedDict()


def _db_key() -> str:
    return str(getattr(database.obj, "database", ""))


def _remember(key, compute):
    key = (_db_key(), *key)
    with _lock:
        if key in _estimates:
            _estimates.move_to_end(key)
            return _estimates[key]
    value = compute()
    with _lock:
        _estimates[key] = value
        while len(_estimates) > 256:
            _estimates.popitem(last=False)
    return value


def forget_estimates() -> None:
    """Drop what was cached to choose plans and continue pages (results are always exact)."""
    with _lock:
        _estimates.clear()
        _cursors.clear()
        _sets.clear()


def _bounded_count(query, cap: int) -> int:
    return query.limit(cap).count()


def _person_total() -> int:
    return _remember(("persons",), lambda: Person.select().count())


def _share(part: _Part) -> float:
    """The share of persons a part keeps, apart from the text, measured on an even sample."""
    f = part.filter
    key = ("share", _uuid(f.site_id), f.status, f.on(), f.vulnerable, f.age_band, f.sex, part.extra)

    terms = [*_person_terms(f, with_text=False), *_status_terms(f, part.extra == "absent"), *_extra_terms(part)]
    if len(terms) == 1:  # only "not deleted"
        return 1.0

    def measure() -> float:
        top = Person.select(fn.MAX(SQL("rowid"))).scalar() or 0
        sample = list(range(1, top + 1, max(1, top // SAMPLE_SIZE)))[:SAMPLE_SIZE]
        base = Person.select(SQL("1")).where(SQL("rowid").in_(sample))
        taken = base.count() if sample else 0
        if not taken:
            return 1.0
        return base.where(*terms).count() / taken

    return _remember(key, measure)


def _text_is_small(f: RosterFilter) -> bool:
    text = (f.text or "").strip()
    if not text:
        return False
    digits = _digits(f)

    def measure() -> bool:
        return roster.text_matches(text, SMALL_SET) < SMALL_SET

    return _remember(("text", digits or name_key(text)), measure)


def _plan(part: _Part) -> str:
    """How to find the rows of a part:
    walk: follow the index of the sort order, testing each person (many match);
    set: fetch every match once through a selective index (name, NIK, KK, a site) or one scan
         of the table, sort them, and serve the pages from that list (few match);
    sort: sort every match for each page (the age order has no index to walk);
    auto: let the database choose (PostgreSQL, which keeps statistics)."""
    if not _sqlite():
        return "auto"
    f = part.filter
    if _text_is_small(f):
        return "set"
    share = _share(part)
    if share >= DENSE_SHARE and part.order != "age":
        return "walk"
    if share * _person_total() < SMALL_SET:
        return "set"
    return "sort" if part.order == "age" else "walk"


def _extra_terms(part: _Part) -> list:
    if part.extra == "has_nik":
        return [Person.nik.is_null(False)]
    if part.extra == "no_nik":
        return [Person.nik.is_null()]
    return []


def _query(part: _Part, plan: str, descending: bool):
    """The ids of a part's persons, with their sort values, in order (not yet limited)."""
    f = part.filter
    columns = _columns(part.order)
    backwards = _reverse(part.order, descending)
    by_text = plan == "auto" or (plan == "set" and _text_is_small(f))
    query = Person.select(*columns).where(*_person_terms(f, by_text_index=by_text), *_extra_terms(part))
    driver = _presence_ids(f) if plan == "set" and not by_text and part.extra != "absent" else None
    if driver is not None:
        query = query.where(Person.id.in_(driver))  # the site's presence index drives
        if f.status == "left":
            query = query.where(~_presence_exists(f, True, _uuid(f.site_id)))
    else:
        query = query.where(*_status_terms(f, part.extra == "absent"))
    order = columns if plan in ("walk", "auto") else [_plain(c) for c in columns]
    return query.order_by(*[(c.desc() if backwards else c.asc()) for c in order]), columns, backwards


def _fetch(part: _Part, skip: int, limit: int, after: tuple | None, descending: bool) -> list[tuple]:
    """Rows of one part after ``after`` (or after ``skip`` rows): sort values ending with the id."""
    query, columns, backwards = _query(part, _plan(part), descending)
    if after is not None:
        query = query.where(_after(columns, after, backwards))
    elif skip:
        query = query.offset(skip)
    return list(query.limit(limit).tuples())


# --- the listing ------------------------------------------------------------------------------

# (listing, offset) -> (part index, position in the part, sort values of the row before offset)
_cursors: OrderedDict = OrderedDict()
# (listing, part index) -> (sorted rows of a small part, complete?)
_sets: OrderedDict = OrderedDict()


def _remember_in(table: OrderedDict, key, value, size: int) -> None:
    with _lock:
        table[key] = value
        table.move_to_end(key)
        while len(table) > size:
            table.popitem(last=False)


def _part_rows(listing, index: int, part: _Part, position: int, limit: int, after, descending: bool) -> list[tuple]:
    if _plan(part) != "set":
        return _fetch(part, position, limit, after, descending)
    key = (listing, index)
    with _lock:
        cached = _sets.get(key)
    if cached is None:
        rows = _fetch(part, 0, SET_CAP, None, descending)
        cached = (rows, len(rows) < SET_CAP)
        _remember_in(_sets, key, cached, 4)
    rows, complete = cached
    page = rows[position : position + limit]
    if len(page) < limit and not complete:  # a misjudged "small" part: go on page by page
        last = page[-1] if page else after
        if last is not None:
            page += _fetch(part, 0, limit - len(page), last, descending)
        else:
            page += _fetch(part, position + len(page), limit - len(page), None, descending)
    return page


@requires("roster.view")
def list_persons(
    f: RosterFilter, offset: int, limit: int, sort_key: str | None = None, descending: bool = False
) -> list[PersonRow]:
    """One page of the roster in the chosen order (name by default). Pages are meant to be
    asked for in turn from offset 0, as a scrolling table does; asking for offset 0 again
    starts afresh (after a change, say), and any other offset still works, only slower."""
    if _by_text_alone(f, sort_key, descending):  # the search box alone: the search's own order
        return _rows(roster.ranked_ids(f.text, offset + limit)[offset:], f.on())
    parts = _parts(f, sort_key, descending)
    listing = (_db_key(), f, sort_key or "name", descending)
    if offset == 0:
        with _lock:
            for index in range(len(parts)):
                _sets.pop((listing, index), None)
    with _lock:
        cursor = (0, 0, None) if offset == 0 else _cursors.get((listing, offset))
    if cursor is None:  # no earlier page ended here: count whole parts to find the start
        index, position = 0, offset
        while index < len(parts) and position >= (size := _count_part(parts[index])):
            index, position = index + 1, position - size
        cursor = (index, position, None)
    index, position, after = cursor
    found: list[tuple] = []
    while index < len(parts) and len(found) < limit:
        rows = _part_rows(listing, index, parts[index], position, limit - len(found), after, descending)
        found += rows
        position += len(rows)
        if rows:
            after = rows[-1]
        if len(found) < limit:
            index, position, after = index + 1, 0, None
    if found:
        _remember_in(_cursors, (listing, offset + len(found)), (index, position, after), 512)
    return _rows([row[-1] for row in found], f.on())


def _by_text_alone(f: RosterFilter, sort_key: str | None, descending: bool) -> bool:
    """Only words typed in the search, listed by name: the search keys hold the names' order, so the page
    is read from them (``roster.ranked_ids``) rather than by walking or sorting the roster."""
    plain = f.site_id is None and f.status == "all" and not (f.vulnerable or f.age_band or f.sex)
    words = bool((f.text or "").strip()) and not roster.is_number_query(f.text)
    return words and plain and (sort_key or "name") == "name" and not descending and _sqlite()


def _site_names() -> dict:
    return {site_id: name for site_id, name in Site.select(Site.id, Site.name).where(records.live(Site)).tuples()}


ROW_FIELDS = (
    Person.id,
    Person.name,
    Person.nik,
    Person.sex,
    Person.birth_date,
    Person.birth_date_estimated,
    Person.relationship,
    Person.household,
    Household.kk,
    *[getattr(Person, name) for name in VULNERABLE_GROUPS],
)


def _rows(ids: list, day: datetime.date) -> list[PersonRow]:
    if not ids:
        return []
    persons = {row[0]: row for row in Person.select(*ROW_FIELDS).join(Household).where(Person.id.in_(ids)).tuples()}
    d = day.toordinal()
    stays: dict = {}
    for person_id, *stay in (
        Presence.select(Presence.person_id, Presence.site_id, Presence.arrived, Presence.left, Presence.leave_reason)
        .where(Presence.person_id.in_(ids), Presence.arrived <= d)
        .tuples()
    ):
        stays.setdefault(person_id, []).append(stay)
    names = _site_names()
    out = []
    for person_id in ids:
        pid, name, nik, sex, birth, estimated, relationship, household_id, kk, *flags = persons[person_id]
        status, site_id, since, reason = _status_of(stays.get(person_id, []), d)
        out.append(
            PersonRow(
                pid,
                name,
                nik,
                sex,
                age_on(birth, day),
                birth,
                bool(estimated),
                relationship,
                household_id,
                kk,
                site_id,
                names.get(site_id, "") if site_id else "",
                status,
                *map(bool, flags),
                since=since,
                leave_reason=reason,
            )
        )
    return out


def _status_of(stays: list, d: int) -> tuple:
    for site_id, arrived, left, _reason in stays:
        if left is None or left > d:
            return "present", site_id, datetime.date.fromordinal(arrived), None
    if stays:
        site_id, _arrived, left, reason = max(stays, key=lambda s: s[2])
        return "left", site_id, datetime.date.fromordinal(left), reason
    return "none", None, None, None


# --- counting ---------------------------------------------------------------------------------


def _count_part(part: _Part) -> int:
    f = part.filter
    if not (f.text or "").strip() and not part.extra and f.status == "present" and f.site_id is not None:
        return _presence_ids(f).count()  # one index range of one site
    plan = _plan(part)
    query, _columns_, _backwards = _query(part, "set" if plan == "set" else "walk", False)
    return query.order_by().count()


def count_persons(f: RosterFilter) -> int:
    """How many persons the filter keeps. Can take a second on a large roster: run it in a worker."""
    if _by_text_alone(f, None, False):
        return roster.count_words(f.text)
    if f.status == "present" and f.site_id is None and not (f.text or "").strip():
        # Present somewhere: one presence row each, counted in the site index of every site.
        sites = list(_site_names())
        return sum(_count_part(_Part(replace(f, site_id=s), "name")) for s in sites)
    return _count_part(_Part(f, "name"))


# --- households -------------------------------------------------------------------------------


@requires("roster.view")
def find_household(text: str) -> Household | None:
    """The household a printed card's id (32 hex digits, as a barcode scanner types it) names."""
    cleaned = (text or "").strip().lower().replace("-", "")
    if len(cleaned) != 32 or any(ch not in "0123456789abcdef" for ch in cleaned):
        return None
    return Household.select().where(Household.id == uuid.UUID(cleaned), records.live(Household)).first()


@dataclass(frozen=True)
class Distribution:
    moved_on: datetime.date
    site_name: str
    item_name: str
    quantity: object  # Decimal
    unit: str
    note: str


def distributions(household_id) -> list[Distribution]:
    """What a household received from the stock, newest first (cancelled ones left out)."""
    query = (
        StockMovement.select(StockMovement, StockItem.name, StockItem.unit, Site.name)
        .join(StockItem, on=(StockMovement.item == StockItem.id))
        .switch(StockMovement)
        .join(Site, on=(StockMovement.site == Site.id))
        .where(
            StockMovement.household == household_id, StockMovement.kind == "distributed", records.live(StockMovement)
        )
        .order_by(StockMovement.moved_on.desc())
    )
    return [Distribution(m.moved_on, m.site.name, m.item.name, -m.delta, m.item.unit, m.note) for m in query]


@requires("roster.view")
def household_for(identifier) -> Household | None:
    """The household named by its id, or the household of the person with this id."""
    try:
        key = _uuid(identifier)
    except (ValueError, AttributeError, TypeError):
        return None
    household = Household.select().where(Household.id == key, records.live(Household)).first()
    if household is None:
        person = Person.select().where(Person.id == key).first()
        household = person.household if person is not None else None
    return household


def household_heads(household_ids) -> dict:
    """The name of the head of each of these households (households without one are left out)."""
    ids = list(set(household_ids))
    if not ids:
        return {}
    query = Person.select(Person.household, Person.name).where(
        Person.household.in_(ids), Person.relationship == "head", records.live(Person)
    )
    return dict(query.tuples())


@requires("roster.view")
def household_rows(household_id, day: datetime.date | None = None) -> list[PersonRow]:
    """The members of a household as roster rows (where each is on ``day``): the head first,
    then by age, eldest first."""
    members = sorted(roster.members(household_id), key=lambda p: (p.relationship != "head", p.birth_date))
    return _rows([p.id for p in members], day or datetime.date.today())


@requires("roster.edit")
@records.atomic
def register_household_with_member(
    household: dict, member: dict, confirmed: bool = False
) -> tuple[Household, roster.Saved]:
    """A new household and its first member, together or not at all: a member refused (a
    probable duplicate, a NIK that does not fit) leaves no empty household behind."""
    created = roster.register_household(**household)
    return created, roster.add_person(created.id, confirmed=confirmed, **member)


@requires("roster.view")
def person(person_id) -> Person:
    """One person, to correct (RuleViolation when unknown)."""
    return records.get(Person, person_id, "person")
