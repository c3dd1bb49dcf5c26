"""``shelter-app record birth|meals|day``: what the daily report counts and states, recorded
from the command line through the same services as the window (validated, in the history).

``add_parsers`` registers them (called from ``main.build_parser``).
"""

from __future__ import annotations

from shelter_app.cli.common import open_database, parse_day
from shelter_app.domain.errors import RuleViolation
from shelter_app.i18n import _, tr


def add_parsers(sub, common) -> None:
    record = sub.add_parser(
        "record",
        parents=[common],
        help=tr("record a birth, a kitchen's meals or the day's urgent needs, obstacles and follow-up"),
        description=tr(
            "Record what the daily report counts: a baby born at a site, the portions a community kitchen "
            "served, and the day's urgent needs, obstacles (kendala) and follow-up (rencana tindak lanjut)."
        ),
    )
    kinds = record.add_subparsers(dest="record", metavar=tr("what"), required=True)

    birth = kinds.add_parser("birth", parents=[common], help=tr("a baby born to a household staying at a site"))
    birth.add_argument("--site", required=True, help=tr("the site (its name)"))
    birth.add_argument("--household", required=True, metavar="KK|NIK", help=tr("the family's KK, or the mother's NIK"))
    birth.add_argument("--name", required=True, help=tr("the baby's name"))
    birth.add_argument("--sex", required=True, choices=("L", "P"), help=tr("L (laki-laki) or P (perempuan)"))
    birth.add_argument("--date", help=tr("the day, YYYY-MM-DD (default today)"))
    birth.set_defaults(run=record_birth)

    meals = kinds.add_parser("meals", parents=[common], help=tr("the portions a community kitchen served on a day"))
    meals.add_argument("--site", required=True, help=tr("the site (its name)"))
    meals.add_argument("--kitchen", required=True, help=tr("the community kitchen (the activity's title)"))
    meals.add_argument("--date", help=tr("the day, YYYY-MM-DD (default today)"))
    for meal in ("morning", "midday", "evening"):
        meals.add_argument(f"--{meal}", default="0", metavar="N", help=tr("portions served"))
    meals.set_defaults(run=record_meals)

    day = kinds.add_parser("day", parents=[common], help=tr("the day's urgent needs, obstacles and follow-up"))
    day.add_argument("--site", required=True, help=tr("the site (its name)"))
    day.add_argument("--date", help=tr("the day, YYYY-MM-DD (default today)"))
    day.add_argument(
        "--need",
        action="append",
        metavar=tr("ITEM;QUANTITY;UNIT;PRIORITY"),
        help=tr("an urgent need (priority: high, medium or low); repeat for each; replaces the day's list"),
    )
    day.add_argument("--obstacles", metavar=tr("TEXT"), help=tr("obstacles (kendala)"))
    day.add_argument("--follow-up", metavar=tr("TEXT"), help=tr("follow-up (rencana tindak lanjut)"))
    day.set_defaults(run=record_day)


def record_birth(args) -> int:
    from shelter_app.services import sites, stays

    db, _target = open_database(args)
    try:
        site = sites.find_site(args.site)
        household = stays.find_household(args.household)
        stays.record_birth(household.id, site.id, parse_day(args.date), args.name, args.sex)
        print(tr("Birth recorded at {site}: {name}.", site=site.name, name=args.name))
    finally:
        db.close()
    return 0


def record_meals(args) -> int:
    from shelter_app.services import activities, sites

    db, _target = open_database(args)
    try:
        site = sites.find_site(args.site)
        day = parse_day(args.date)
        kitchens = [a for a in activities.activities(site.id, on=day) if a.title == args.kitchen]
        if not kitchens:
            raise RuleViolation(
                "kitchen", _("{site} has no activity called {title} on that day.", site=site.name, title=args.kitchen)
            )
        activities.record_meals(kitchens[0].id, day, args.morning, args.midday, args.evening)
        print(tr("Meals recorded for {kitchen}.", kitchen=args.kitchen))
    finally:
        db.close()
    return 0


def record_day(args) -> int:
    from shelter_app.services import site_days, sites

    db, _target = open_database(args)
    try:
        site = sites.find_site(args.site)
        needs = None
        if args.need is not None:
            needs = []
            for text in args.need:
                parts = [part.strip() for part in text.split(";")]
                if len(parts) not in (3, 4):
                    raise RuleViolation(
                        "need", _('"{text}": write an urgent need as ITEM;QUANTITY;UNIT;PRIORITY.', text=text)
                    )
                item, quantity, unit, *rest = parts
                needs.append(
                    {"item": item, "quantity": quantity, "unit": unit, "priority": rest[0] if rest else "high"}
                )
        site_days.record_day(site.id, parse_day(args.date), needs, args.obstacles, args.follow_up)
        print(tr("The day's report fields of {site} are recorded.", site=site.name))
    finally:
        db.close()
    return 0
