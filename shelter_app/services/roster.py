"""Households and persons: registration, correction, duplicate detection, search."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from peewee import SQL, NodeList, SqliteDatabase, fn

from shelter_app.domain import choices, identity, names, regions
from shelter_app.domain.errors import Notice, RuleViolation
from shelter_app.history import records
from shelter_app.history.records import atomic
from shelter_app.i18n import N_, _
from shelter_app.services import checks, presence
from shelter_app.services.access import requires
from shelter_app.storage.models import Household, Person, SearchKey

BOOLEAN_FACTS = ("pregnant", "lactating", "disability", "chronic_illness", "unaccompanied_child")
PERSON_TEXT = {
    "name": (N_("Name"), True, 200),
    "disability_note": (N_("Disability details"), False, 200),
    "notes": (N_("Notes"), False, 5000),
}


class ProbableDuplicate(RuleViolation):
    """The person looks like one already on the roster; saving needs the user's confirmation."""

    def __init__(self, candidates: list[Person]):
        names = "; ".join(f"{p.name} ({p.birth_date.isoformat()})" for p in candidates[:5])
        super().__init__(
            "name",
            _("This person may already be on the roster: {names}. Check, then confirm to save anyway.", names=names),
        )
        self.candidates = candidates


def name_key(name: str) -> str:
    """The form names are sorted, compared and searched in (``domain.names.name_key``)."""
    return names.name_key(name)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def estimated_birth_date(age_years: int, day: datetime.date) -> datetime.date:
    """A birth date half a year before the birthday that gives ``age_years`` on ``day``."""
    try:
        anniversary = day.replace(year=day.year - age_years)
    except ValueError:  # 29 February
        anniversary = day.replace(year=day.year - age_years, day=28)
    return anniversary - datetime.timedelta(days=182)


def normalise_phone(field: str, value: str) -> str:
    cleaned = re.sub(r"[\s.\-()]", "", value or "")
    if not cleaned:
        return ""
    if not re.fullmatch(r"\+?\d{8,15}", cleaned):
        raise RuleViolation(
            field, _('Phone number "{value}" is not valid: use 8 to 15 digits, e.g. 081234567890.', value=value)
        )
    return cleaned


# --- households -------------------------------------------------------------------------


def _household_fields(data: dict, current: Household | None = None) -> dict:
    out = {}
    if "kk" in data:
        kk = data["kk"]
        out["kk"] = identity.parse_kk(kk) if kk not in (None, "") and identity.normalize_number(kk) else None
        if out["kk"]:
            clash = Household.select().where(Household.kk == out["kk"], records.live(Household))
            if current is not None:
                clash = clash.where(Household.id != current.id)
            if clash.exists():
                raise RuleViolation(
                    "kk",
                    _(
                        "A household with KK {kk} is already registered; open it and add the members there.",
                        kk=out["kk"],
                    ),
                )
    if "origin_village_code" in data:
        code = (data["origin_village_code"] or "").strip()
        if code and not regions.village(code):
            raise RuleViolation(
                "origin_village_code",
                _("Village code {code} is not in the official list; pick the village from the list.", code=code),
            )
        out["origin_village_code"] = code
    if "address" in data:
        out["address"] = checks.text("address", data["address"], "Address", required=False, max_length=1000)
    if "notes" in data:
        out["notes"] = checks.text("notes", data["notes"], "Notes", required=False, max_length=5000)
    return out


@requires("roster.edit")
@atomic
def register_household(
    kk: str | None = None, origin_village_code: str = "", address: str = "", notes: str = ""
) -> Household:
    fields = _household_fields(dict(kk=kk, origin_village_code=origin_village_code, address=address, notes=notes))
    return records.create(Household, **fields)


@requires("roster.edit")
@atomic
def update_household(household_id, **changes) -> Household:
    household = records.get(Household, household_id, "household")
    return records.update(household, **_household_fields(changes, household))


@requires("roster.view")
def members(household_id) -> list[Person]:
    return list(
        Person.select().where(Person.household == household_id, records.live(Person)).order_by(Person.birth_date)
    )


@requires("roster.view")
def head_of(household_id) -> Person | None:
    return next((p for p in members(household_id) if p.relationship == "head"), None)


# --- persons ----------------------------------------------------------------------------


@dataclass
class Saved:
    """A saved person and what the user should still look at."""

    person: Person
    notices: list[Notice]


