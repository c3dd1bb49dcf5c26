"""The lumbung sosial catalogue a new operation starts with: the items the Ministry of Social
Affairs keeps in its social stockpiles (buffer stock), with their units. Every item can be
renamed, changed or deleted afterwards like any other."""

from __future__ import annotations

from dataclasses import dataclass

from shelter_app.i18n import N_


@dataclass(frozen=True)
class StartingItem:
    name: str  # msgid: stored in the language the operation is started in
    category: str  # domain.choices.STOCK_CATEGORIES
    unit: str  # msgid
    has_expiry: bool = False
    standard: str = ""  # "rice": the item that meets the rice standard
    per_person_per_day: str = "0"
    low_stock_level: str = "0"


CATALOGUE = (
    StartingItem(N_("Rice"), "food", N_("kg"), True, "rice", "0.4", "200"),
    StartingItem(N_("Ready meals"), "food", N_("pack"), True, low_stock_level="100"),
    StartingItem(N_("Instant noodles"), "food", N_("pack"), True, low_stock_level="200"),
    StartingItem(N_("Drinking water"), "water", N_("litre"), True, low_stock_level="500"),
    StartingItem(N_("Cooking oil"), "food", N_("litre"), True, low_stock_level="20"),
    StartingItem(N_("Blankets"), "clothing", N_("piece")),
    StartingItem(N_("Sleeping mats"), "shelter", N_("piece")),
    StartingItem(N_("Tarpaulins"), "shelter", N_("sheet")),
    StartingItem(N_("Family tents"), "shelter", N_("unit")),
    StartingItem(N_("Family kits"), "household", N_("kit")),
    StartingItem(N_("Hygiene kits"), "hygiene", N_("kit")),
    StartingItem(N_("Baby nappies"), "hygiene", N_("pack"), True),
    StartingItem(N_("Sanitary pads"), "hygiene", N_("pack")),
    StartingItem(N_("Fuel (diesel)"), "fuel", N_("litre")),
    StartingItem(N_("Generator sets"), "equipment", N_("unit")),
    StartingItem(N_("Water purifiers"), "water", N_("unit")),
)
