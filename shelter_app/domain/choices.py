"""The fixed lists a user picks from, each code with its translatable label."""

from __future__ import annotations

from shelter_app.i18n import N_, translate

EVENT_KINDS = {
    "earthquake": N_("Earthquake"),
    "flood": N_("Flood"),
    "landslide": N_("Landslide"),
    "volcano": N_("Volcanic eruption"),
    "tsunami": N_("Tsunami"),
    "fire": N_("Fire"),
    "storm": N_("Storm"),
    "other": N_("Other"),
}

SITE_KINDS = {
    "tent_camp": N_("Tent camp"),
    "school": N_("School"),
    "mosque": N_("Mosque or prayer hall"),
    "government_building": N_("Government building"),
    "sports_hall": N_("Sports hall"),
    "relatives_home": N_("Relatives' homes"),
    "spontaneous": N_("Spontaneous site"),
    "other": N_("Other"),
}

SITE_STATUSES = {"open": N_("Open"), "closed": N_("Closed")}

LAND_OWNERSHIP = {"public": N_("Public land"), "private": N_("Private land"), "customary": N_("Customary land")}

# IOM DTM / CCCM site types: a building is a collective centre, a tent camp a planned camp,
# a spontaneous site a self-settled camp; staying with relatives is hosting.
DTM_SITE_TYPES = {
    "tent_camp": "planned_camp",
    "school": "collective_centre",
    "mosque": "collective_centre",
    "government_building": "collective_centre",
    "sports_hall": "collective_centre",
    "relatives_home": "host_families",
    "spontaneous": "self_settled_camp",
    "other": "other",
}

INSTALLATION_KINDS = {
    "pallet": N_("Pallet floor"),
    "water": N_("Clean-water installation"),
    "toilet": N_("Toilets"),
    "tap": N_("Taps"),
    "generator": N_("Generator"),
    "kitchen": N_("Kitchen"),
    "tent": N_("Tent"),
    "other": N_("Other"),
}

WATER_KINDS = {
    "tank": N_("Water tank"),
    "purifier": N_("Water purifier"),
    "well": N_("Well or borehole"),
    "piped": N_("Piped supply"),
    "truck": N_("Water truck"),
}

INSTALLATION_STATES = {
    "planned": N_("Planned"),
    "working": N_("Working"),
    "broken": N_("Broken"),
    "removed": N_("Removed"),
}

SEXES = {"L": N_("Male"), "P": N_("Female")}

# As printed on a Kartu Keluarga.
RELATIONSHIPS = {
    "head": N_("Head of household"),
    "husband": N_("Husband"),
    "wife": N_("Wife"),
    "child": N_("Child"),
    "child_in_law": N_("Son- or daughter-in-law"),
    "grandchild": N_("Grandchild"),
    "parent": N_("Parent"),
    "parent_in_law": N_("Parent-in-law"),
    "relative": N_("Other relative"),
    "helper": N_("Domestic helper"),
    "other": N_("Other"),
}

LEAVE_REASONS = {
    "transferred": N_("Transferred to another site"),
    "returned_home": N_("Returned home"),
    "relocated": N_("Relocated"),
    "hospital": N_("Hospital"),
    "deceased": N_("Deceased"),
    "other": N_("Other"),
}

STOCK_CATEGORIES = {
    "food": N_("Food"),
    "shelter": N_("Shelter"),
    "household": N_("Household kit"),
    "hygiene": N_("Hygiene"),
    "clothing": N_("Clothing and bedding"),
    "fuel": N_("Fuel"),
    "equipment": N_("Equipment"),
    "water": N_("Water and sanitation"),
    "other": N_("Other"),
}

MOVEMENT_KINDS = {
    "received": N_("Received"),
    "issued": N_("Issued"),
    "distributed": N_("Distributed to a household"),
    "transfer_out": N_("Transferred out"),
    "transfer_in": N_("Transferred in"),
    "adjusted": N_("Adjusted"),
}

ADJUST_REASONS = {
    "lost": N_("Lost"),
    "damaged": N_("Damaged"),
    "expired": N_("Expired"),
    "count": N_("Stock count correction"),
    "other": N_("Other"),
}

STOCK_SOURCES = {
    "government": N_("Government (lumbung sosial)"),
    "donated": N_("Donated"),
    "procured": N_("Procured"),
}

ACTIVITY_KINDS = {
    "vocational_training": N_("Vocational training"),
    "community_kitchen": N_("Community kitchen"),
    "livelihood": N_("Livelihood project"),
    "education": N_("Education"),
    "health": N_("Health"),
    "psychosocial": N_("Psychosocial support"),
    "religious": N_("Religious activity"),
    "other": N_("Other"),
}


def label(choices: dict[str, str], code: str, lang: str | None = None) -> str:
    """The translated label of a code, or the code itself when it is not in the list."""
    return translate(choices[code], lang) if code in choices else code