def person_facts(data: dict, today: datetime.date) -> tuple[dict, list[Notice]]:
    """The rules on a person's own fields that need no database: typed entry and imports
    both pass through here, so a row in a file is held to exactly the same rules."""
    notices: list[Notice] = []
    out: dict = {}
    for name, (label, required, length) in PERSON_TEXT.items():
        out[name] = checks.text(name, data.get(name), label, required=required, max_length=length)
    out["name_key"] = name_key(out["name"])
    out["sex"] = checks.choice("sex", data.get("sex"), choices.SEXES, "Sex")
    out["relationship"] = checks.choice(
        "relationship", data.get("relationship") or "other", choices.RELATIONSHIPS, "Relationship to the head"
    )
    estimated = bool(data.get("birth_date_estimated"))
    birth = data.get("birth_date")
    age = data.get("age_years")
    years_given = None
    if birth not in (None, ""):
        birth = checks.date("birth_date", birth, "Birth date")
        if age_on(birth, today) > 120:  # as an age over 120 is refused
            raise RuleViolation(
                "birth_date",
                _("Birth date {date} would make this person older than 120; check the year.", date=birth.isoformat()),
            )
    elif age not in (None, ""):
        years = checks.number("age_years", age, "Age", integer=True)
        if years > 120:
            raise RuleViolation("age_years", _("Age {age} is not plausible; enter the age in years.", age=years))
        birth, estimated = estimated_birth_date(years, today), True
        years_given = int(years)
    else:
        birth = None
    nik = data.get("nik")
    out["nik"] = None
    if nik not in (None, "") and identity.normalize_number(str(nik)):
        info, nik_notices = identity.check_nik(
            str(nik), birth_date=birth, sex=out["sex"], birth_date_estimated=estimated, today=today
        )
        out["nik"] = info.nik
        if years_given is not None:
            # An age but no birth date: the NIK's birth date is the better one. An age that
            # disagrees with it is said, not silently overridden.
            nik_notices = [n for n in nik_notices if n.code != "nik_birth_date_differs"]
            if age_on(info.birth_date, today) != years_given:
                nik_notices.append(
                    Notice(
                        "age_years",
                        _(
                            "The NIK gives the birth date {nik_date} (age {nik_age} on {day}), but the age "
                            "entered is {age}; the NIK's birth date is kept.",
                            nik_date=info.birth_date.isoformat(),
                            nik_age=age_on(info.birth_date, today),
                            day=today.isoformat(),
                            age=years_given,
                        ),
                        code="age_differs_from_nik",
                    )
                )
            birth, estimated = info.birth_date, False
        notices += nik_notices
        if birth is None:
            birth, estimated = info.birth_date, False
    if birth is None:
        raise RuleViolation(
            "birth_date", _("Enter the birth date, or the age in years when the birth date is unknown.")
        )
    out["birth_date"], out["birth_date_estimated"] = birth, estimated
    for fact in BOOLEAN_FACTS:
        out[fact] = bool(data.get(fact))
    years = age_on(birth, today)
    if (out["pregnant"] or out["lactating"]) and out["sex"] != "P":
        field = "pregnant" if out["pregnant"] else "lactating"
        raise RuleViolation(field, _("Only a woman can be recorded as pregnant or breast-feeding; check the sex."))
    if (out["pregnant"] or out["lactating"]) and years < 10:
        field = "pregnant" if out["pregnant"] else "lactating"
        raise RuleViolation(
            field,
            _("A girl of {age} cannot be recorded as pregnant or breast-feeding; check the birth date.", age=years),
        )
    if out["unaccompanied_child"] and years >= 18:
        raise RuleViolation(
            "unaccompanied_child",
            _("Only a child under 18 can be unaccompanied or separated; this person is {age}.", age=years),
        )
    out["phone"] = normalise_phone("phone", data.get("phone") or "")
    return out, notices


def _person_fields(
    data: dict, household: Household, current: Person | None, today: datetime.date
) -> tuple[dict, list[Notice]]:
    """Validate a complete set of person fields (current values merged with the changes)."""
    out, notices = person_facts(data, today)
    if out["nik"]:
        same = Person.select().where(Person.nik == out["nik"], records.live(Person))
        if current is not None:
            same = same.where(Person.id != current.id)
        other = same.first()
        if other:
            raise RuleViolation(
                "nik",
                _(
                    "NIK {nik} is already registered for {name}; open that person instead.",
                    nik=out["nik"],
                    name=other.name,
                ),
            )
    if out["relationship"] == "head":
        heads = Person.select().where(
            Person.household == household.id, Person.relationship == "head", records.live(Person)
        )
        if current is not None:
            heads = heads.where(Person.id != current.id)
        other = heads.first()
        if other:
            raise RuleViolation(
                "relationship",
                _("This household already has a head ({name}); choose another relationship.", name=other.name),
            )
    return out, notices


