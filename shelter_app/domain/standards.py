"""Minimum standards (needs per person) and age bands: defaults, overridable in settings.

Figures from ``shared/DOMAIN.md``: BNPB Perka 7/2008 (InaSAFE's defaults) and Sphere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from shelter_app.i18n import N_


@dataclass(frozen=True)
class Profile:
    code: str
    label: str
    water_litres_per_person: float  # clean water, all uses, per day
    persons_per_toilet: float  # Sphere: after the first phase (see persons_per_toilet_first_phase)
    persons_per_tap: float  # 0 = no standard
    covered_m2_per_person: float
    rice_kg_per_person: float  # per day
    extra_rice_kg_pregnant_lactating: float  # per day
    # Consumables: days of supply below which a site is short; below 1 day it is critical.
    supply_days_target: float = 3.0
    tap_source: str = ""  # where the tap standard comes from
    # Sphere: 1 toilet per 50 persons in the first phase of a site, 1 per 20 after; 0 = one ratio.
    persons_per_toilet_first_phase: float = 0.0
    female_toilets_per_male: float = 0.0  # Sphere: 3 for women to 1 for men; 0 = not checked
    check_accessible_toilets: bool = False  # Sphere: at least one accessible toilet
    food_kcal_per_person: float = 0.0  # Sphere states food as energy; rice is its stand-in


PROFILES = {
    "bnpb": Profile(
        code="bnpb",
        label=N_("BNPB (Perka 7/2008)"),
        water_litres_per_person=15.0,
        persons_per_toilet=20.0,
        # Kemenkes, Pedoman Teknis Penanggulangan Krisis Kesehatan Akibat Bencana (2011):
        # "1 kran air untuk 80-100 orang"; the upper figure is the minimum.
        persons_per_tap=100.0,
        covered_m2_per_person=3.0,
        rice_kg_per_person=0.4,
        extra_rice_kg_pregnant_lactating=2.7 / 7,
        tap_source=N_("Kemenkes, crisis health guidance 2011"),
    ),
    "sphere": Profile(
        code="sphere",
        label=N_("Sphere"),
        water_litres_per_person=15.0,
        persons_per_toilet=20.0,
        persons_per_tap=250.0,
        covered_m2_per_person=3.5,
        rice_kg_per_person=0.4,
        extra_rice_kg_pregnant_lactating=2.7 / 7,
        persons_per_toilet_first_phase=50.0,
        female_toilets_per_male=3.0,
        check_accessible_toilets=True,
        food_kcal_per_person=2100.0,
    ),
}
DEFAULT_PROFILE = "bnpb"

# How bad a need's status is, for the worst of several and for sorting: an input never
# recorded ranks just above ok, never with short or critical.
STATUS_SEVERITY = {"ok": 0, "not_recorded": 0.5, "short": 1, "critical": 2}


@dataclass(frozen=True)
class AgeBand:
    name: str
    min_years: int
    max_years: int | None  # exclusive; None = no upper limit


# Indonesian reporting convention: bayi <1, balita 1-4, anak 5-17, dewasa 18-59, lansia 60+.
DEFAULT_AGE_BANDS = (
    AgeBand("bayi", 0, 1),
    AgeBand("balita", 1, 5),
    AgeBand("anak", 5, 18),
    AgeBand("dewasa", 18, 60),
    AgeBand("lansia", 60, None),
)

AGE_BAND_LABELS = {
    "bayi": N_("Infants (under 1)"),
    "balita": N_("Young children (1-4)"),
    "anak": N_("Children (5-17)"),
    "dewasa": N_("Adults (18-59)"),
    "lansia": N_("Older people (60+)"),
}


def whole(count: float) -> float:
    """Counts of things (toilets, taps) are whole: rounded up."""
    return float(math.ceil(round(count, 9)))


def persons_per_toilet(profile: Profile, days_open: int | None, first_phase_days: int) -> float:
    """The toilet ratio on a day: Sphere's first-phase ratio while the site is young."""
    if profile.persons_per_toilet_first_phase and days_open is not None and days_open < first_phase_days:
        return profile.persons_per_toilet_first_phase
    return profile.persons_per_toilet


@dataclass(frozen=True)
class RiceNeed:
    """The one computation of the rice a site needs a day, with its parts."""

    persons: int
    mothers: int  # pregnant or breast-feeding women
    base_kg: float  # persons x the ration
    extra_kg: float  # mothers x the extra ration

    @property
    def total_kg(self) -> float:
        return self.base_kg + self.extra_kg


def rice_need(persons: int, mothers: int, profile: Profile) -> RiceNeed:
    return RiceNeed(
        persons,
        mothers,
        persons * profile.rice_kg_per_person,
        mothers * profile.extra_rice_kg_pregnant_lactating,
    )


def supply_gap(per_day: float, on_hand: float, target_days: float) -> float:
    """What is missing to hold ``target_days`` of supply (0 when the stock reaches the target)."""
    return max(per_day * target_days - on_hand, 0.0)


def status_of(available: float, required: float) -> str:
    """ok when the need is met, critical under half of it, short in between."""
    if required <= 0 or available >= required:
        return "ok"
    return "critical" if available < required / 2 else "short"


def supply_status(days_of_supply: float | None, target_days: float) -> str:
    """The one rule for stock: ok from ``target_days`` of supply, critical under one day."""
    if days_of_supply is None or days_of_supply >= target_days:
        return "ok"
    return "critical" if days_of_supply < 1 else "short"
