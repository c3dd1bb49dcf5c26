"""The printed reports, read back from the PDF: every figure equals ``stats.figures``, in both
languages; NIK masked unless asked for; QR codes decode to the household; every page has its
header, footer and "page X of Y"; long tables repeat their header; the CLI writes the files."""

from __future__ import annotations

import datetime
import io
import re

import pdfplumber
import pypdf
import pytest
from babel.numbers import format_decimal

from shelter_app.cli.main import main
from shelter_app.demo.generator import build_demo
from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.standards import AGE_BAND_LABELS
from shelter_app.history import records
from shelter_app.i18n import set_language, translate
from shelter_app.reports import (
    REPORTS,
    daily_report,
    household_cards,
    operation_summary,
    site_roster,
    stock_card_report,
)
from shelter_app.reports.parts import ARRIVAL_LABELS, DEPARTURE_LABELS, NEED_LABELS, VULNERABLE_LABELS
from shelter_app.reports.style import MARGIN_X
from shelter_app.services import settings, sites, stats, stock
from shelter_app.services.residents import residents_by_household
from shelter_app.storage.models import Person
from shelter_app.storage.session import open_database
from tests.conftest import sign_in_coordinator

DAY = datetime.date(2022, 11, 30)
LANGS = ("id", "en")
STATUS = {
    "id": {"ok": "Cukup", "short": "Kurang", "critical": "Kritis"},
    "en": {"ok": "Enough", "short": "Short", "critical": "Critical"},
}
PAGE = {"id": "Halaman {} dari {}", "en": "Page {} of {}"}


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("reports") / "demo.db"
    database = open_database(str(path))
    records.set_operator("Relawan Uji")
    sign_in_coordinator()  # the report commands sign in with it
    build_demo(persons=700, seed=7)
    database.close()
    return str(path)


@pytest.fixture(autouse=True)
def demo(demo_path):
    set_language("id")
    database = open_database(demo_path)
    records.set_operator("Relawan Uji")
    yield database
    set_language("id")
    database.close()


@pytest.fixture
def big_site():
    """The site with the most residents on DAY, and its figures."""
    entry = max(stats.figures(DAY)["sites"], key=lambda e: e["persons"])
    return sites.find_site(entry["name"]), entry


# --- reading PDFs back -----------------------------------------------------------------------


