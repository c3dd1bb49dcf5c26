"""A believable demo operation modelled on the Cianjur earthquake of 21 November 2022.

``build_demo`` fills an empty database with one event, 6-12 evacuation sites in real villages
of Cianjur regency, their installations with a state history, households and persons with
valid (invented) NIK and KK numbers, stays with transfers and departures, a social stockpile
with deliveries, kitchen issues, distributions, transfers and adjustments, and activities with
participants. Every name and number is invented; only the places are real.

Everything comes from one ``random.Random(seed)``, ids included, so the same seed and size
give the same data. The roster is generated and written in chunks of households, keeping only
what later steps need (presence counts per site and day, one small tuple per household for
distributions, a sample of persons per site for activities), so half a million persons fit in
bounded memory. It all runs in one transaction: a cancelled or failed build leaves nothing.
"""

from __future__ import annotations

import datetime
import math
import random
import uuid
from bisect import bisect
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate

from shelter_app.domain import identity, regions
from shelter_app.domain.errors import RuleViolation
from shelter_app.domain.names import name_key
from shelter_app.history import records
from shelter_app.i18n import _
from shelter_app.services import presence
from shelter_app.storage import lock
from shelter_app.storage.models import (
    Activity,
    ActivityParticipant,
    Event,
    Household,
    Installation,
    InstallationState,
    Person,
    Site,
    Stay,
    StockItem,
    StockLot,
    StockMovement,
    database,
)

MIN_PERSONS = 50
START = datetime.date(2022, 11, 21)  # the earthquake struck at 13.21 WIB
END = datetime.date(2022, 12, 12)  # last day the demo covers
NDAYS = (END - START).days + 1  # day indexes 0..21
DAYS = [START + datetime.timedelta(days=i) for i in range(NDAYS)]
START_ORD = START.toordinal()
CHUNK_HOUSEHOLDS = 5000
OPERATOR = "Demo"
REGENCY = "32.03"  # Kabupaten Cianjur
CLOSE_DAY = 14  # 2022-12-05: the school site closes, classes resume
CAFE_DAY = 14  # Cafe Kreasi opens after the emergency phase
# Above this many households, mats and a second family kit are issued in bulk, not per
# household: distributions stay at most two per household.
FULL_DISTRIBUTION_HOUSEHOLDS = 30000

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]


# Who manages a demo site and on whose land it stands, by kind (no random draw: the figures
# of the demo stay as they were).
DEMO_MANAGERS = {
    "tent_camp": "Dinas Sosial Kabupaten Cianjur (Tagana)",
    "school": "BPBD Kabupaten Cianjur",
    "mosque": "DKM masjid setempat",
    "government_building": "Pemerintah Kecamatan",
    "sports_hall": "BPBD Kabupaten Cianjur",
    "spontaneous": "Warga (swadaya)",
}
DEMO_LAND = {"mosque": "private", "spontaneous": "private", "relatives_home": "private"}


class DemoCancelled(Exception):
    """Raised inside the build's transaction when ``cancelled()`` says so; nothing is kept."""


@dataclass(frozen=True)
class DemoSummary:
    sites: int
    households: int
    persons: int
    stays: int
    movements: int
    activities: int


# --- places ------------------------------------------------------------------------------

CUGENANG, CIANJUR, WARUNGKONDANG, CILAKU = "32.03.11", "32.03.01", "32.03.02", "32.03.04"
KARANGTENGAH, PACET, GEKBRONG, CIPANAS = "32.03.07", "32.03.10", "32.03.27", "32.03.28"


@dataclass(frozen=True)
class _SiteTemplate:
    name: str
    kind: str
    village_code: str
    latitude: float
    longitude: float
    weight: float  # share of the evacuees
    open_day: int
    place: str  # what the address starts with
    neighbours: tuple[str, ...]  # districts the evacuees also come from
    capacity_factor: float  # capacity against the expected peak; < 1 runs over capacity
    short_of: tuple[str, ...] = ()  # "water", "toilets", "space"
    closes: bool = False


# The first six cover every kind of site; more are added as the operation grows.
SITE_TEMPLATES = (
    _SiteTemplate(
        "Posko Lapangan Desa Gasol",
        "tent_camp",
        "32.03.11.2002",
        -6.8093,
        107.0871,
        3.0,
        0,
        "Lapangan sepak bola Desa Gasol",
        (CIANJUR, PACET),
        0.85,
        ("toilets",),
    ),
    _SiteTemplate(
        "SDN Sarampad 1",
        "school",
        "32.03.11.2007",
        -6.8174,
        107.0968,
        0.9,
        0,
        "Jl. Raya Sarampad",
        (CIANJUR,),
        1.2,
        (),
        closes=True,
    ),
    _SiteTemplate(
        "Masjid Jami Al-Ikhlas Nyalindung",
        "mosque",
        "32.03.11.2005",
        -6.7987,
        107.1034,
        0.8,
        0,
        "Kp. Nyalindung",
        (PACET,),
        1.15,
        ("space",),
    ),
    _SiteTemplate(
        "Aula Kantor Kecamatan Cilaku",
        "government_building",
        "32.03.04.2002",
        -6.8541,
        107.1386,
        0.9,
        1,
        "Jl. Raya Cilaku",
        (CIANJUR, WARUNGKONDANG),
        1.3,
    ),
    _SiteTemplate(
        "GOR Pamoyanan",
        "sports_hall",
        "32.03.01.1006",
        -6.8316,
        107.1427,
        1.4,
        1,
        "Jl. Pamoyanan",
        (CUGENANG, KARANGTENGAH),
        0.82,
        ("water",),
    ),
    _SiteTemplate(
        "Posko Spontan Kampung Benjot",
        "spontaneous",
        "32.03.11.2011",
        -6.7922,
        107.0753,
        0.7,
        0,
        "Kebun warga Kp. Benjot",
        (PACET,),
        1.1,
        ("water", "toilets"),
    ),
    _SiteTemplate(
        "Posko Tenda Desa Mangunkerta",
        "tent_camp",
        "32.03.11.2006",
        -6.8049,
        107.0622,
        2.2,
        1,
        "Lapangan Desa Mangunkerta",
        (PACET, GEKBRONG),
        1.2,
    ),
    _SiteTemplate(
        "SDN Sukamulya 2",
        "school",
        "32.03.02.2016",
        -6.8472,
        107.0813,
        0.8,
        2,
        "Kp. Sukamulya",
        (CUGENANG, GEKBRONG),
        1.25,
    ),
    _SiteTemplate(
        "Masjid Al-Hidayah Cibulakan",
        "mosque",
        "32.03.11.2010",
        -6.8128,
        107.0712,
        0.7,
        1,
        "Kp. Cibulakan",
        (WARUNGKONDANG,),
        1.1,
    ),
    _SiteTemplate(
        "Posko Lapangan Desa Cipendawa",
        "tent_camp",
        "32.03.10.2007",
        -6.7861,
        107.0457,
        1.5,
        2,
        "Lapangan Desa Cipendawa",
        (CIPANAS, CUGENANG),
        1.2,
        ("toilets",),
    ),
    _SiteTemplate(
        "Balai Desa Songgom",
        "government_building",
        "32.03.27.2002",
        -6.8604,
        107.0479,
        0.7,
        2,
        "Kantor Desa Songgom",
        (WARUNGKONDANG, CUGENANG),
        1.3,
    ),
    _SiteTemplate(
        "Posko Lapangan Desa Cijedil",
        "tent_camp",
        "32.03.11.2003",
        -6.8011,
        107.0826,
        2.5,
        0,
        "Lapangan Desa Cijedil",
        (CIANJUR, CILAKU),
        1.15,
        ("water",),
    ),
)

KAMPUNG = (
    "Babakan",
    "Pasir",
    "Cibaregbeg",
    "Rawa",
    "Neglasari",
    "Pasirsalam",
    "Cikaret",
    "Pasirhuni",
    "Sukasirna",
    "Lebak",
    "Tonggoh",
    "Girang",
    "Hilir",
    "Munjul",
    "Cisalak",
    "Ciherang",
    "Gunungsari",
    "Panyusuhan",
    "Pasircina",
    "Kebonkalapa",
    "Sindangsari",
    "Cikondang",
    "Pangkalan",
    "Legok",
    "Jambudipa",
    "Cilembang",
    "Tegalsari",
    "Warungbatu",
    "Kaum",
    "Nagrak",
)

# --- names (invented combinations of common given and second names) ----------------------