@requires("roster.view")
def probable_duplicates(name: str, birth_date: datetime.date | None, kk: str | None, exclude=None) -> list[Person]:
    """Persons with the same name and birth date, or the same name in a household with the same KK."""
    key = name_key(name or "")
    if not key:
        return []
    query = Person.select().join(Household).where(Person.name_key == key, records.live(Person))
    conditions = []
    if birth_date:
        conditions.append(Person.birth_date == birth_date)
    if kk:
        conditions.append(Household.kk == kk)
    if not conditions:
        return []
    condition = conditions[0] if len(conditions) == 1 else (conditions[0] | conditions[1])
    query = query.where(condition)
    if exclude is not None:
        query = query.where(Person.id != exclude)
    return list(query.limit(20))


@requires("roster.edit")
@atomic
def add_person(household_id, confirmed: bool = False, today: datetime.date | None = None, **data) -> Saved:
    """Register a member of a household. ``age_years`` may stand in for an unknown birth date.

    A probable duplicate raises ``ProbableDuplicate`` unless ``confirmed``; other warnings
    (a NIK whose birth date differs from an estimated one) come back with the saved person.
    """
    household = records.get(Household, household_id, "household")
    fields, notices = _person_fields(data, household, None, today or checks.today())
    if not confirmed:
        candidates = probable_duplicates(fields["name"], fields["birth_date"], household.kk)
        if candidates:
            raise ProbableDuplicate(candidates)
    person = records.create(Person, household=household, **fields)
    presence.refresh_households([household.id]) if fields["relationship"] == "head" else None
    return Saved(person, notices)


@requires("roster.edit")
@atomic
def update_person(person_id, confirmed: bool = True, today: datetime.date | None = None, **changes) -> Saved:
    """Correct a person's details; the history keeps the old values."""
    person = records.get(Person, person_id, "person")
    household = person.household
    if "household" in changes:
        household = records.get(Household, changes.pop("household"), "household")
    current = {
        name: getattr(person, name)
        for name in ("nik", "birth_date_estimated", "relationship", "sex", "phone", *PERSON_TEXT, *BOOLEAN_FACTS)
    }
    current["birth_date"] = person.birth_date
    if "age_years" in changes and "birth_date" not in changes:
        current["birth_date"] = None
    current.update(changes)
    fields, notices = _person_fields(current, household, person, today or checks.today())
    if not confirmed:
        candidates = probable_duplicates(fields["name"], fields["birth_date"], household.kk, exclude=person.id)
        if candidates:
            raise ProbableDuplicate(candidates)
    old_household = person.household_id
    records.update(person, household=household, **fields)
    presence.refresh_households({old_household, household.id})
    return Saved(person, notices)


@requires("roster.edit")
@atomic
def delete_person(person_id, note: str = "") -> Person:
    person = records.get(Person, person_id, "person")
    records.delete(person, note)
    presence.refresh_households([person.household_id])
    return person


# --- search -----------------------------------------------------------------------------


def _prefix_range(field, prefix: str):
    """``field`` starts with ``prefix``, as an index range that every database can use."""
    return (field >= prefix) & (field < prefix + "\uffff")


def _sqlite() -> bool:
    return isinstance(Person._meta.database.obj, SqliteDatabase)


def _whole(start: str) -> bool:
    """A start that is a whole key: the one form a variant stands for ("muhamad="), or as many
    digits as the mask shows. Looked up as equal, its keys come in name order without a sort."""
    return start.endswith(names.WHOLE) or (start.isdigit() and len(start) == names.shown_length())


def _keys_starting(starts: tuple[str, ...], table=SearchKey):
    condition = None
    for start in starts:
        key = start.removesuffix(names.WHOLE)
        term = (table.key == key) if _whole(start) else _prefix_range(table.key, key)
        condition = term if condition is None else (condition | term)
    return condition


def _owned(column, starts: tuple[str, ...], by_index: bool):
    """``column`` (a person's id) has a search key starting with one of ``starts``: through the
    key index (``by_index``, few owners) or one probe per row met on another walk."""
    if by_index:
        return column.in_(SearchKey.select(SearchKey.owner).where(_keys_starting(starts)))
    probe = SearchKey.select(SQL("1")).where(SearchKey.owner == column, _keys_starting(starts))
    return fn.EXISTS(probe)


