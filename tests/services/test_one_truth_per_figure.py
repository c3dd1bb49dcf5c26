"""Figures of one day that must not contradict each other (issue 12): one computation of each
need, stock reported as stock, totals that say what they are, closed sites without capacity,
a household counted once, whole counts of things, and the standards as stated."""

import datetime

from shelter_app.services import installations, roster, settings, sites, stats, stays, stock

D = datetime.date
DAY = D(2022, 11, 23)


def populate(site, n, mothers=0, day=D(2022, 11, 22)):
    hh = roster.register_household()
    ids = [
        roster.add_person(
            hh.id,
            confirmed=True,
            name=f"P{i}",
            sex="P" if i < mothers else "LP"[i % 2],
            age_years=30,
            pregnant=i < mothers,
        ).person.id
        for i in range(n)
    ]
    stays.check_in(ids, site.id, day)
    return ids


def rice_item():
    return stock.add_item("Beras", "food", "kg", per_person_per_day="0.4", standard="rice")


def test_one_rice_requirement_in_needs_and_supplies_with_the_mothers_extra_on_its_own(operation):
    _event, _tent, school = operation
    populate(school, 50, mothers=7)
    rice = rice_item()
    stock.receive(school.id, rice.id, 61, D(2022, 11, 22))
    entry = stats.figures(DAY)["sites"][1]
    need, supply = entry["needs"]["rice"], entry["supplies"][0]
    extra = 7 * 2.7 / 7
    assert need["required"] == round(50 * 0.4 + extra, 2) == supply["required"] == supply["need_per_day"]
    assert (need["base_kg_per_day"], need["extra_kg_per_day"], need["pregnant_lactating"]) == (20.0, 2.7, 7)
    # 61 kg / 22.7 kg a day = 2.69 days: one status, the same in both places.
    assert need["days_of_supply"] == supply["days_of_supply"] == 2.6
    assert need["status"] == supply["status"] == "short"


def test_stock_is_on_hand_and_its_gap_is_the_shortfall_to_the_target_days(operation):
    _event, _tent, school = operation
    populate(school, 50)
    rice = rice_item()
    stock.receive(school.id, rice.id, 30, D(2022, 11, 22))  # 1.5 days of 20 kg
    need = stats.figures(DAY)["sites"][1]["needs"]["rice"]
    assert need["unit"] == "kg" and need["unit_per_day"] == "kg/day"
    assert (need["on_hand"], need["need_per_day"], need["target_days"]) == (30.0, 20.0, 3.0)
    assert need["gap"] == 30.0 and need["status"] == "short"  # 3 x 20 - 30: never "0" beside "short"
    stock.receive(school.id, rice.id, 30, D(2022, 11, 22))  # 3 days exactly
    need = stats.figures(DAY)["sites"][1]["needs"]["rice"]
    assert (need["gap"], need["status"], need["days_of_supply"]) == (0.0, "ok", 3.0)


def test_the_status_of_stock_is_not_ok_exactly_when_its_gap_is_above_zero(operation):
    _event, _tent, school = operation
    populate(school, 3)
    rice = rice_item()
    for amount in ("0.1", "1.2", "3.59", "3.6", "10"):
        stock.receive(school.id, rice.id, amount, D(2022, 11, 22))
        for supply in [stats.figures(DAY)["sites"][1]["needs"]["rice"], *stats.figures(DAY)["sites"][1]["supplies"]]:
            assert (supply["gap"] > 0) == (supply["status"] != "ok"), supply
            shown = supply["days_of_supply"]
            assert (shown >= supply["target_days"]) == (supply["status"] == "ok"), supply


def test_totals_carry_the_sum_of_shortfalls_the_net_balance_and_the_sites_short(operation):
    _event, tent, school = operation
    populate(tent, 4)
    populate(school, 10)
    installations.add_installation(tent.id, "water", state="working", since=D(2022, 11, 21), litres_per_day=500)
    installations.add_installation(school.id, "water", state="working", since=D(2022, 11, 21), litres_per_day=100)
    water = stats.figures(DAY)["total"]["needs"]["water"]
    # tent: 60 needed, 500 there; school: 150 needed, 100 there.
    assert (water["required"], water["available"], water["gap"]) == (210.0, 600.0, 50.0)
    assert water["net_balance"] == 390.0 and water["sites_short"] == 1 and water["status"] == "short"
    assert water["rule"] == "gap_is_sum_of_site_shortfalls"


def test_closed_sites_carry_no_capacity_in_the_totals(operation):
    _event, tent, school = operation
    populate(tent, 4)
    sites.close_site(school.id, D(2022, 11, 22))
    total = stats.figures(DAY)["total"]
    assert total["capacity"] == 4 and total["occupancy"] == 1.0


def test_counts_of_things_are_whole(operation):
    _event, _tent, school = operation
    populate(school, 41)
    needs = stats.figures(DAY)["sites"][1]["needs"]
    assert needs["taps"]["required"] == 1.0  # 41 / 100 (BNPB, Kemenkes 2011)
    assert needs["toilets"]["required"] == 3.0  # 41 / 20
    settings.set_profile("sphere")
    needs = stats.figures(DAY)["sites"][1]["needs"]
    assert needs["taps"]["required"] == 1.0


def test_sphere_toilets_follow_the_phase_and_check_the_ratio_of_women_and_accessible(operation):
    _event, _tent, school = operation
    populate(school, 60)
    installations.add_installation(
        school.id, "toilet", state="working", since=D(2022, 11, 21), toilets_female=2, toilets_male=1
    )
    settings.set_profile("sphere")
    toilets = stats.figures(DAY)["sites"][1]["needs"]["toilets"]
    assert (toilets["persons_per_toilet"], toilets["required"], toilets["status"]) == (50.0, 2.0, "ok")
    assert toilets["female_male_ratio_ok"] is False and toilets["accessible_ok"] is False
    settings.change("sphere_toilet_first_phase_days", 1)  # the site opened on the 21st: 2 days ago
    toilets = stats.figures(DAY)["sites"][1]["needs"]["toilets"]
    assert (toilets["persons_per_toilet"], toilets["required"], toilets["status"]) == (20.0, 3.0, "ok")
    settings.set_profile("bnpb")
    assert "female_male_ratio_ok" not in stats.figures(DAY)["sites"][1]["needs"]["toilets"]