MALE_NAMES = (
    "Asep",
    "Ujang",
    "Dadang",
    "Cecep",
    "Jajang",
    "Entis",
    "Iwan",
    "Yayan",
    "Ade",
    "Agus",
    "Aceng",
    "Usep",
    "Enjang",
    "Dadan",
    "Deden",
    "Engkos",
    "Oman",
    "Odang",
    "Ajat",
    "Ayi",
    "Aep",
    "Encep",
    "Ohan",
    "Uus",
    "Rahmat",
    "Ridwan",
    "Hendra",
    "Wawan",
    "Rudi",
    "Dedi",
    "Budi",
    "Yudi",
    "Eko",
    "Slamet",
    "Sutrisno",
    "Joko",
    "Bambang",
    "Heru",
    "Wahyu",
    "Teguh",
    "Bayu",
    "Dimas",
    "Rizki",
    "Fajar",
    "Ilham",
    "Irfan",
    "Fikri",
    "Firman",
    "Gilang",
    "Galih",
    "Rangga",
    "Dani",
    "Doni",
    "Andi",
    "Arif",
    "Aris",
    "Ahmad",
    "Muhammad",
    "Abdul",
    "Abdullah",
    "Syahrul",
    "Saepul",
    "Saepudin",
    "Sobirin",
    "Sukirman",
    "Kurnia",
    "Rohmat",
    "Nanang",
    "Nandang",
    "Maman",
    "Mamat",
    "Mulyadi",
    "Supardi",
    "Tatang",
    "Tono",
    "Toto",
    "Yusuf",
    "Zaenal",
    "Hasan",
    "Husen",
    "Ikhsan",
    "Lukman",
    "Nurdin",
    "Rosid",
    "Taufik",
    "Yogi",
    "Reza",
    "Hilman",
    "Hadi",
    "Jaenudin",
    "Komarudin",
    "Didin",
    "Odih",
    "Enday",
    "Opik",
    "Atep",
    "Jejen",
    "Dodi",
    "Iyan",
    "Alif",
    "Rafi",
)
FEMALE_NAMES = (
    "Siti",
    "Euis",
    "Neng",
    "Imas",
    "Iis",
    "Yati",
    "Lilis",
    "Nunung",
    "Dewi",
    "Rina",
    "Ai",
    "Enok",
    "Cucu",
    "Tati",
    "Popon",
    "Eti",
    "Enung",
    "Elis",
    "Eneng",
    "Ida",
    "Ika",
    "Iin",
    "Yanti",
    "Yuli",
    "Wati",
    "Rohayati",
    "Nurhayati",
    "Nining",
    "Nani",
    "Nia",
    "Nenden",
    "Mimin",
    "Mumun",
    "Oneng",
    "Onih",
    "Titin",
    "Tini",
    "Teti",
    "Wiwin",
    "Yeni",
    "Yulia",
    "Santi",
    "Sri",
    "Endah",
    "Rini",
    "Ratna",
    "Ratih",
    "Ani",
    "Ana",
    "Aisyah",
    "Aminah",
    "Fatimah",
    "Khadijah",
    "Nurul",
    "Nur",
    "Anisa",
    "Salsabila",
    "Putri",
    "Intan",
    "Indah",
    "Fitri",
    "Rahma",
    "Laila",
    "Lina",
    "Lisna",
    "Mega",
    "Melati",
    "Mira",
    "Novi",
    "Nova",
    "Rika",
    "Rosita",
    "Sarah",
    "Sinta",
    "Susi",
    "Tuti",
    "Umi",
    "Wulan",
    "Yuyun",
    "Eulis",
    "Heni",
    "Hani",
    "Irma",
    "Kokom",
    "Lia",
    "Nadia",
    "Nabila",
    "Zahra",
    "Keisha",
    "Aulia",
    "Alya",
    "Citra",
    "Desi",
    "Diah",
    "Dian",
    "Eka",
    "Ela",
    "Entin",
    "Iyam",
    "Omah",
)
MALE_SECOND = (
    "Hidayat",
    "Supriatna",
    "Permana",
    "Nugraha",
    "Setiawan",
    "Kurniawan",
    "Sudrajat",
    "Suryana",
    "Mulyana",
    "Hermawan",
    "Saputra",
    "Ramdani",
    "Ramadhan",
    "Rohman",
    "Rahman",
    "Sopandi",
    "Firmansyah",
    "Hidayatullah",
    "Maulana",
    "Syarifudin",
    "Hakim",
    "Fauzi",
    "Nurjaman",
    "Sumarna",
    "Wijaya",
    "Prasetyo",
    "Santoso",
    "Susanto",
    "Wibowo",
    "Purnomo",
    "Nurhadi",
    "Muharam",
    "Ruhiyat",
    "Rusmana",
    "Kusnadi",
    "Kusmana",
    "Mukhtar",
    "Sobari",
    "Somantri",
    "Sukmana",
    "Taryana",
    "Wahyudin",
    "Jaelani",
    "Juhana",
    "Kosasih",
    "Apandi",
    "Basri",
    "Darmawan",
    "Effendi",
    "Fadilah",
    "Ginanjar",
    "Hamdani",
    "Iskandar",
    "Jamaludin",
    "Komara",
    "Saefulloh",
    "Munandar",
    "Ardiansyah",
    "Gumilar",
    "Sofyan",
)
FEMALE_SECOND = (
    "Nurjanah",
    "Rahayu",
    "Komalasari",
    "Lestari",
    "Handayani",
    "Nurhasanah",
    "Sulastri",
    "Kurniasih",
    "Hartini",
    "Wulandari",
    "Rahmawati",
    "Fitriani",
    "Maryani",
    "Kartika",
    "Purnamasari",
    "Anggraeni",
    "Solihat",
    "Saadah",
    "Rohimah",
    "Maesaroh",
    "Jubaedah",
    "Romlah",
    "Hasanah",
    "Pertiwi",
    "Permatasari",
    "Oktaviani",
    "Puspitasari",
    "Safitri",
    "Sundari",
    "Nuraeni",
)
# Some names start with a religious or customary first part: Muhammad Rizki Ramadhan.
MALE_PREFIXES = ("Muhammad", "Muhammad", "Ahmad", "Abdul", "Moch.", "Raden", "Dede", "Ade")
FEMALE_PREFIXES = ("Siti", "Siti", "Nur", "Neng", "Dewi", "Sri", "Putri", "Ai")
# Combinations that happen to be the names of well-known people are never produced.
BLOCKED_NAMES = frozenset(
    {
        "budi gunawan",
        "dedi mulyadi",
        "ridwan kamil",
        "joko widodo",
        "herman suherman",
        "ujang komarudin",
        "dede yusuf",
        "sri mulyani",
        "siti nurbaya",
        "ahmad heryawan",
        "rudi hartono",
        "susi susanti",
        "eko patrio",
        "ahmad dhani",
        "siti nurhaliza",
        "iwan fals",
    }
)

DISABILITY_NOTES = (
    "Tunadaksa (kaki)",
    "Tunanetra",
    "Tunarungu",
    "Cedera tulang akibat gempa, memakai kruk",
    "Memakai kursi roda",
    "Disabilitas intelektual",
    "Tunawicara",
)
HOUSE_NOTES = (
    "Rumah rusak berat",
    "Rumah rusak berat",
    "Rumah rusak sedang",
    "Rumah rusak ringan, takut gempa susulan",
    "Rumah tertimbun longsor",
    "",
    "",
    "",
)
PHONE_PREFIXES = (
    "0812",
    "0813",
    "0821",
    "0822",
    "0823",
    "0852",
    "0853",
    "0851",
    "0877",
    "0878",
    "0817",
    "0818",
    "0819",
    "0838",
    "0831",
    "0895",
    "0896",
    "0897",
    "0857",
    "0856",
    "0881",
    "0882",
    "0887",
)

HOUSEHOLD_SIZES = (1, 2, 3, 4, 5, 6, 7, 8, 9)
HOUSEHOLD_SIZE_CUM = list(accumulate((0.08, 0.16, 0.23, 0.24, 0.145, 0.075, 0.04, 0.02, 0.01)))


def _pick(rng: random.Random, items, cum) -> object:
    return items[min(bisect(cum, rng.random() * cum[-1]), len(items) - 1)]


# random() is several times faster than randint/randrange/choice, which add checks in Python.
def _below(rng: random.Random, n: int) -> int:
    return int(rng.random() * n)