def pages_of(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [page.extract_text() or "" for page in document.pages]


def pypdf_pages(pdf: bytes) -> list[str]:
    """Faster than pdfplumber on pages full of QR modules; enough where layout does not matter."""
    return [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def lines_of(pdf: bytes) -> list[str]:
    return [line for text in pages_of(pdf) for line in text.splitlines()]


def n(value, lang: str) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return format_decimal(value, format="#,##0.##", locale=lang)


def pct(ratio, lang: str) -> str:
    return format_decimal(ratio * 100, format="#,##0.#", locale=lang) + " %"


def has_row(lines: list[str], prefix: str, cells: list[str]) -> bool:
    """A table row: a line that starts with (the start of) ``prefix`` and then shows ``cells`` in order.

    A long site or band name may wrap inside its cell; its first line shares the baseline of
    the figures, so the figures follow whatever part of the name fits.
    """
    wanted = " " + " ".join(cells)
    for line in lines:
        at = line.find(wanted)
        while at >= 0:
            before = line[:at].strip()
            if (
                before
                and prefix.startswith(before)
                and (at + len(wanted) == len(line) or line[at + len(wanted)] == " ")
            ):
                return True
            at = line.find(wanted, at + 1)
    return False


def has_pair(lines: list[str], label: str, value: str) -> bool:
    pattern = re.compile(rf"(^|\s){re.escape(label)} {re.escape(value)}(\s|$)")
    return any(pattern.search(line) for line in lines)


def assert_decorated(pdf: bytes, lang: str, title: str) -> list[str]:
    """Header (title) and footer (generated, version, page X of Y) on every page, nothing outside
    the margins, every character in the embedded DejaVu fonts. Returns the text of each page."""
    from shelter_app import __version__

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        texts = []
        for page in document.pages:
            chars = page.chars
            assert all(MARGIN_X - 1 <= c["x0"] and c["x1"] <= page.width - MARGIN_X + 1 for c in chars)
            assert all(c["top"] >= 0 and c["bottom"] <= page.height for c in chars)
            assert all("DejaVuSans" in c["fontname"] for c in chars)
            texts.append(page.extract_text() or "")
    assert texts, "no pages"
    for number, text in enumerate(texts, 1):
        assert text.splitlines()[0].startswith(title), (number, text[:80])
        assert PAGE[lang].format(number, len(texts)) in text, (number, text[-200:])
        assert f"Posko {__version__}" in text
        assert ("Dibuat" if lang == "id" else "Generated") in text
    assert b"/FontFile2" in pdf  # DejaVu embedded (subset), not left to the printer
    return texts


# --- daily report -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_figure_of_the_daily_report_equals_stats(lang, big_site):
    site, _entry = big_site
    figures = stats.figures(DAY, site.id)["sites"][0]
    done = daily_report(site.name, DAY, lang=lang, prepared_by="Asep Sunandar", notes="Butuh dua tandon tambahan.")
    texts = assert_decorated(done.pdf, lang, translate("Daily site report", lang))
    assert done.pages == len(texts) >= 1
    lines = [line for page in texts for line in page.splitlines()]
    text = "\n".join(lines)

    key = [n(figures[k], lang) for k in ("persons", "households", "male", "female", "capacity")]
    assert " ".join([*key, pct(figures["occupancy"], lang)]) in text
    for band in settings.age_bands():
        cell = figures["age_bands"][band.name]
        assert has_row(
            lines, translate(AGE_BAND_LABELS[band.name], lang), [n(cell[s], lang) for s in ("male", "female", "total")]
        ), band
    assert has_row(lines, "Total", [n(figures["male"], lang), n(figures["female"], lang), n(figures["persons"], lang)])
    for name, label in VULNERABLE_LABELS.items():
        assert has_row(lines, translate(label, lang), [n(figures["vulnerable"][name], lang)]), name
    assert has_pair(lines, translate("Arrivals", lang), n(figures["arrivals"], lang))
    assert has_pair(lines, translate("Departures", lang), n(figures["departures"], lang))
    for key, label in ARRIVAL_LABELS.items():
        assert has_pair(lines, translate(label, lang), n(figures["arrivals_by_reason"][key], lang)), key
    for key, label in DEPARTURE_LABELS.items():
        assert has_pair(lines, translate(label, lang), n(figures["departures_by_reason"][key], lang)), key
    assert sum(figures["arrivals_by_reason"].values()) == figures["arrivals"]
    assert sum(figures["departures_by_reason"].values()) == figures["departures"]
    # Where and when, as an officer files it: Kemendagri codes, the cut-off time in the site's zone.
    assert f"({site.village_code})" in text and f"({site.village_code[:8]})" in text
    assert ("data s.d. pukul 07.00 WIB" if lang == "id" else "data up to 07.00 WIB") in text
    units = {"L/day": "L/day", "toilets": "toilets", "m2": "m²", "taps": "taps"}
    for name, need in figures["needs"].items():
        if name == "rice":
            continue
        cells = [
            n(need["required"], lang),
            n(need["available"], lang),
            n(need["gap"], lang),
            translate(units[need["unit"]], lang),
            STATUS[lang][need["status"]],
        ]
        label = translate(NEED_LABELS[name], lang)
        assert any(line.startswith(label.split()[0]) and " ".join(cells) in line for line in lines), (name, cells)
    # Rice: the need in its parts, on hand, days of supply and the shortfall to the target.
    rice = figures["needs"]["rice"]
    kg_day = translate("kg/day", lang)
    assert any(
        line.startswith(translate("Rice needed a day", lang)) and line.endswith(f"{n(rice['required'], lang)} {kg_day}")
        for line in lines
    )
    assert any(f"{n(rice['extra_kg_per_day'], lang)} {kg_day}" in line for line in lines)
    assert has_pair(lines, translate("Rice on hand", lang), f"{n(rice['available'], lang)} kg")
    assert has_pair(lines, translate("Days of supply", lang), n(rice["days_of_supply"], lang))
    gap_line = next(line for line in lines if n(rice["gap"], lang) + " kg " + STATUS[lang][rice["status"]] in line)
    assert gap_line
    assert "Asep Sunandar" in text and "Butuh dua tandon tambahan." in text


def test_daily_report_lists_stock_installations_and_activities(big_site):
    site, figures = big_site
    done = daily_report(site, DAY, lang="en")
    lines = lines_of(done.pdf)
    held = stock.balances([site.id], DAY)
    for item in stock.items():
        amount = held.get((site.id, item.id))
        if amount:
            row = next(line for line in lines if line.startswith(item.name[:10]))
            assert n(amount, "en") in row.split(), (item.name, row)
    for supply in figures["supplies"]:
        row = next(line for line in lines if line.startswith(supply["item"][:10]))
        assert (
            f"{n(supply['need_per_day'], 'en')} {n(supply['days_of_supply'], 'en')} {n(supply['gap'], 'en')} "
            f"{STATUS['en'][supply['status']]}" in row
        ), (row, supply)
    assert "Signatures" in "\n".join(lines)


def test_a_site_not_yet_open_is_a_rule_violation():
    site = sites.find_site("Aula Kantor Kecamatan Cilaku")
    with pytest.raises(RuleViolation):
        daily_report(site, site.opened_on - datetime.timedelta(days=1))
    with pytest.raises(RuleViolation):
        daily_report("Nowhere", DAY)
    with pytest.raises(RuleViolation):
        daily_report(site, "30-11-2022")
    with pytest.raises(RuleViolation):
        daily_report(site, DAY, lang="fr")


# --- operation summary ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_figure_of_the_operation_summary_equals_stats(lang):
    figures = stats.figures(DAY)
    done = operation_summary(DAY, lang=lang)
    texts = assert_decorated(done.pdf, lang, translate("Operation summary", lang))
    lines = [line for page in texts for line in page.splitlines()]
    entries = [(entry["name"], entry) for entry in figures["sites"]] + [("Total", figures["total"])]
    bands = [band.name for band in settings.age_bands()]
    for name, entry in entries:
        population = [n(entry[k], lang) for k in ("persons", "households", "male", "female", "capacity")]
        population += [pct(entry["occupancy"], lang)]
        population += [n(entry[k], lang) for k in ("arrivals", "departures", "transfers_in", "transfers_out")]
        assert has_row(lines, name, population), (name, population)
        ages = [n(entry["age_bands"][b][s], lang) for b in bands for s in ("male", "female")]
        assert has_row(lines, name, ages), (name, ages)
        vulnerable = [n(entry["vulnerable"][k], lang) for k in VULNERABLE_LABELS]
        assert has_row(lines, name, vulnerable), (name, vulnerable)
        needs = [
            n(entry["needs"][k][v], lang)
            for k in ("water", "toilets", "covered_area", "rice")
            for v in ("required", "available")
        ]
        assert has_row(lines, name, needs), (name, needs)
    # Sites most short of water, toilets and space come first, each gap with its status word.
    severity = {"ok": 0, "short": 1, "critical": 2}
    ranks = {}
    for entry in figures["sites"]:
        cells = [n(entry["persons"], lang)]
        for key in ("water", "toilets", "covered_area"):
            cells += [n(entry["needs"][key]["gap"], lang), STATUS[lang][entry["needs"][key]["status"]]]
        cells += [n(entry["needs"]["rice"]["days_of_supply"], lang), STATUS[lang][entry["needs"]["rice"]["status"]]]
        wanted = " " + " ".join(cells)
        for line in lines:
            match = re.match(r"^(\d+) (.+?)" + re.escape(wanted) + "$", line)
            if match and entry["name"].startswith(match.group(2)):
                ranks[entry["name"]] = int(match.group(1))
        assert entry["name"] in ranks, (entry["name"], cells)
    assert sorted(ranks.values()) == list(range(1, len(figures["sites"]) + 1))
    by_rank = sorted(figures["sites"], key=lambda e: ranks[e["name"]])
    worst = [max(severity[e["needs"][k]["status"]] for k in ("water", "toilets", "covered_area")) for e in by_rank]
    assert worst == sorted(worst, reverse=True) and worst[0] > 0


def test_summary_ranks_every_site_once_most_short_first():
    from shelter_app.reports.summary import collect, shortage

    data = collect(DAY)
    assert [e["name"] for e in data.sites] == [e["name"] for e in sorted(stats.figures(DAY)["sites"], key=shortage)]
    keys = [shortage(e) for e in data.sites]
    assert keys == sorted(keys) and keys[0][0] <= keys[-1][0]


# --- roster -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_roster_masks_every_nik_unless_asked(lang, big_site):
    site, figures = big_site
    households = residents_by_household(site.id, DAY)
    niks = [m.nik for h in households for m in h.members if m.nik]
    kks = [h.kk for h in households if h.kk]
    all_niks = [p.nik for p in Person.select(Person.nik).where(Person.nik.is_null(False))]
    masked = site_roster(site.name, DAY, lang=lang)
    text = "\n".join(assert_decorated(masked.pdf, lang, translate("Site roster", lang)))
    assert not re.search(r"\d{16}", text)
    assert not any(nik in text for nik in all_niks)
    assert sum(1 for nik in niks if nik[:6] + "•" * 6 + nik[-4:] in text) >= 1
    summary = (
        f"{n(figures['persons'], lang)} {'jiwa dalam' if lang == 'id' else 'persons in'} "
        f"{n(figures['households'], lang)}"
    )
    assert summary in text.replace("\n", " ")
    full = site_roster(site, DAY, lang=lang, full_nik=True)
    full_text = "\n".join(pypdf_pages(full.pdf))
    assert all(nik in full_text for nik in niks) and all(kk in full_text for kk in kks)
    names = [m.name for h in households for m in h.members]
    assert all(name in full_text for name in names)


def test_long_roster_repeats_its_header_on_every_page_and_cuts_no_household(big_site):
    site, figures = big_site
    done = site_roster(site, DAY, lang="id")
    texts = pages_of(done.pdf)  # pdfplumber keeps the columns of a line in order
    assert done.pages == len(texts) >= 3, "the demo's biggest site needs a few pages"
    for text in texts:
        assert "No. Nama NIK L/P Umur" in text.replace("\n", " ")
    numbers = []
    for text in texts:
        for line in text.splitlines():
            match = re.match(r"^(\d+) \S", line)
            if match and "KK" not in line[:4]:
                numbers.append(int(match.group(1)))
    assert sorted(set(numbers)) == list(range(1, figures["persons"] + 1))
    # Every household row is followed by its members on the same page, or continued under a repeated row.
    for text in texts[1:]:
        first_row = next(
            line for line in text.splitlines() if line.startswith(("KK ", "Tanpa KK")) or re.match(r"^\d+ ", line)
        )
        assert first_row.startswith(("KK ", "Tanpa KK")), first_row
    assert "KK tanpa KK" not in "\n".join(texts) and "KK no KK" not in "\n".join(texts)


# --- household cards ------------------------------------------------------------------------------


def test_household_card_qr_codes_decode_to_the_household_ids(big_site):
    import pypdfium2
    import zxingcpp

    site, figures = big_site
    done = household_cards(site.name, DAY, lang="en")
    expected = {h.id.hex for h in residents_by_household(site.id, DAY)}
    assert len(expected) == figures["households"]
    document = pypdfium2.PdfDocument(done.pdf)
    found = []
    for page in document:
        image = page.render(scale=2.5).to_pil()
        found += [result.text for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    document.close()
    assert sorted(found) == sorted(expected)
    texts = pypdf_pages(done.pdf)
    assert len(texts) == done.pages and all(PAGE["en"].format(i, done.pages) in t for i, t in enumerate(texts, 1))
    assert not re.search(r"\d{16}", "\n".join(texts))


# --- stock card -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_stock_card_balances_equal_the_stock_service(lang, big_site):
    site, _figures = big_site
    item = stock.find_item("Beras")
    start, end = datetime.date(2022, 11, 25), datetime.date(2022, 12, 5)
    opening, lines = stock.stock_card(site.id, item.id, start, end)
    done = stock_card_report(site, "Beras", start, end, lang=lang)
    texts = assert_decorated(done.pdf, lang, translate("Stock card", lang))
    text_lines = [line for page in texts for line in page.splitlines()]
    closing = stock.on_hand(site.id, item.id, end)
    total_in = sum(line.movement.delta for line in lines if line.movement.delta > 0)
    total_out = -sum(line.movement.delta for line in lines if line.movement.delta < 0)
    assert opening + total_in - total_out == closing
    label = translate("Closing balance", lang)
    assert any(
        line.endswith(f"{label} {n(total_in, lang)} {n(total_out, lang)} {n(closing, lang)}") for line in text_lines
    )
    assert has_pair(text_lines, translate("Opening balance", lang), n(opening, lang))
    # The running balance never goes below zero, and each day ends on the service's balance.
    dated = [line for line in text_lines if re.match(r"^\d+/\d+/\d+ ", line)][1:-1]
    assert len(dated) == len(lines)
    printed = [line.split()[-1] for line in dated]
    assert all(not value.startswith(("-", "−")) for value in printed)
    days = [line.movement.moved_on for line in lines]
    for index, day in enumerate(days):
        if index + 1 == len(days) or days[index + 1] != day:
            assert printed[index] == n(stock.on_hand(site.id, item.id, day), lang), day


# --- command line ---------------------------------------------------------------------------------------


def test_the_report_commands_write_the_files(demo_path, tmp_path, capsys, big_site):
    site, _figures = big_site
    common = ["--db", demo_path]
    commands = {
        "daily.pdf": [
            "report",
            "daily",
            *common,
            "--site",
            site.name,
            "--date",
            "2022-11-30",
            "--prepared-by",
            "Asep",
            "--notes",
            "Tandon bocor",
        ],
        "summary.pdf": ["report", "summary", *common, "--date", "2022-11-30", "--lang", "en"],
        "roster.pdf": ["report", "roster", *common, "--site", site.name, "--date", "2022-11-30"],
        "full.pdf": ["report", "roster", *common, "--site", site.name, "--date", "2022-11-30", "--full-nik"],
        "card.pdf": [
            "report",
            "stock",
            *common,
            "--site",
            site.name,
            "--item",
            "Beras",
            "--from",
            "2022-11-21",
            "--to",
            "2022-11-30",
        ],
        "cards.pdf": ["report", "cards", *common, "--site", site.name, "--date", "2022-11-30"],
    }
    for name, argv in commands.items():
        out = tmp_path / name
        assert main([*argv, "--out", str(out)]) == 0, name
        printed = capsys.readouterr().out
        pages = len(pypdf.PdfReader(str(out)).pages)
        assert str(out) in printed and str(pages) in printed
        assert out.read_bytes().startswith(b"%PDF") and pages >= 1
    assert "Tandon bocor" in "\n".join(pages_of((tmp_path / "daily.pdf").read_bytes()))
    assert "Operation summary" in pages_of((tmp_path / "summary.pdf").read_bytes())[0]


def test_report_errors_exit_2_with_a_message(demo_path, tmp_path, capsys):
    code = main(
        ["report", "daily", "--db", demo_path, "--site", "Nowhere", "--out", str(tmp_path / "x.pdf"), "--lang", "en"]
    )
    assert code == 2 and "Nowhere" in capsys.readouterr().err
    code = main(
        [
            "report",
            "stock",
            "--db",
            demo_path,
            "--site",
            "GOR Pamoyanan",
            "--item",
            "Emas",
            "--out",
            str(tmp_path / "x.pdf"),
        ]
    )
    assert code == 2 and "Emas" in capsys.readouterr().err
    code = main(
        ["report", "summary", "--db", demo_path, "--date", "2022-11-30", "--out", str(tmp_path / "no" / "x.pdf")]
    )
    assert code == 2 and "x.pdf" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_every_report_command_has_help_in_both_languages(capsys):
    for kind in ("", "daily", "summary", "roster", "stock", "cards"):
        for lang, word, other in (("id", "bantuan", "help message"), ("en", "help", "bantuan")):
            with pytest.raises(SystemExit) as stop:
                main(["report", *([kind] if kind else []), "--help", "--lang", lang])
            assert stop.value.code == 0
            out = capsys.readouterr().out.lower()
            own = translate("the PDF file to write" if kind else "print a report as a PDF file", lang).lower()
            if not kind:
                own = translate("daily report of one site", lang).lower()
            assert word in out and own in out and other not in out, (kind, lang, out)


def test_the_window_can_list_the_reports():
    assert [key for key, *_ in REPORTS] == ["daily", "summary", "roster", "stock", "cards"]
    for _key, title, function, parameters in REPORTS:
        assert translate(title, "id") != title and callable(function) and parameters