def _plain(column):
    """The column with its index hidden from SQLite's planner (unary + changes no value)."""
    return NodeList((SQL("+"), column), glue="") if _sqlite() else column


def text_matches(text: str, cap: int) -> int:
    """About how many persons a typed search finds, counted in the indexes, up to ``cap``: the
    fewest of any word typed; for digits, those of the NIK, the KK and the digits shown."""
    cleaned = (text or "").strip()
    if not cleaned:
        return cap
    digits = identity.normalize_number(cleaned)
    if digits.isdigit():
        counts = [
            Person.select(SQL("1")).where(_prefix_range(Person.nik, digits)).limit(cap).count(),
            Household.select(SQL("1")).where(_prefix_range(Household.kk, digits)).limit(cap).count() * 4,
        ]
        if _sqlite():
            counts.append(SearchKey.select(SQL("1")).where(_prefix_range(SearchKey.key, digits)).limit(cap).count())
        return min(cap, sum(counts))
    wanted = names.query_words(cleaned)
    if not wanted or not _sqlite():
        return 0 if not wanted else cap
    return min(SearchKey.select(SQL("1")).where(_keys_starting(starts)).limit(cap).count() for starts in wanted)


def _number_terms(digits: str, by_index: bool, plain):
    """Persons whose NIK or KK starts with ``digits``, or whose number shows them on screen."""
    if by_index:
        cards = Household.select(Household.id).where(_prefix_range(Household.kk, digits))
        ids = Person.select(Person.id).where(_prefix_range(Person.nik, digits)) | Person.select(Person.id).where(
            Person.household.in_(cards)
        )
        if _sqlite():
            ids = ids | SearchKey.select(SearchKey.owner).where(_prefix_range(SearchKey.key, digits))
        return Person.id.in_(ids)
    card = Household.select(SQL("1")).where(
        Household.id == Person.household, _prefix_range(plain(Household.kk), digits)
    )
    found = _prefix_range(plain(Person.nik), digits) | fn.EXISTS(card)
    if _sqlite():
        found = found | _owned(Person.id, (digits,), False)
    return found


def text_terms(text: str, by_index: bool = True, plain=None) -> list:
    """The conditions on persons for a typed search: every word typed starts a word of the name
    (spelling variants and titles aside, ``domain.names``), or the digits start a NIK or KK or
    are the digits a masked NIK or KK shows.

    ``by_index``: look the few matches up through the key, NIK and KK indexes; otherwise test
    each person met while walking another index (many matches), with ``plain`` hiding a
    column's own index from the planner."""
    cleaned = (text or "").strip()
    if not cleaned:
        return []
    plain = plain or _plain
    digits = identity.normalize_number(cleaned)
    shown = identity.masked_parts(cleaned)  # what a masked number shows: 320311••0002
    masked = None
    if shown is not None:
        first, last = shown
        cards = Household.select(Household.id).where(_prefix_range(Household.kk, first), Household.kk.endswith(last))
        masked = (_prefix_range(Person.nik, first) & Person.nik.endswith(last)) | Person.household.in_(cards)
        if not digits.isdigit():
            return [masked]
    if digits.isdigit():
        found = _number_terms(digits, by_index, plain)
        return [masked | found] if masked is not None else [found]  # ten digits: a start, or what a mask shows
    wanted = names.query_words(cleaned)
    if not wanted:
        return [Person.id.is_null()]  # only punctuation: nothing to find
    if not _sqlite():  # no key table there: each word starts the name or follows a space
        terms = []
        for starts in wanted:
            condition = None
            for start in (start.removesuffix(names.WHOLE) for start in starts):
                term = Person.name_key.startswith(start) | Person.name_key.contains(" " + start)
                condition = term if condition is None else (condition | term)
            terms.append(condition)
        return terms
    if by_index:  # the rarest word drives, the others are probed
        rarest = min(
            wanted, key=lambda starts: SearchKey.select(SQL("1")).where(_keys_starting(starts)).limit(SMALL).count()
        )
        return [_owned(Person.id, starts, starts is rarest) for starts in wanted]
    return [_owned(Person.id, starts, False) for starts in wanted]


# A search finding fewer persons than this fetches them through the indexes and sorts them;
# more, and it walks the names in order until the page is full.
SMALL = 2000
# Of several words typed, the one with the fewest keys (counted up to this many) leads.
CHOOSE_CAP = 30000


