"""Minimum standards (needs per person) and age bands: defaults, overridable in settings.

Figures from ``shared/DOMAIN.md``: BNPB Perka 7/2008 (InaSAFE's defaults) and Sphere.
"""

from __future__ import annotations

from dataclasses import dataclass

from shelter_app.i18n import N_


@dataclass(frozen=True)
class Profile:
    code: str
    label: str
    water_litres_per_person: float  # clean water, all uses, per day
    persons_per_toilet: float
    persons_per_tap: float  # 0 = no standard
    covered_m2_per_person: float
    rice_kg_per_person: float  # per day
    extra_rice_kg_pregnant_lactating: float  # per day
    # Consumables: days of supply below which a site is short; below 1 day it is critical.
    supply_days_target: float = 3.0


PROFILES = {
    "bnpb": Profile(
        code="bnpb",
        label=N_("BNPB (Perka 7/2008)"),
        water_litres_per_person=15.0,
        persons_per_toilet=20.0,
        persons_per_tap=0.0,
        covered_m2_per_person=3.0,
        rice_kg_per_person=0.4,
        extra_rice_kg_pregnant_lactating=2.7 / 7,
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
    ),
}
DEFAULT_PROFILE = "bnpb"


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


def status_of(available: float, required: float) -> str:
    """ok when the need is met, critical under half of it, short in between."""
    if required <= 0 or available >= required:
        return "ok"
    return "critical" if available < required / 2 else "short"


def supply_status(days_of_supply: float | None, target_days: float) -> str:
    if days_of_supply is None or days_of_supply >= target_days:
        return "ok"
    return "critical" if days_of_supply < 1 else "short"
