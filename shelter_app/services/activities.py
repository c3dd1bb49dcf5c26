"""Activities for evacuees: training, community kitchens, livelihood projects."""

from __future__ import annotations

from shelter_app.domain import choices
from shelter_app.domain.errors import RuleViolation
from shelter_app.history import records
from shelter_app.history.records import atomic
from shelter_app.i18n import N_, _
from shelter_app.services import checks
from shelter_app.services.access import requires
from shelter_app.storage.models import Activity, ActivityParticipant, KitchenMeals, Person, Site


def _fields(data: dict, site: Site) -> dict:
    out = {}
    if "kind" in data:
        out["kind"] = checks.choice("kind", data["kind"], choices.ACTIVITY_KINDS, "Kind of activity")
    if "title" in data:
        out["title"] = checks.text("title", data["title"], "Title")
    if "held_on" in data:
        out["held_on"] = checks.date("held_on", data["held_on"], "Date", site.event.started_on)
    if "ends_on" in data:
        out["ends_on"] = (
            checks.date("ends_on", data["ends_on"], "End date", out.get("held_on", site.event.started_on))
            if data["ends_on"]
            else None
        )
    if "facilitator" in data:
        out["facilitator"] = checks.text("facilitator", data["facilitator"], "Facilitator", required=False)
    if "outcome" in data:
        out["outcome"] = checks.text("outcome", data["outcome"], "Outcome", required=False, max_length=5000)
    return out


@requires("activities.edit")
@atomic
def create_activity(site_id, kind: str, title: str, held_on, **details) -> Activity:
    site = records.get(Site, site_id, "site")
    return records.create(
        Activity, site=site, **_fields(dict(kind=kind, title=title, held_on=held_on, **details), site)
    )


@requires("activities.edit")
@atomic
def update_activity(activity_id, **changes) -> Activity:
    activity = records.get(Activity, activity_id, "activity")
    fields = _fields(changes, activity.site)
    end, start = fields.get("ends_on", activity.ends_on), fields.get("held_on", activity.held_on)
    if end and end < start:
        raise RuleViolation("ends_on", _("The end date is before the start date."))
    return records.update(activity, **fields)


@requires("activities.edit")
@atomic
def add_participants(activity_id, person_ids) -> int:
    """Add persons from the roster; those already taking part are left as they are."""
    activity = records.get(Activity, activity_id, "activity")
    present = {
        row[0]
        for row in ActivityParticipant.select(ActivityParticipant.person)
        .where(ActivityParticipant.activity == activity.id, records.live(ActivityParticipant))
        .tuples()
    }
    added = 0
    for person_id in dict.fromkeys(person_ids):
        person = records.get(Person, person_id, "persons")
        if person.id not in present:
            records.create(ActivityParticipant, activity=activity, person=person)
            added += 1
    return added


@requires("activities.edit")
@atomic
def remove_participant(activity_id, person_id) -> None:
    link = ActivityParticipant.get_or_none(
        ActivityParticipant.activity == activity_id,
        ActivityParticipant.person == person_id,
        ActivityParticipant.deleted_at.is_null(),
    )
    if link is None:
        raise RuleViolation("persons", _("This person is not taking part in the activity."))
    records.delete(link)


@requires("figures.view")
def activities(site_id=None, on=None) -> list[Activity]:
    query = Activity.select().where(records.live(Activity))
    if site_id:
        query = query.where(Activity.site == site_id)
    if on:
        query = query.where(
            Activity.held_on <= on, (Activity.ends_on.is_null() & (Activity.held_on == on)) | (Activity.ends_on >= on)
        )
    return list(query.order_by(Activity.held_on.desc(), Activity.title))


@requires("roster.view")
def participants(activity_id) -> list[Person]:
    return list(
        Person.select()
        .join(ActivityParticipant)
        .where(ActivityParticipant.activity == activity_id, records.live(ActivityParticipant), records.live(Person))
        .order_by(Person.name_key)
    )


@requires("figures.view")
def participant_count(activity_id) -> int:
    """How many take part (a figure of the daily report, which an observer may make too)."""
    return len(participants.__wrapped__(activity_id))


# --- community kitchens: portions served a day ------------------------------------------

MEALS = ("morning", "midday", "evening")


@atomic
def record_meals(activity_id, served_on, morning=0, midday=0, evening=0) -> KitchenMeals:
    """The portions a community kitchen served on a day (morning, midday, evening); recording
    the same day again corrects it (the history keeps the old figures)."""
    activity = records.get(Activity, activity_id, "activity")
    if activity.kind != "community_kitchen":
        raise RuleViolation("activity", _("Meals are recorded for a community kitchen; choose the kitchen activity."))
    day = checks.date("served_on", served_on, "Date", activity.held_on)
    if activity.ends_on is not None and day > activity.ends_on:
        raise RuleViolation(
            "served_on",
            _("The kitchen ran until {date}; choose a day it was open.", date=activity.ends_on.isoformat()),
        )
    labels = {"morning": N_("Morning portions"), "midday": N_("Midday portions"), "evening": N_("Evening portions")}
    counts = {
        meal: int(checks.number(meal, value, labels[meal], integer=True))
        for meal, value in zip(MEALS, (morning, midday, evening))
    }
    current = (
        KitchenMeals.select()
        .where(KitchenMeals.activity == activity.id, KitchenMeals.served_on == day, records.live(KitchenMeals))
        .first()
    )
    if current is not None:
        return records.update(current, **counts)
    return records.create(KitchenMeals, activity=activity, served_on=day, **counts)


def meals_served(site_id, day) -> list[tuple[Activity, KitchenMeals]]:
    """The community kitchens of a site with the portions they recorded for ``day``."""
    query = (
        KitchenMeals.select(KitchenMeals, Activity)
        .join(Activity)
        .where(
            Activity.site == site_id,
            KitchenMeals.served_on == day,
            records.live(KitchenMeals),
            records.live(Activity),
        )
        .order_by(Activity.title)
    )
    return [(row.activity, row) for row in query]