def _between(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def _one(rng: random.Random, items):
    return items[int(rng.random() * len(items))]


def _by_id(row: dict) -> int:
    return row["id"].int


def _new_id(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


# --- the build -----------------------------------------------------------------------------


@dataclass
class _Site:
    index: int
    id: uuid.UUID
    template: _SiteTemplate
    district_code: str
    open_day: int
    close_day: int | None
    expected_peak: int
    origins: list  # (village code, village name, district code, district name, district index)
    origin_cum: list
    diff: list = field(default_factory=lambda: [0] * (NDAYS + 1))  # presence changes per day
    households: list = field(default_factory=list)  # (start, end, household id, size)
    sample: list = field(default_factory=list)  # (person id, start, end, age, sex)
    seen: int = 0  # stays offered to the sample
    population: list = field(default_factory=list)  # persons present per day


class _Builder:
    SAMPLE_SIZE = 600

    def __init__(self, persons: int, seed: int, progress: ProgressFn | None, cancelled: CancelledFn | None):
        self.persons = persons
        self.rng = random.Random(seed)
        self.progress = progress
        self.cancelled = cancelled
        self.counts = dict(sites=0, households=0, persons=0, stays=0, movements=0, activities=0)
        self.nik_serials: dict[int, int] = {}
        self.kk_serials: dict[int, int] = {}
        self.district_index: dict[str, int] = {}
        self.full_distribution = False

    def check_cancelled(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise DemoCancelled()

    # --- event and sites ------------------------------------------------------------------

    def build_event_and_sites(self) -> None:
        rng = self.rng
        self.event_id = _new_id(rng)
        records.bulk_create(
            Event,
            [
                dict(
                    id=self.event_id,
                    name="Gempa Bumi Cianjur 2022",
                    kind="earthquake",
                    started_on=START,
                    region_code=REGENCY,
                    glide="EQ-2022-000191-IDN",
                    notes=(
                        "Gempa M5,6 pada 21 November 2022 pukul 13.21 WIB, pusat di Kecamatan Cugenang. "
                        "Data demo: lokasi nyata, semua nama dan nomor identitas rekaan."
                    ),
                )
            ],
        )
        scale = math.log(max(self.persons, 3000) / 3000) / math.log(100000 / 3000)
        n_sites = 6 + round(6 * min(scale, 1.0))
        templates = SITE_TEMPLATES[:n_sites]
        total_weight = sum(t.weight for t in templates)
        self.sites: list[_Site] = []
        rows = []
        for index, template in enumerate(templates):
            village = regions.village(template.village_code)
            district_code = village.parent_code
            district = regions.district(district_code)
            origins, weights = self._catchment(template, district_code)
            expected_peak = max(10, round(self.persons * template.weight / total_weight * 0.9))
            capacity_night = max(10, round(expected_peak * template.capacity_factor * rng.uniform(0.95, 1.05)))
            capacity_day = round(capacity_night * rng.uniform(0.9, 1.2))
            if template.kind in ("tent_camp", "spontaneous"):
                covered = round(rng.uniform(60, 150) + expected_peak * 0.15, 1)  # posko, aula tenda
            else:
                per_person = rng.uniform(2.2, 2.6) if "space" in template.short_of else rng.uniform(3.2, 4.2)
                covered = round(expected_peak * per_person, 1)
            site = _Site(
                index=index,
                id=_new_id(rng),
                template=template,
                district_code=district_code,
                open_day=template.open_day,
                close_day=CLOSE_DAY if template.closes else None,
                expected_peak=expected_peak,
                origins=origins,
                origin_cum=list(accumulate(weights)),
            )
            self.sites.append(site)
            contact = self._name(rng, "L")
            label = "Kel." if village.code.split(".")[-1].startswith("1") else "Desa"
            notes = ""
            if template.closes:
                notes = (
                    "Ditutup 5 Desember 2022: gedung sekolah dipakai kembali untuk kegiatan belajar; "
                    "pengungsi dipindahkan ke lokasi lain atau kembali ke rumah."
                )
            rows.append(
                dict(
                    id=site.id,
                    event=self.event_id,
                    name=template.name,
                    kind=template.kind,
                    village_code=template.village_code,
                    address=f"{template.place}, {label} {village.name}, Kec. {district.name}, Kab. Cianjur",
                    latitude=template.latitude,
                    longitude=template.longitude,
                    capacity_day=capacity_day,
                    capacity_night=capacity_night,
                    covered_area_m2=covered,
                    status="closed" if template.closes else "open",
                    opened_on=DAYS[template.open_day],
                    closed_on=DAYS[CLOSE_DAY] if template.closes else None,
                    contact_name=contact,
                    contact_phone=self._phone(rng),
                    notes=notes,
                    managing_agency=DEMO_MANAGERS.get(template.kind, "BPBD Kabupaten Cianjur"),
                    land_ownership=DEMO_LAND.get(template.kind, "public"),
                )
            )
        records.bulk_create(Site, rows)
        self.counts["sites"] = len(rows)
        self.site_cum = list(accumulate(s.template.weight for s in self.sites))
        self.open_sites = [s for s in self.sites if s.close_day is None]
        self.open_cum = list(accumulate(s.template.weight for s in self.open_sites))

    def _catchment(self, template: _SiteTemplate, district_code: str):
        """Villages the site's evacuees come from: its own, its district's, its neighbours'."""
        own = regions.village(template.village_code)
        same = [v for v in regions.villages_of_district(district_code) if v.code != own.code]
        others = [v for code in template.neighbours for v in regions.villages_of_district(code)]
        villages, weights = [own], [0.5]
        villages += same
        weights += [0.35 / len(same)] * len(same)
        villages += others
        weights += [0.15 / len(others)] * len(others) if others else []
        origins = []
        for village in villages:
            district = regions.district(village.parent_code)
            index = self.district_index.setdefault(village.parent_code, len(self.district_index))
            origins.append((village.code, village.name, village.parent_code, district.name, index))
        return origins, weights

    # --- households, persons, stays --------------------------------------------------------

    def build_roster(self) -> None:
        self.full_distribution = self.persons / 3.7 <= FULL_DISTRIBUTION_HOUSEHOLDS
        done = 0
        while done < self.persons:
            self.check_cancelled()
            households, persons, stays = [], [], []
            for _n in range(CHUNK_HOUSEHOLDS):
                if done >= self.persons:
                    break
                done += self._household(households, persons, stays, self.persons - done)
            # In key order, each chunk walks the primary-key index once instead of at random.
            for model, rows in ((Household, households), (Person, persons), (Stay, stays)):
                rows.sort(key=_by_id)
                records.bulk_create(model, rows)
            self.counts["households"] += len(households)
            self.counts["persons"] += len(persons)
            self.counts["stays"] += len(stays)
            if self.progress is not None:
                self.progress(done, self.persons)
        for site in self.sites:
            running, population = 0, []
            for d in range(NDAYS):
                running += site.diff[d]
                population.append(running)
            site.population = population
            site.households.sort(key=lambda h: h[0])

    def _household(self, households: list, persons: list, stays: list, room: int) -> int:
        rng = self.rng
        size = min(_pick(rng, HOUSEHOLD_SIZES, HOUSEHOLD_SIZE_CUM), room)
        members = self._members(rng, size)
        segments = self._trajectory(rng)
        home = self.sites[segments[0][0]]
        village_code, village_name, district_code, district_name, district_index = _pick(
            rng, home.origins, home.origin_cum
        )
        household_id = _new_id(rng)
        kk = None
        if rng.random() < 0.85:
            issued = datetime.date(2008, 1, 1) + datetime.timedelta(days=_below(rng, 5416))
            key = district_index * 1_000_000 + issued.toordinal()
            serial = self.kk_serials.get(key, 0) + 1
            self.kk_serials[key] = serial
            kk = identity.make_kk(district_code, issued, serial)
        label = "Kel." if village_code.split(".")[-1].startswith("1") else "Desa"
        households.append(
            dict(
                id=household_id,
                kk=kk,
                origin_village_code=village_code,
                address=(
                    f"Kp. {_one(rng, KAMPUNG)} RT {_between(rng, 1, 8):03d}/RW {_between(rng, 1, 12):03d}, "
                    f"{label} {village_name}, Kec. {district_name}"
                ),
                notes=_one(rng, HOUSE_NOTES),
            )
        )
        own_row = households[-1]
        first = segments[0]
        household_end = segments[-1][2]
        home.households.append((first[1], first[2] if first[2] is not None else NDAYS, household_id, size))
        father_second = None
        # A woman breast-feeds only with a child under two in her household (no random draw
        # changes: the rest of the demo stays as it was).
        baby = any(r == "child" and a < 2 for r, _s, a, _u in members)
        grandbaby = any(r == "grandchild" and a < 2 for r, _s, a, _u in members)
        for relationship, sex, age, unaccompanied in members:
            person_id = _new_id(rng)
            name, second = self._full_name(rng, sex, father_second if relationship in ("child", "grandchild") else None)
            if relationship == "head" and sex == "L":
                father_second = second
            estimated = rng.random() < 0.08
            if estimated:
                anniversary = datetime.date(START.year - age, START.month, START.day)
                birth = anniversary - datetime.timedelta(days=182)
                nik = None
            else:
                birth_ord = START_ORD - int(age * 365.2425) - _below(rng, 365)
                birth = datetime.date.fromordinal(birth_ord)
                nik = None
                if rng.random() < 0.978:
                    key = ((district_index * 1_000_000 + birth_ord) << 1) | (sex == "P")
                    serial = self.nik_serials.get(key, 0) + 1
                    self.nik_serials[key] = serial
                    nik = identity.make_nik(district_code, birth, sex, serial)
            row = dict(
                id=person_id,
                household=household_id,
                nik=nik,
                name=name,
                name_key=name_key(name),
                sex=sex,
                birth_date=birth,
                birth_date_estimated=estimated,
                relationship="relative" if unaccompanied else relationship,
            )
            self._vulnerability(rng, row, relationship, sex, age)
            mother_of_baby = (
                sex == "P"
                and 15 <= age <= 49
                and (
                    (baby and (relationship == "wife" or relationship == "head"))
                    or (grandbaby and relationship in ("child", "child_in_law") and age >= 18)
                )
            )
            row["lactating"] = mother_of_baby and not row.get("pregnant")
            if unaccompanied:
                # Separated from the family: registered as a household of its own (no adult of
                # it at the site), cared for by neighbours.
                row["unaccompanied_child"] = True
                row["notes"] = "Terpisah dari orang tua saat gempa; sementara diasuh tetangga."
                row["relationship"] = "head"
                row["household"] = uuid.uuid5(household_id, f"separated-{person_id}")
                households.append(
                    dict(
                        id=row["household"],
                        kk=None,
                        origin_village_code=village_code,
                        address=own_row["address"],
                        notes="Anak terpisah dari keluarga; diasuh tetangga di lokasi.",
                    )
                )
            if relationship == "head" and rng.random() < 0.65:
                row["phone"] = self._phone(rng)
            persons.append(row)
            for site_index, start, end, reason, came_from, note in self._person_segments(
                rng, segments, age, household_end
            ):
                site = self.sites[site_index]
                stays.append(
                    dict(
                        id=_new_id(rng),
                        person=person_id,
                        site=site.id,
                        arrived_on=DAYS[start],
                        left_on=DAYS[end] if end is not None else None,
                        leave_reason=reason,
                        leave_note=note,
                        came_from=self.sites[came_from].id if came_from is not None else None,
                    )
                )
                site.diff[start] += 1
                if end is not None:
                    site.diff[end] -= 1
                site.seen += 1
                sample = (person_id, start, end if end is not None else NDAYS, age, sex)
                if len(site.sample) < self.SAMPLE_SIZE:
                    site.sample.append(sample)
                else:
                    slot = _below(rng, site.seen)
                    if slot < self.SAMPLE_SIZE:
                        site.sample[slot] = sample
        return size

    def _members(self, rng: random.Random, size: int) -> list[tuple[str, str, int, bool]]:
        """(relationship, sex, age, unaccompanied) of each member, the head first."""
        female_head = rng.random() < (0.35 if size == 1 else 0.11)
        if size == 1:
            age = 19 + int(rng.triangular(0, 70, 48))
            return [("head", "P" if female_head else "L", age, False)]
        members = []
        if female_head:
            head_age = 24 + int(rng.triangular(0, 56, 24))
            members.append(("head", "P", head_age, False))
            mother_age = head_age
        else:
            head_age = 22 + int(rng.triangular(0, 53, 14))
            members.append(("head", "L", head_age, False))
            if rng.random() < 0.93:
                mother_age = max(18, min(85, head_age - _between(rng, -2, 8)))
                members.append(("wife", "P", mother_age, False))
            else:
                mother_age = head_age - _between(rng, 0, 6)
        room = size - len(members)
        if room >= 1 and head_age <= 60 and rng.random() < 0.16:
            age = min(95, head_age + _between(rng, 20, 34))
            members.append(
                ("parent" if rng.random() < 0.6 else "parent_in_law", "P" if rng.random() < 0.65 else "L", age, False)
            )
            room -= 1
        if room >= 3 and mother_age >= 44 and rng.random() < 0.3:
            child_age = _between(rng, 20, max(20, min(mother_age - 18, 35)))
            child_sex = "P" if rng.random() < 0.55 else "L"
            members.append(("child", child_sex, child_age, False))
            members.append(
                ("child_in_law", "L" if child_sex == "P" else "P", max(18, child_age + _between(rng, -3, 4)), False)
            )
            room -= 2
            grandchildren = min(room, _between(rng, 1, 3))
            for _n in range(grandchildren):
                members.append(("grandchild", _one(rng, "LP"), _between(rng, 0, min(12, child_age - 18)), False))
            room -= grandchildren
        if room >= 1 and rng.random() < 0.04:
            members.append(("relative", _one(rng, "LP"), _between(rng, 8, 70), False))
            room -= 1
        oldest = max(0, min(mother_age - 18, 32))
        for _n in range(room):
            age = _between(rng, 0, oldest) if rng.random() < 0.85 else _between(rng, 0, min(oldest, 12))
            unaccompanied = 5 <= age < 18 and rng.random() < 0.005
            members.append(("child", _one(rng, "LP"), age, unaccompanied))
        return members

    def _vulnerability(self, rng: random.Random, row: dict, relationship: str, sex: str, age: int) -> None:
        if sex == "P" and 15 <= age <= 49:
            married = relationship in ("wife", "head", "child_in_law")
            draw = rng.random()
            if draw < (0.029 if married else 0.006):
                row["pregnant"] = True
            elif draw < (0.088 if married else 0.01):
                row["lactating"] = True
        if rng.random() < (0.018 if age < 60 else 0.06):
            row["disability"] = True
            row["disability_note"] = _one(rng, DISABILITY_NOTES)
        chronic = 0.005 if age < 18 else 0.03 if age < 45 else 0.12 if age < 60 else 0.28
        if rng.random() < chronic:
            row["chronic_illness"] = True
            row["notes"] = _one(
                rng,
                (
                    "Hipertensi",
                    "Diabetes",
                    "Asma",
                    "Penyakit jantung",
                    "TBC dalam pengobatan",
                    "Gagal ginjal, cuci darah rutin",
                ),
            )

    def _trajectory(self, rng: random.Random) -> list[list]:
        """The household's stays: [site, start, end or None, reason, came from, note]."""
        home = _pick(rng, self.sites, self.site_cum)
        draw = rng.random()
        offset = (
            0 if draw < 0.6 else 1 if draw < 0.77 else 2 if draw < 0.85 else 3 if draw < 0.9 else _between(rng, 4, 14)
        )
        arrival = min(home.open_day + offset, NDAYS - 2)
        if home.close_day is not None and arrival > home.close_day - 4:
            home = _pick(rng, self.open_sites, self.open_cum)
            arrival = min(max(arrival, home.open_day), NDAYS - 2)
        first = [home.index, arrival, None, None, None, ""]
        segments = [first]
        after = arrival
        if home.close_day is not None:
            if rng.random() < 0.55:
                day = _between(rng, max(arrival + 1, home.close_day - 3), home.close_day)
                segments.append(self._transfer(rng, first, day, "Lokasi ditutup: sekolah dipakai kembali"))
                after = day
            else:
                first[2] = _between(rng, max(arrival + 1, home.close_day - 6), home.close_day)
                first[3], first[5] = "returned_home", "Kembali ke rumah sebelum lokasi ditutup"
                return segments
        elif rng.random() < 0.065 and arrival + 2 <= NDAYS - 3:
            day = _between(rng, arrival + 2, NDAYS - 3)
            segments.append(
                self._transfer(
                    rng,
                    first,
                    day,
                    _one(
                        rng,
                        (
                            "Lokasi penuh",
                            "Dekat dengan keluarga",
                            "Tenda rusak terkena hujan",
                            "Akses air bersih lebih baik",
                        ),
                    ),
                )
            )
            after = day
        if rng.random() < 0.21 and after + 1 <= NDAYS - 1:
            last = segments[-1]
            if rng.random() < 0.15 and after + 1 <= NDAYS - 1:
                last[2] = _between(rng, max(after + 1, 14), NDAYS - 1)
                last[3], last[5] = "relocated", "Pindah ke hunian sementara (huntara)"
            else:
                last[2] = _between(rng, max(after + 1, 4), NDAYS - 1)
                last[3], last[5] = (
                    "returned_home",
                    _one(rng, ("Kembali ke rumah (rusak ringan)", "Kembali ke rumah", "Menumpang di rumah kerabat")),
                )
        return segments

    def _transfer(self, rng: random.Random, segment: list, day: int, note: str) -> list:
        while True:
            target = _pick(rng, self.open_sites, self.open_cum)
            if target.index != segment[0] and target.open_day <= day:
                break
        segment[2], segment[3], segment[5] = day, "transferred", note
        return [target.index, day, None, None, segment[0], ""]

    def _person_segments(self, rng: random.Random, segments: list, age: int, household_end):
        """The household's stays as this member lived them: some came later, some left early."""
        first = segments[0]
        start = first[1]
        if rng.random() < 0.04:
            later = start + _between(rng, 1, 3)
            if later <= NDAYS - 1 and (first[2] is None or later < first[2]):
                start = later
        own = [[first[0], start, first[2], first[3], first[4], first[5]]] + [list(s) for s in segments[1:]]
        if rng.random() < 0.025:
            limit = NDAYS - 1 if household_end is None else household_end - 1
            if start + 1 <= limit:
                day = _between(rng, start + 1, limit)
                if age >= 65 and rng.random() < 0.2:
                    reason, note = "deceased", "Meninggal dunia"
                elif rng.random() < 0.7:
                    reason, note = (
                        "hospital",
                        _one(
                            rng,
                            (
                                "Dirujuk ke RSUD Sayang Cianjur",
                                "Dirawat di rumah sakit",
                                "Dirujuk ke puskesmas rawat inap",
                            ),
                        ),
                    )
                else:
                    reason, note = "returned_home", "Tinggal di rumah kerabat"
                kept = []
                for segment in own:
                    if segment[1] >= day:
                        break
                    kept.append(segment)
                    if segment[2] is None or segment[2] >= day:
                        segment[2], segment[3], segment[5] = day, reason, note
                        break
                own = kept
        return own

    def _full_name(self, rng: random.Random, sex: str, father_second: str | None) -> tuple[str, str]:
        while True:
            given = _one(rng, MALE_NAMES if sex == "L" else FEMALE_NAMES)
            draw = rng.random()
            if sex == "L" and father_second and draw < 0.3:
                second = father_second
            else:
                second = _one(rng, MALE_SECOND if sex == "L" else FEMALE_SECOND)
            if draw > 0.9:
                name = given
            elif draw > 0.78:
                prefix = _one(rng, MALE_PREFIXES if sex == "L" else FEMALE_PREFIXES)
                name = f"{given} {second}" if prefix == given else f"{prefix} {given} {second}"
            else:
                name = f"{given} {second}"
            if name.lower() not in BLOCKED_NAMES:
                return name, second

    def _name(self, rng: random.Random, sex: str) -> str:
        return self._full_name(rng, sex, None)[0]

    @staticmethod
    def _phone(rng: random.Random) -> str:
        length = _between(rng, 11, 13)
        digits = length - 4
        return f"{_one(rng, PHONE_PREFIXES)}{_below(rng, 10**digits):0{digits}d}"

    # --- installations ---------------------------------------------------------------------

    def build_installations(self) -> None:
        rng = self.rng
        installations, states = [], []
        for site in self.sites:
            peak = max(site.population) or site.expected_peak
            short = site.template.short_of
            specs = []
            kind = site.template.kind
            if kind in ("tent_camp", "spontaneous"):
                area_need = peak * rng.uniform(2.7, 3.4) - (0 if kind == "tent_camp" else peak * 0.5)
                if kind == "tent_camp":
                    platoon = max(1, round(area_need * 0.6 / 84))
                    family = max(1, round((area_need - platoon * 84) / 16))
                    specs.append(
                        dict(
                            kind="tent",
                            name="Tenda pleton Kemensos (6 x 14 m)",
                            quantity=platoon,
                            floor_area_m2=platoon * 84.0,
                        )
                    )
                    specs.append(
                        dict(
                            kind="tent",
                            name="Tenda keluarga BNPB (4 x 4 m)",
                            quantity=family,
                            floor_area_m2=family * 16.0,
                        )
                    )
                else:
                    family = max(1, round(area_need / 12))
                    specs.append(
                        dict(
                            kind="tent", name="Tenda terpal swadaya warga", quantity=family, floor_area_m2=family * 12.0
                        )
                    )
                tent_area = sum(s["floor_area_m2"] for s in specs)
                pallets = round(tent_area * rng.uniform(0.5, 0.8) / 1.2)
                specs.append(
                    dict(
                        kind="pallet",
                        name="Palet kayu alas tenda",
                        quantity=pallets,
                        floor_area_m2=round(pallets * 1.2, 1),
                    )
                )
            water_need = peak * 15
            water_target = water_need * (rng.uniform(0.5, 0.65) if "water" in short else rng.uniform(1.1, 1.5))
            purifier = max(1, math.ceil(water_target * 0.5 / 20000))
            specs.append(
                dict(
                    kind="water",
                    subkind="purifier",
                    name="Instalasi penjernih air Kemensos",
                    quantity=purifier,
                    litres_per_day=round(water_target * 0.5, -2),
                )
            )
            tanks = max(1, math.ceil(water_target * 0.35 / 5000))
            specs.append(
                dict(
                    kind="water",
                    subkind="tank",
                    name="Tandon air 5.000 L (suplai truk PDAM)",
                    quantity=tanks,
                    litres_per_day=round(water_target * 0.35, -2),
                )
            )
            specs.append(
                dict(
                    kind="water",
                    subkind="well",
                    name="Sumur bor warga",
                    quantity=1,
                    litres_per_day=round(water_target * 0.15, -2),
                )
            )
            toilets = math.ceil(peak / 20 * (rng.uniform(0.4, 0.6) if "toilets" in short else rng.uniform(1.05, 1.3)))
            portable = max(2, round(toilets * 0.6))
            specs.append(
                dict(
                    kind="toilet",
                    name="Toilet portabel BNPB",
                    quantity=1,
                    toilets_female=round(portable * 0.6),
                    toilets_male=portable - round(portable * 0.6) - 1,
                    toilets_accessible=1,
                )
            )
            mck = max(2, toilets - portable)
            specs.append(
                dict(
                    kind="toilet",
                    name="MCK darurat",
                    quantity=1,
                    toilets_female=round(mck * 0.6),
                    toilets_male=mck - round(mck * 0.6),
                )
            )
            specs.append(
                dict(kind="tap", name="Kran air umum", quantity=max(2, math.ceil(peak / 250 * rng.uniform(1.0, 1.6))))
            )
            generators = max(1, round(peak / 1500))
            specs.append(
                dict(
                    kind="generator",
                    name="Genset posko",
                    quantity=generators,
                    power_kw=float(generators * _one(rng, (5, 10, 15))),
                )
            )
            specs.append(
                dict(kind="kitchen", name="Dapur umum lapangan (DUL) Tagana", quantity=max(1, round(peak / 3000)))
            )
            for spec in specs:
                installation_id = _new_id(rng)
                history = self._state_history(rng, site, spec)
                for state, day, note in history:
                    states.append(
                        dict(
                            id=_new_id(rng), installation=installation_id, state=state, changed_on=DAYS[day], note=note
                        )
                    )
                installations.append(
                    dict(
                        id=installation_id, site=site.id, state=history[-1][0], state_since=DAYS[history[-1][1]], **spec
                    )
                )
        records.bulk_create(Installation, installations)
        records.bulk_create(InstallationState, states)

    def _state_history(self, rng: random.Random, site: _Site, spec: dict) -> list[tuple[str, int, str]]:
        """planned -> working, sometimes broken and repaired; removed when the site closes."""
        planned = site.open_day + (_between(rng, 0, 3) if spec["kind"] in ("water", "tap", "generator") else 0)
        working = planned + _between(rng, 1, 2)
        history = [("planned", planned, ""), ("working", working, "")]
        last = site.close_day - 1 if site.close_day is not None else NDAYS - 1
        breakable = spec["kind"] in ("water", "toilet", "generator", "tap")
        if breakable and rng.random() < 0.3 and working + 2 <= last - 1:
            broken = _between(rng, working + 2, last - 1)
            note = {
                "water": "Pompa rusak",
                "toilet": "Saluran tersumbat",
                "generator": "Mesin mati",
                "tap": "Pipa bocor",
            }[spec["kind"]]
            history.append(("broken", broken, note))
            repaired = broken + _between(rng, 1, 3)
            if repaired <= last:
                history.append(("working", repaired, "Sudah diperbaiki"))
        if site.close_day is not None:
            history.append(("removed", site.close_day, "Lokasi ditutup"))
        return history

    # --- stock -------------------------------------------------------------------------------

    def build_stock(self) -> None:
        stock = _Stock(self)
        stock.run()
        self.counts["movements"] = stock.written

    # --- activities ------------------------------------------------------------------------

    def build_activities(self) -> None:
        rng = self.rng
        activities, participants = [], []
        for site in self.sites:
            last = (site.close_day - 1) if site.close_day is not None else NDAYS - 1
            size = max(site.population)
            plans = [
                (
                    "community_kitchen",
                    "Dapur umum lapangan",
                    site.open_day,
                    last,
                    "Tagana Kab. Cianjur",
                    "adult_women",
                    f"Rata-rata {max(30, size * 2)} porsi makan per hari; relawan pengungsi membantu memasak.",
                )
            ]
            day = site.open_day + _between(rng, 2, 4)
            while day <= last:
                plans.append(
                    (
                        "psychosocial",
                        "Layanan dukungan psikososial anak",
                        day,
                        None,
                        _one(rng, ("Dinsos Kab. Cianjur", "Tim LDP Kemensos", "Tagana Jawa Barat")),
                        "children",
                        _one(
                            rng,
                            (
                                "Anak-anak bermain, bernyanyi dan menggambar; suasana ceria.",
                                "Permainan kelompok dan cerita; 2 anak masih takut gempa susulan, dirujuk ke konselor.",
                                "Kegiatan mewarnai dan senam ceria bersama relawan.",
                            ),
                        ),
                    )
                )
                day += _between(rng, 3, 5)
            if size >= 150:
                day = min(last, site.open_day + _between(rng, 7, 10))
                plans.append(
                    (
                        "vocational_training",
                        "Pelatihan memasak di Dapur Kreasi",
                        day,
                        min(last, day + 2),
                        "UPT Kemensos",
                        "adult_women",
                        "Peserta belajar membuat kue dan olahan singkong untuk dijual; resep dibagikan.",
                    )
                )
                day = min(last, site.open_day + _between(rng, 9, 13))
                plans.append(
                    (
                        "vocational_training",
                        "Pelatihan menganyam bambu",
                        day,
                        min(last, day + 3),
                        "Dinsos Kab. Cianjur",
                        "adults",
                        "Peserta menghasilkan bakul dan tampah; beberapa siap dijual di pasar.",
                    )
                )
            if size >= 300 and site.close_day is None:
                day = _between(rng, 10, 15)
                plans.append(
                    (
                        "vocational_training",
                        "Pelatihan membuat batako",
                        day,
                        min(last, day + 4),
                        "UPT Kemensos bersama Tagana",
                        "adult_men",
                        "Peserta mencetak batako untuk perbaikan rumah; 400 batako dihasilkan.",
                    )
                )
            if site.index == 0:
                plans.append(
                    (
                        "livelihood",
                        "Cafe Kreasi",
                        CAFE_DAY + 1,
                        NDAYS - 1,
                        "UPT Kemensos",
                        "adults",
                        "Kafe dikelola pengungsi lulusan Dapur Kreasi; omzet minggu pertama sekitar Rp 2,5 juta.",
                    )
                )
            day = site.open_day + _between(rng, 3, 6)
            if day <= last:
                plans.append(
                    (
                        "health",
                        "Pemeriksaan kesehatan dan posyandu darurat",
                        day,
                        None,
                        "Puskesmas Cugenang",
                        "anyone",
                        "Pemeriksaan tekanan darah dan gizi balita; ISPA terbanyak.",
                    )
                )
            for kind, title, held_on, ends_on, facilitator, who, outcome in plans:
                activity_id = _new_id(rng)
                activities.append(
                    dict(
                        id=activity_id,
                        site=site.id,
                        kind=kind,
                        title=title,
                        held_on=DAYS[held_on],
                        ends_on=DAYS[ends_on] if ends_on is not None and ends_on > held_on else None,
                        facilitator=facilitator,
                        outcome=outcome,
                    )
                )
                for person_id in self._participants(rng, site, held_on, who):
                    participants.append(dict(id=_new_id(rng), activity=activity_id, person=person_id))
        records.bulk_create(Activity, activities)
        records.bulk_create(ActivityParticipant, participants)
        self.counts["activities"] = len(activities)

    def _participants(self, rng: random.Random, site: _Site, day: int, who: str) -> list[uuid.UUID]:
        present = [p for p in site.sample if p[1] <= day < p[2]]
        tests = {
            "children": lambda p: 5 <= p[3] < 18,
            "adult_women": lambda p: p[4] == "P" and 18 <= p[3] < 60,
            "adult_men": lambda p: p[4] == "L" and 18 <= p[3] < 60,
            "adults": lambda p: 18 <= p[3] < 60,
            "anyone": lambda p: True,
        }
        chosen = [p for p in present if tests[who](p)]
        if len(chosen) < 5:
            chosen = present
        count = min(len(chosen), _between(rng, 5, 40))
        return [p[0] for p in rng.sample(chosen, count)]


# --- the stockpile simulation ---------------------------------------------------------------


@dataclass(frozen=True)
class _ItemSpec:
    key: str
    name: str
    category: str
    unit: str
    has_expiry: bool
    standard: str
    per_person_per_day: str
    low_stock_level: int
    mode: str  # kitchen / household / bulk / equipment
    rate: float  # kitchen and bulk: used per person per day
    pack: int  # deliveries come in multiples of this
    lots: tuple  # (code, year, expires_on, source)


ITEMS = (
    _ItemSpec(
        "rice",
        "Beras",
        "food",
        "kg",
        True,
        "rice",
        "0.4",
        200,
        "kitchen",
        0.4,
        25,
        (
            ("LS-2022-017", 2022, datetime.date(2023, 8, 31), "government"),
            ("BLG-2022-112", 2022, datetime.date(2023, 5, 31), "procured"),
            ("DN-2022-031", 2022, datetime.date(2023, 2, 28), "donated"),
        ),
    ),
    _ItemSpec(
        "noodles",
        "Mie instan",
        "food",
        "bungkus",
        True,
        "",
        "0",
        500,
        "kitchen",
        0.3,
        40,
        (
            ("LS-2022-021", 2022, datetime.date(2023, 4, 30), "government"),
            ("DN-2022-044", 2022, datetime.date(2023, 3, 15), "donated"),
        ),
    ),
    _ItemSpec(
        "oil",
        "Minyak goreng",
        "food",
        "liter",
        True,
        "",
        "0",
        20,
        "kitchen",
        0.02,
        12,
        (("LS-2022-022", 2022, datetime.date(2023, 10, 31), "government"),),
    ),
    _ItemSpec(
        "biscuits",
        "Biskuit",
        "food",
        "dus",
        True,
        "",
        "0",
        10,
        "kitchen",
        0.04,
        10,
        (
            ("LS-2021-044", 2021, datetime.date(2022, 12, 1), "government"),
            ("LS-2022-045", 2022, datetime.date(2023, 9, 30), "government"),
        ),
    ),
    _ItemSpec(
        "ready_meals",
        "Makanan siap saji",
        "food",
        "paket",
        True,
        "",
        "0",
        100,
        "early",
        0.8,
        50,
        (("LS-2022-030", 2022, datetime.date(2023, 6, 30), "government"),),
    ),
    _ItemSpec(
        "side_dish",
        "Lauk pauk siap saji",
        "food",
        "paket",
        True,
        "",
        "0",
        100,
        "kitchen",
        0.3,
        50,
        (("LS-2022-031", 2022, datetime.date(2023, 5, 31), "government"),),
    ),
    _ItemSpec(
        "water",
        "Air mineral (dus 48 gelas)",
        "water",
        "dus",
        True,
        "",
        "0",
        50,
        "kitchen",
        0.08,
        20,
        (("DN-2022-050", 2022, datetime.date(2024, 11, 30), "donated"),),
    ),
    _ItemSpec(
        "kidsware",
        "Kidsware",
        "clothing",
        "paket",
        False,
        "",
        "0",
        20,
        "once",
        0.15,
        10,
        (("LS-2022-040", 2022, None, "government"),),
    ),
    _ItemSpec(
        "family_kit",
        "Family kit",
        "household",
        "paket",
        False,
        "",
        "0.03",
        30,
        "household",
        0,
        10,
        (("LS-2022-041", 2022, None, "government"), ("LS-2021-018", 2021, None, "government")),
    ),
    _ItemSpec(
        "blanket",
        "Selimut",
        "clothing",
        "lembar",
        False,
        "",
        "0",
        50,
        "household",
        0,
        20,
        (("LS-2022-042", 2022, None, "government"), ("DN-2022-060", 2022, None, "donated")),
    ),
    _ItemSpec(
        "mat",
        "Tikar",
        "household",
        "lembar",
        False,
        "",
        "0",
        30,
        "household",
        0,
        20,
        (("LS-2022-043", 2022, None, "government"),),
    ),
    _ItemSpec(
        "mattress",
        "Matras",
        "shelter",
        "lembar",
        False,
        "",
        "0",
        20,
        "once",
        0.2,
        10,
        (("LS-2021-019", 2021, None, "government"),),
    ),
    _ItemSpec(
        "family_tent",
        "Tenda keluarga",
        "shelter",
        "unit",
        False,
        "",
        "0",
        5,
        "tents",
        0.02,
        1,
        (("LS-2022-046", 2022, None, "government"),),
    ),
    _ItemSpec(
        "tarpaulin",
        "Terpal",
        "shelter",
        "lembar",
        False,
        "",
        "0",
        10,
        "tents",
        0.05,
        5,
        (("LS-2022-047", 2022, None, "government"),),
    ),
    _ItemSpec(
        "diapers",
        "Popok bayi",
        "hygiene",
        "bungkus",
        False,
        "",
        "0",
        20,
        "kitchen",
        0.02,
        10,
        (("DN-2022-061", 2022, None, "donated"),),
    ),
    _ItemSpec(
        "pads",
        "Pembalut",
        "hygiene",
        "bungkus",
        False,
        "",
        "0",
        20,
        "kitchen",
        0.015,
        10,
        (("DN-2022-062", 2022, None, "donated"),),
    ),
    _ItemSpec(
        "diesel",
        "Solar (BBM genset)",
        "fuel",
        "liter",
        False,
        "",
        "0",
        40,
        "fuel",
        0,
        20,
        (("PR-2022-070", 2022, None, "procured"),),
    ),
    _ItemSpec(
        "genset",
        "Genset 2 kW",
        "equipment",
        "unit",
        False,
        "",
        "0",
        0,
        "equipment",
        0,
        1,
        (("LS-2021-020", 2021, None, "government"),),
    ),
    _ItemSpec(
        "purifier",
        "Water purifier portabel",
        "water",
        "unit",
        False,
        "",
        "0",
        0,
        "equipment",
        0,
        1,
        (("LS-2022-048", 2022, None, "government"),),
    ),
)

RECEIPT_REFERENCES = {
    "government": ("BAST Lumbung Sosial Kab. Cianjur", "BAST Gudang Dinsos Prov. Jawa Barat", "BAST Kemensos RI"),
    "procured": ("Pembelian Dinsos Kab. Cianjur", "Pengadaan BPBD Kab. Cianjur"),
    "donated": ("Donasi masyarakat", "Donasi relawan kampus", "Donasi paguyuban warga Cipanas"),
}


class _Stock:
    """Generates movements in date order, tracking every balance per site, item and lot."""

    FLUSH = 20000

    def __init__(self, builder: _Builder):
        self.b = builder
        self.rng = builder.rng
        self.sites = builder.sites
        self.rows: list[dict] = []
        self.written = 0
        # (site index, item key) -> list of [lot index, quantity] in the order they are used.
        self.held: dict[tuple[int, str], list[list]] = {}

    # movements ------------------------------------------------------------------------------

    def emit(self, site: _Site, spec: _ItemSpec, lot: int, kind: str, delta: int, day: int, **extra) -> None:
        self.rows.append(
            dict(
                id=_new_id(self.rng),
                site=site.id,
                item=self.item_ids[spec.key],
                lot=self.lot_ids[spec.key][lot],
                kind=kind,
                delta=Decimal(delta),
                moved_on=DAYS[day],
                **extra,
            )
        )
        if len(self.rows) >= self.FLUSH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            records.bulk_create(StockMovement, self.rows)
            self.written += len(self.rows)
            self.rows = []

    def balance(self, site: _Site, spec: _ItemSpec) -> int:
        return sum(q for _lot, q in self.held.get((site.index, spec.key), ()))

    def receive(
        self, site: _Site, spec: _ItemSpec, quantity: int, day: int, lot: int, kind: str = "received", **extra
    ) -> None:
        if quantity <= 0:
            return
        lots = self.held.setdefault((site.index, spec.key), [])
        for entry in lots:
            if entry[0] == lot:
                entry[1] += quantity
                break
        else:
            lots.append([lot, quantity])
            expiry = [spec_lot[2] or datetime.date.max for spec_lot in spec.lots]
            lots.sort(key=lambda e: (expiry[e[0]], e[0]))  # first expiring first
        self.emit(site, spec, lot, kind, quantity, day, **extra)

    def take(self, site: _Site, spec: _ItemSpec, quantity: int, day: int, kind: str, **extra) -> list[tuple[int, int]]:
        """Take up to ``quantity`` first-expiring-first; returns (lot, quantity) taken."""
        lots = self.held.get((site.index, spec.key), [])
        taken = []
        while quantity > 0 and lots:
            entry = lots[0]
            part = min(quantity, entry[1])
            entry[1] -= part
            quantity -= part
            taken.append((entry[0], part))
            if entry[1] == 0:
                lots.pop(0)
        for lot, part in taken:
            self.emit(site, spec, lot, kind, -part, day, **extra)
        return taken

    def transfer(self, source: _Site, target: _Site, spec: _ItemSpec, quantity: int, day: int, note: str) -> None:
        lots = self.held.get((source.index, spec.key), [])
        if not lots:
            return
        quantity = min(quantity, lots[0][1])  # one lot per transfer: one pair of legs
        if quantity <= 0:
            return
        link = _new_id(self.rng)
        for lot, part in self.take(
            source, spec, quantity, day, "transfer_out", other_site=target.id, transfer_id=link, note=note
        ):
            self.receive(
                target, spec, part, day, lot, kind="transfer_in", other_site=source.id, transfer_id=link, note=note
            )

    # the plan -------------------------------------------------------------------------------

    def catalogue(self) -> None:
        rng = self.rng
        items, lots = [], []
        self.item_ids, self.lot_ids = {}, {}
        for spec in ITEMS:
            item_id = _new_id(rng)
            self.item_ids[spec.key] = item_id
            items.append(
                dict(
                    id=item_id,
                    name=spec.name,
                    category=spec.category,
                    unit=spec.unit,
                    has_expiry=spec.has_expiry,
                    standard=spec.standard,
                    per_person_per_day=Decimal(spec.per_person_per_day),
                    low_stock_level=Decimal(spec.low_stock_level),
                )
            )
            self.lot_ids[spec.key] = []
            for code, year, expires_on, source in spec.lots:
                lot_id = _new_id(rng)
                self.lot_ids[spec.key].append(lot_id)
                lots.append(dict(id=lot_id, item=item_id, code=code, year=year, expires_on=expires_on, source=source))
        records.bulk_create(StockItem, items)
        records.bulk_create(StockLot, lots)

    def _pack(self, quantity: float, spec: _ItemSpec) -> int:
        return int(math.ceil(max(quantity, 0) / spec.pack)) * spec.pack

    def _need(self, site: _Site, spec: _ItemSpec, first: int, last: int) -> float:
        """What the site uses of a consumable from day ``first`` up to, not including, ``last``."""
        rate = spec.rate
        return sum(site.population[d] * rate for d in range(max(first, 0), min(last, NDAYS)))

    def plan_receipts(self) -> dict:
        """{(site index, item key): {day: [(quantity, lot, until, reserve)]}}; quantity None = top-up."""
        rng = self.rng
        plan: dict = {}
        # Two sites run low on rice: their last delivery barely covers the days to come.
        candidates = [s for s in self.sites if s.close_day is None and s.index != 0]
        low_rice = {candidates[-1].index: 0.3, candidates[-2].index: 1.3} if len(candidates) >= 2 else {}
        self.low_rice = low_rice
        for site in self.sites:
            stop = (site.close_day - 1) if site.close_day is not None else NDAYS
            for spec in ITEMS:
                days = plan.setdefault((site.index, spec.key), {})

                def add(day, quantity, lot=None, site=site, stop=stop, days=days, spec=spec):
                    if quantity > 0 and site.open_day <= day < stop:
                        days.setdefault(day, []).append(
                            (quantity, _below(rng, len(spec.lots)) if lot is None else lot, None, 0)
                        )

                if spec.mode == "kitchen":
                    # Deliveries every few days, each topping the stock up to what the site will
                    # use until the next one plus a reserve (sized on the day: see ``run``).
                    deliveries = [site.open_day]
                    while deliveries[-1] + 5 < stop - 2:
                        deliveries.append(deliveries[-1] + _between(rng, 3, 5))
                    low = spec.key == "rice" and site.index in low_rice
                    for k, day in enumerate(deliveries):
                        last = k + 1 == len(deliveries)
                        until = stop if last else deliveries[k + 1]
                        if low:
                            reserve = low_rice[site.index] if last else 1.0
                        elif last:
                            reserve = rng.uniform(4, 8) if site.close_day is None else 0.0
                        else:
                            reserve = rng.uniform(2, 4)
                        days.setdefault(day, []).append((None, _below(rng, len(spec.lots)), until, reserve))
                    if spec.key == "biscuits" and site.index == 0:
                        # An old government lot, sent a few days before it expires (1 December).
                        add(site.open_day + 5, self._pack(self._need(site, spec, 5, 10) * 1.6, spec), lot=0)
                elif spec.mode == "early":  # ready meals for the first days, before kitchens run
                    add(site.open_day, self._pack(self._need(site, spec, 0, 4) * 1.05, spec))
                elif spec.mode == "once":
                    add(site.open_day + 1, self._pack(max(site.population) * spec.rate * 1.1, spec))
                elif spec.mode == "tents":
                    if site.template.kind in ("tent_camp", "spontaneous"):
                        add(site.open_day, self._pack(max(site.population) * spec.rate * 1.1, spec))
                elif spec.mode == "household":
                    households = len(site.households)
                    rounds = 2 if spec.key == "family_kit" and self.b.full_distribution else 1
                    if spec.key == "mat" and not self.b.full_distribution:
                        add(site.open_day + 1, self._pack(households * 1.1, spec))  # issued in bulk
                        continue
                    per = 1 if spec.key == "family_kit" else 1.8
                    total = households * per * rounds * 1.05
                    for share, offset in ((0.45, 0), (0.35, 2), (0.3, 6), (0.2 * rounds, 11)):
                        add(site.open_day + offset, self._pack(total * share, spec))
                elif spec.mode == "fuel":
                    for day in range(site.open_day, stop, 3):
                        add(day, self._pack(self.kw[site.index] * 3 * 3 * 1.25, spec))
                elif spec.mode == "equipment":
                    if spec.key == "genset" and site.index % 2 == 0:
                        add(site.open_day + 1, _between(rng, 1, 3))
                    if spec.key == "purifier" and "water" in site.template.short_of:
                        add(site.open_day + 4, 1)
        return plan

    def run(self) -> None:
        rng = self.rng
        self.catalogue()
        self.kw = {site.index: max(5, round(max(site.population) / 1500) * 10) for site in self.sites}
        plan = self.plan_receipts()
        spec_of = {spec.key: spec for spec in ITEMS}
        intervals = {site.index: _one(rng, (1, 1, 2, 3)) for site in self.sites}
        queues = {}
        for site in self.sites:
            for key in ("family_kit", "blanket", "mat"):
                queues[(site.index, key)] = [0, deque(), deque()]  # next household, waiting, second round
        main = self.sites[0]
        for day in range(NDAYS):
            self.b.check_cancelled()
            for site in self.sites:
                if day < site.open_day or (site.close_day is not None and day >= site.close_day):
                    continue
                for spec in ITEMS:
                    for quantity, lot, until, reserve in plan[(site.index, spec.key)].get(day, ()):
                        if quantity is None:  # a top-up
                            margin = 1.0 if reserve < 2 else rng.uniform(1.0, 1.05)
                            wanted = (
                                self._need(site, spec, day, until) * margin
                                + site.population[min(until, NDAYS) - 1] * spec.rate * reserve
                            )
                            quantity = self._pack(wanted - self.balance(site, spec), spec)
                        source = spec.lots[lot][3]
                        self.receive(
                            site,
                            spec,
                            quantity,
                            day,
                            lot,
                            reference=f"{_one(rng, RECEIPT_REFERENCES[source])} No. {_between(rng, 10, 999):03d}/{DAYS[day]:%m}/2022",
                        )
                self._use(site, day, spec_of, intervals[site.index], queues)
            self._incidents(day, spec_of, main)
        self.flush()

    def _use(self, site: _Site, day: int, spec_of: dict, interval: int, queues: dict) -> None:
        rng = self.rng
        for spec in ITEMS:
            if spec.mode == "kitchen" and (day - site.open_day) % interval == 0:
                need = self._need(site, spec, day, day + interval) * rng.uniform(0.97, 1.04)
                quantity = int(round(need)) if spec.unit == "kg" or need >= 5 else int(math.ceil(need))
                if quantity > 0:
                    note = "Untuk dapur umum" if spec.category == "food" else "Dibagikan di posko"
                    self.take(site, spec, quantity, day, "issued", note=note)
            elif spec.mode == "early" and day - site.open_day < 4:
                self.take(
                    site,
                    spec,
                    int(math.ceil(site.population[day] * spec.rate)),
                    day,
                    "issued",
                    note="Dibagikan sebelum dapur umum berjalan",
                )
            elif spec.mode in ("once", "tents") or (spec.key == "mat" and not self.b.full_distribution):
                if day == site.open_day + 1 or (spec.mode == "tents" and day == site.open_day + 3):
                    held = self.balance(site, spec)
                    quantity = held if spec.mode == "once" else int(held * rng.uniform(0.5, 0.7))
                    note = "Dipasang di tenda" if spec.mode == "tents" else "Dibagikan di posko"
                    self.take(site, spec, quantity, day, "issued", note=note)
            elif spec.mode == "fuel" and self.balance(site, spec) > 0:
                self.take(
                    site, spec, int(self.kw[site.index] * 3 * rng.uniform(0.8, 1.1)), day, "issued", note="Genset posko"
                )
            elif spec.key == "purifier" and day == site.open_day + 6:
                self.take(site, spec, self.balance(site, spec), day, "issued", note="Dipasang di instalasi air")
            elif spec.mode == "household":
                self._distribute(site, spec, day, queues[(site.index, spec.key)])

    def _distribute(self, site: _Site, spec: _ItemSpec, day: int, queue: list) -> None:
        """Each household present gets one, in order of arrival, as far as stock goes."""
        households = site.households
        while queue[0] < len(households) and households[queue[0]][0] <= day:
            queue[1].append(households[queue[0]])
            queue[0] += 1
        held = self.balance(site, spec)
        for waiting, second in ((queue[1], False), (queue[2], True)):
            while waiting and held > 0:
                if second and waiting[0][0] > day:
                    break
                start, end, household_id, size = waiting[0]
                if end <= day:
                    waiting.popleft()
                    continue
                quantity = 1 if spec.key != "blanket" else min(3, 1 + size // 3)
                if quantity > held:
                    break
                waiting.popleft()
                self.take(
                    site,
                    spec,
                    quantity,
                    day,
                    "distributed",
                    household=household_id,
                    note="Putaran kedua" if second else "",
                )
                held -= quantity
                if spec.key == "family_kit" and not second and self.b.full_distribution:
                    queue[2].append((day + 7, end, household_id, size))

    def _incidents(self, day: int, spec_of: dict, main: _Site) -> None:
        """Adjustments and transfers between sites on a few days."""
        rng = self.rng
        live = [s for s in self.sites if s.open_day <= day and (s.close_day is None or day < s.close_day)]
        if day == 6:
            tent_camps = [s for s in live if s.template.kind == "tent_camp"]
            for site in tent_camps[:2]:
                spec = spec_of["rice"]
                lost = int(self.balance(site, spec) * rng.uniform(0.02, 0.05))
                self.take(site, spec, lost, day, "adjusted", reason="damaged", note="Karung beras basah terkena hujan")
        if day == 9:
            for site in live[1::3]:
                spec = spec_of["tarpaulin"] if self.balance(site, spec_of["tarpaulin"]) else spec_of["blanket"]
                self.take(
                    site,
                    spec,
                    min(_between(rng, 1, 3), self.balance(site, spec)),
                    day,
                    "adjusted",
                    reason="lost",
                    note="Hilang dari gudang posko",
                )
        if day == 10:  # LS-2021-044 biscuits expire on 1 December
            spec = spec_of["biscuits"]
            for site in live:
                lots = self.held.get((site.index, spec.key), [])
                left = sum(q for lot, q in lots if lot == 0)
                if left:
                    self.take(site, spec, left, day, "adjusted", reason="expired", note="Lot LS-2021-044 kedaluwarsa")
        if day == 5 and len(live) > 2:
            donor = max(live, key=lambda s: self.balance(s, spec_of["rice"]) / max(1, s.population[day]))
            receiver = min(
                (s for s in live if s.index not in self.low_rice),
                key=lambda s: self.balance(s, spec_of["rice"]) / max(1, s.population[day]),
            )
            if donor is not receiver:
                self.transfer(
                    donor,
                    receiver,
                    spec_of["rice"],
                    self._pack(receiver.population[day] * 0.4, spec_of["rice"]),
                    day,
                    "Pinjam beras antarposko",
                )
        if day == 8:
            with_genset = [s for s in live if self.balance(s, spec_of["genset"]) > 1]
            without = [s for s in live if not self.balance(s, spec_of["genset"])]
            if with_genset and without:
                self.transfer(with_genset[0], without[0], spec_of["genset"], 1, day, "Genset dipinjamkan")
        if day == 12 and len(live) > 1:
            target = live[-1] if live[-1] is not main else live[-2]
            self.transfer(
                main,
                target,
                spec_of["noodles"],
                self._pack(target.population[day] * 0.6, spec_of["noodles"]),
                day,
                "Kiriman dari posko utama",
            )
        for site in self.sites:  # a closing site hands its stock to the main site the day before
            if site.close_day is not None and day == site.close_day - 1 and site is not main:
                for spec in ITEMS:
                    while self.balance(site, spec) > 0:
                        self.transfer(
                            site, main, spec, self.balance(site, spec), day, "Lokasi ditutup, stok dipindahkan"
                        )


# --- entry point -------------------------------------------------------------------------------


def build_demo(
    persons: int = 3000,
    seed: int = 7,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> DemoSummary:
    """Fill an empty database with a demo operation of about ``persons`` evacuees.

    All in one transaction; ``cancelled()`` is asked between chunks and, when it says yes,
    ``DemoCancelled`` is raised and nothing is kept. ``progress(done, total)`` counts persons.
    """
    if persons < MIN_PERSONS:
        raise RuleViolation("persons", _("A demo needs at least {minimum} persons.", minimum=MIN_PERSONS))
    previous = records.operator()
    if not previous:
        records.set_operator(OPERATOR)
    try:
        with lock.exclusive(database.obj), database.atomic():  # one writer at a time
            if Event.select().where(Event.deleted_at.is_null()).exists():
                raise RuleViolation(
                    "persons", _("This database already holds an operation; create the demo in a new, empty database.")
                )
            builder = _Builder(persons, seed, progress, cancelled)
            builder.check_cancelled()
            builder.build_event_and_sites()
            builder.build_roster()
            builder.check_cancelled()
            builder.build_installations()
            builder.build_stock()
            builder.check_cancelled()
            builder.build_activities()
            builder.check_cancelled()
            presence.rebuild()
    finally:
        if not previous:
            records.set_operator(previous)
    return DemoSummary(**builder.counts)