def _ranked_owners(wanted: list[tuple[str, ...]], limit: int) -> list:
    """The first ``limit`` persons in name order with a key for every word wanted: the rarest
    word's keys are read in the order of the names they belong to (the key table holds each
    name's sort key), the other words are probed for each."""
    if len(wanted) == 1 and any(len(start) <= 1 and not _whole(start) for start in wanted[0]):
        # One letter starts words of most names: walk the names in order, probe each.
        walk = Person.select(Person.id).where(records.live(Person), _owned(Person.id, wanted[0], False))
        return [row[0] for row in walk.order_by(Person.name_key, Person.id).limit(limit).tuples()]
    if len(wanted) == 1:
        rarest = wanted[0]
    else:
        rarest = min(
            wanted,
            key=lambda starts: SearchKey.select(SQL("1")).where(_keys_starting(starts)).limit(CHOOSE_CAP).count(),
        )
    query = SearchKey.select(SearchKey.owner).where(_keys_starting(rarest))
    for starts in wanted:
        if starts is not rarest:
            other = SearchKey.alias()
            probe = other.select(SQL("1")).where(other.owner == SearchKey.owner, _keys_starting(starts, other))
            query = query.where(fn.EXISTS(probe))
    query = query.order_by(SearchKey.sort, SearchKey.owner)
    found: list = []
    seen: set = set()
    size, offset = max(limit * 2, 20), 0
    while True:  # a name with two words under the same start is met twice
        batch = [row[0] for row in query.limit(size).offset(offset).tuples()]
        for owner in batch:
            if owner not in seen:
                seen.add(owner)
                found.append(owner)
        if len(found) >= limit or len(batch) < size:
            return found[:limit]
        offset += size


def count_words(text: str) -> int:
    """How many live persons a search by words finds (SQLite: counted in the key table)."""
    wanted = names.query_words(text)
    if not wanted:
        return 0
    if len(wanted) == 1:
        return SearchKey.select(fn.COUNT(SearchKey.owner.distinct())).where(_keys_starting(wanted[0])).scalar() or 0
    return Person.select().where(records.live(Person), *text_terms(text)).count()


def is_number_query(text: str) -> bool:
    """Digits of a NIK or KK, or a number as its mask shows it (320311••0002): not words of a name."""
    cleaned = (text or "").strip()
    return bool(cleaned) and (
        identity.normalize_number(cleaned).isdigit() or identity.masked_parts(cleaned) is not None
    )


def ranked_ids(text: str, limit: int) -> list:
    """The ids of the first ``limit`` persons a search finds, in name order (``search``)."""
    cleaned = (text or "").strip()
    wanted = names.query_words(cleaned) if cleaned and not is_number_query(cleaned) else None
    if wanted and _sqlite():
        return _ranked_owners(wanted, limit)
    return [person.id for person in search(cleaned, limit)]


@requires("roster.view")
def search(text: str, limit: int = 50) -> list[Person]:
    """Persons any word of whose name starts as typed (``text_terms``), or whose NIK or KK starts
    with the digits typed or shows them, in the order of their names."""
    cleaned = (text or "").strip()
    if not cleaned:
        return []
    base = Person.select().where(records.live(Person))
    digits = identity.normalize_number(cleaned)
    if not _sqlite() or identity.masked_parts(cleaned) is not None:  # no key table, or what a mask shows
        return list(base.where(*text_terms(cleaned)).order_by(Person.name_key, Person.id).limit(limit))
    if digits.isdigit():
        by_nik = list(base.where(_prefix_range(Person.nik, digits)).order_by(Person.nik).limit(limit))
        cards = Household.select(Household.id).where(_prefix_range(Household.kk, digits), records.live(Household))
        by_kk = list(base.where(Person.household.in_(cards)).order_by(Person.name_key).limit(limit))
        shown = _ranked_owners([(digits,)], limit)
        by_shown = list(base.where(Person.id.in_(shown))) if shown else []
        found = {p.id: p for p in [*by_nik, *by_kk, *by_shown]}
        return sorted(found.values(), key=lambda p: (p.name_key, p.id.hex))[:limit]
    wanted = names.query_words(cleaned)
    if not wanted:
        return []
    owners = _ranked_owners(wanted, limit)
    persons = {p.id: p for p in base.where(Person.id.in_(owners))} if owners else {}
    return [persons[owner] for owner in owners if owner in persons]
